/** A multiplier's sizing in words: "× 2.5", "× 1 reverse" for a negative factor, "3 lots". */
export function formatSizing(link: { mode: 'MULTIPLY' | 'FIXED_LOTS'; factor?: number | null; fixedLots?: number | null }): string {
  if (link.mode === 'FIXED_LOTS') {
    return link.fixedLots === null || link.fixedLots === undefined ? '—' : `${link.fixedLots} lot${link.fixedLots === 1 ? '' : 's'}`;
  }
  if (link.factor === null || link.factor === undefined) return '—';
  return link.factor < 0 ? `× ${String(-link.factor)} reverse` : `× ${String(link.factor)}`;
}
