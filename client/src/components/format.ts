// Formatters for the admin pages (accounts, multipliers, tokens). Order and latency formatting
// lives in lib/format.ts beside the blotter.

const count = new Intl.NumberFormat('en-IN', { maximumFractionDigits: 0 });
const dateAndTime = new Intl.DateTimeFormat('en-GB', { timeZone: 'Asia/Kolkata', day: '2-digit', month: 'short', year: 'numeric', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });

/** "1,23,456" (Indian grouping) for counts; "—" when unknown. */
export function formatCount(value: number | null | undefined): string {
  return value === null || value === undefined || !Number.isFinite(value) ? '—' : count.format(value);
}

/** "25 Nov 2026, 14:05" in IST; "—" when absent (a token never used). */
export function formatDateTime(iso: string | null | undefined): string {
  if (!iso) return '—';
  const at = new Date(iso);
  return Number.isNaN(at.getTime()) ? '—' : dateAndTime.format(at);
}

/** A multiplier's sizing in words: "× 2.5", "× 1 reverse" for a negative factor, "3 lots". */
export function formatSizing(link: { mode: 'MULTIPLY' | 'FIXED_LOTS'; factor?: number | null; fixedLots?: number | null }): string {
  if (link.mode === 'FIXED_LOTS') {
    return link.fixedLots === null || link.fixedLots === undefined ? '—' : `${link.fixedLots} lot${link.fixedLots === 1 ? '' : 's'}`;
  }
  if (link.factor === null || link.factor === undefined) return '—';
  return link.factor < 0 ? `× ${String(-link.factor)} reverse` : `× ${String(link.factor)}`;
}

/** A symbol or exchange list for a text input: "SBIN-EQ, RELIANCE-EQ". */
export function formatList(values: readonly string[]): string {
  return values.join(', ');
}

/** The list a text input holds: split on commas or spaces, blanks dropped, upper-cased as brokers spell them. */
export function parseList(text: string): string[] {
  return [...new Set(text.split(/[,\s]+/).map((v) => v.trim().toUpperCase()).filter((v) => v.length > 0))];
}
