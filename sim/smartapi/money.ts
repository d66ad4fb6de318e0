// Prices travel as rupee strings ("194.50") or numbers; inside the simulator they are integer paise.

const DECIMAL = /^\d+(?:\.\d{1,2})?$/;

/** Paise from a SmartAPI price field, or null when it is not a non-negative amount with ≤ 2 decimals. */
export function parsePaise(value: unknown): number | null {
  if (typeof value === 'number') {
    if (!Number.isFinite(value) || value < 0) return null;
    const paise = Math.round(value * 100);
    return Math.abs(paise - value * 100) < 1e-6 ? paise : null;
  }
  if (typeof value !== 'string') return null;
  const text = value.trim();
  if (!DECIMAL.test(text)) return null;
  const [whole = '0', fraction = ''] = text.split('.');
  return Number(whole) * 100 + Number(fraction.padEnd(2, '0'));
}

/** The number SmartAPI shows in order rows (161.7, 0). */
export function rupeesNumber(paise: number): number {
  return paise / 100;
}

/** The two-decimal string SmartAPI shows in RMS, trade and position rows ("937.00"). */
export function rupeesText(paise: number): string {
  const sign = paise < 0 ? '-' : '';
  const abs = Math.abs(Math.round(paise));
  return `${sign}${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, '0')}`;
}
