// CSV as RFC 4180 writes it, for files people open in a spreadsheet. A text cell a spreadsheet
// would run as a formula (=, +, -, @, or a leading tab or CR that it strips first) gets a `'`
// in front, so it shows as the text it is (OWASP's CSV injection advice). Figures are written
// as figures and never prefixed: -12.50 stays a number a sum can use.
import { formatRupees } from '../core/order-rules.ts';

/** A figure written as it is: never quoted, never prefixed. */
export interface CsvFigure {
  readonly figure: string;
}

/** Text (a string), a figure (a number or a CsvFigure), or an empty cell (null). */
export type CsvCell = string | number | CsvFigure | null;

export const CSV_CONTENT_TYPE = 'text/csv; charset=utf-8';

const FORMULA_START = /^[=+\-@\t\r]/;
const NEEDS_QUOTES = /[",\r\n]/;
const IST_OFFSET_MS = (5 * 60 + 30) * 60_000;

/** Rupees with two decimals from integer paise ("-12.50"), exact: no floating point on the way. */
export function rupees(paise: number): CsvFigure {
  return { figure: formatRupees(paise) };
}

/** "2026-12-03 09:15:02" in IST (+05:30), whatever zone the server runs in; IST has no daylight saving. */
export function istTime(at: Date): string {
  const shifted = new Date(at.getTime() + IST_OFFSET_MS).toISOString();
  return `${shifted.slice(0, 10)} ${shifted.slice(11, 19)}`;
}

/** One field as it goes into the file. */
export function csvField(cell: CsvCell): string {
  if (cell === null) return '';
  if (typeof cell === 'number') {
    if (!Number.isFinite(cell)) throw new TypeError(`a CSV figure must be finite, not ${cell}`);
    return String(cell);
  }
  if (typeof cell === 'object') return cell.figure;
  const text = FORMULA_START.test(cell) ? `'${cell}` : cell;
  return NEEDS_QUOTES.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** One record with its CRLF line end. */
export function csvRecord(cells: readonly CsvCell[]): string {
  return `${cells.map(csvField).join(',')}\r\n`;
}
