// SmartAPI's wire values: rupees as decimal strings or numbers, quantities as strings,
// times as "dd-MMM-yyyy HH:mm:ss" in IST. Tandem keeps integer paise and Dates.

/** Integer paise as the rupee string SmartAPI takes, e.g. 19450 -> "194.50". */
export function rupeesText(paise: number): string {
  const sign = paise < 0 ? '-' : '';
  const abs = Math.abs(Math.trunc(paise));
  return `${sign}${Math.trunc(abs / 100)}.${String(abs % 100).padStart(2, '0')}`;
}

/** A rupee amount as SmartAPI shows it (161.7, "194.50", 0) in integer paise; null when absent or not a number. */
export function paiseOf(value: unknown): number | null {
  const number = typeof value === 'number' ? value : typeof value === 'string' && value.trim() !== '' ? Number(value) : NaN;
  return Number.isFinite(number) ? Math.round(number * 100) : null;
}

/** A quantity ("10", 10, "") as a whole number; 0 when absent. */
export function quantityOf(value: unknown): number {
  const number = typeof value === 'number' ? value : typeof value === 'string' ? Number.parseInt(value, 10) : NaN;
  return Number.isFinite(number) ? Math.trunc(number) : 0;
}

export function textOf(value: unknown): string {
  return typeof value === 'string' ? value.trim() : typeof value === 'number' ? String(value) : '';
}

const MONTHS = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'];
const IST_TIME = /^(\d{1,2})-([A-Za-z]{3})-(\d{4}) (\d{1,2}):(\d{2}):(\d{2})$/;
const IST_OFFSET_MS = (5 * 60 + 30) * 60_000;

/** "20-Oct-2020 13:10:59" (IST) as an instant; null for "" or anything else. */
export function parseIstTime(value: unknown): Date | null {
  const match = IST_TIME.exec(textOf(value));
  if (!match) return null;
  const month = MONTHS.indexOf(match[2]!.toUpperCase());
  if (month < 0) return null;
  const utc = Date.UTC(Number(match[3]), month, Number(match[1]), Number(match[4]), Number(match[5]), Number(match[6]));
  return new Date(utc - IST_OFFSET_MS);
}
