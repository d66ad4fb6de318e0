// How the dashboard writes money, quantities, counts, latency, times and enum values. The API
// gives prices as rupees (floats at its edge) and times as ISO strings; the trading desk reads
// Indian grouping and IST, whatever the browser's locale and time zone.

const rupees = new Intl.NumberFormat('en-IN', { style: 'currency', currency: 'INR', minimumFractionDigits: 2, maximumFractionDigits: 2 });
const wholeNumber = new Intl.NumberFormat('en-IN', { maximumFractionDigits: 0 });
const istTime = new Intl.DateTimeFormat('en-GB', {
  timeZone: 'Asia/Kolkata',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
  hourCycle: 'h23',
});
const istDate = new Intl.DateTimeFormat('en-GB', { timeZone: 'Asia/Kolkata', day: '2-digit', month: 'short' });
const istDateAndTime = new Intl.DateTimeFormat('en-GB', {
  timeZone: 'Asia/Kolkata',
  day: '2-digit',
  month: 'short',
  year: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
  hourCycle: 'h23',
});

const DASH = '—';

const known = (value: number | null | undefined): value is number => value !== null && value !== undefined && Number.isFinite(value);

/** ₹1,23,456.50 from rupees; a dash when there is no price yet (an unfilled order). */
export function formatRupees(value: number | null | undefined): string {
  return known(value) ? rupees.format(value) : DASH;
}

/** 1,500 (Indian grouping); quantities are whole numbers. */
export function formatQuantity(value: number): string {
  return wholeNumber.format(value);
}

/** "1,23,456" (Indian grouping) for counts; a dash when unknown. */
export function formatCount(value: number | null | undefined): string {
  return known(value) ? wholeNumber.format(value) : DASH;
}

/** "38 ms" under a second, "1.25 s" above; a dash when the broker has not acknowledged yet. */
export function formatLatency(ms: number | null | undefined): string {
  if (!known(ms)) return DASH;
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(2)} s`;
  return `${(ms / 60_000).toFixed(1)} min`;
}

/** "14:05:09" (IST) for today's orders; "24 Nov 14:05:09" for older ones, so a paged history stays clear. */
export function formatTimestamp(iso: string | null | undefined, now: Date = new Date()): string {
  if (!iso) return DASH;
  const at = new Date(iso);
  if (Number.isNaN(at.getTime())) return DASH;
  const sameDay = istDate.format(at) === istDate.format(now);
  return sameDay ? istTime.format(at) : `${istDate.format(at)} ${istTime.format(at)}`;
}

/** "25 Nov 2026, 14:05" in IST; a dash when absent (a token never used). */
export function formatDateTime(iso: string | null | undefined): string {
  if (!iso) return DASH;
  const at = new Date(iso);
  return Number.isNaN(at.getTime()) ? DASH : istDateAndTime.format(at);
}

/** "PARTIALLY_FILLED" -> "Partially filled": enum values as words. */
export function humanize(value: string): string {
  const words = value.toLowerCase().replace(/_/g, ' ');
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/** A symbol or exchange list: "SBIN-EQ, RELIANCE-EQ" (also what its text input starts with). */
export function formatList(values: readonly string[]): string {
  return values.join(', ');
}
