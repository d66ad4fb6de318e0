// Angel One's OpenAPIScripMaster.json turned into InstrumentSpecs, plus the small real subset that
// ships with the code. The file is one JSON array of rows whose fields are all strings. Its
// tick_size and strike are already paise (x100 the rupee value: tick "5.000000" is Rs 0.05, strike
// "2350000.000000" is Rs 23,500), so they are rounded, never scaled (docs/smartapi.md §11). A full
// file has well over 100k rows, so a bad row is skipped with a reason instead of failing the import.
import { EXCHANGES } from '../core/input-rules.ts';
import type { InstrumentSpec } from '../core/types.ts';
import freezeData from './data/nse-freeze-limits.json' with { type: 'json' };
import shippedData from './data/nse-instruments.json' with { type: 'json' };

/** NSE's quantity freeze limits for index derivatives, in units per order, keyed by underlying. */
export interface FreezeTable {
  effectiveFrom: string;
  source: string;
  limits: Readonly<Record<string, number>>;
}

export interface SkippedRow {
  /** Position in the input array; -1 when the input as a whole is unusable. */
  index: number;
  reason: string;
}

export interface ScripMasterResult {
  instruments: InstrumentSpec[];
  skipped: SkippedRow[];
}

/** Paise; where the paper exchange starts its price walk. */
export type ShippedInstrument = InstrumentSpec & { referencePrice: number };

// CDS and the commodity exchanges other than MCX quote in steps finer than a paisa, which an
// integer-paise InstrumentSpec cannot hold.
const SEGMENTS: ReadonlySet<string> = new Set(EXCHANGES);
const INDEX_TYPES: ReadonlySet<string> = new Set(['AMXIDX', 'INDEX']);
const INDEX_DERIVATIVES: ReadonlySet<string> = new Set(['FUTIDX', 'OPTIDX']);
const MONTHS = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'];

export function parseScripMaster(rows: unknown, freeze: FreezeTable): ScripMasterResult {
  if (!Array.isArray(rows)) {
    return { instruments: [], skipped: [{ index: -1, reason: 'the scrip master is not a JSON array' }] };
  }
  const instruments: InstrumentSpec[] = [];
  const skipped: SkippedRow[] = [];
  // Instruments are unique by (exchange, token) in the database, so a repeat would fail the import.
  const firstRow = new Map<string, number>();
  rows.forEach((row: unknown, index) => {
    const parsed = parseRow(row, freeze);
    if (typeof parsed === 'string') {
      skipped.push({ index, reason: parsed });
      return;
    }
    const key = `${parsed.exchange}:${parsed.token}`;
    const first = firstRow.get(key);
    if (first !== undefined) {
      skipped.push({ index, reason: `token ${parsed.token} on ${parsed.exchange} repeats row ${first}` });
      return;
    }
    firstRow.set(key, index);
    instruments.push(parsed);
  });
  return { instruments, skipped };
}

/** NSE sets one freeze limit per underlying for its index futures and options; nothing else has one here. */
export function freezeQuantityFor(spec: Pick<InstrumentSpec, 'name' | 'exchange' | 'instrumentType'>, freeze: FreezeTable): number | null {
  if (spec.exchange !== 'NFO' || !INDEX_DERIVATIVES.has(spec.instrumentType)) return null;
  return freeze.limits[spec.name] ?? null;
}

export function shippedFreezeTable(): FreezeTable {
  return { ...freezeData, limits: { ...freezeData.limits } };
}

/** The NIFTY 50 cash equities and a few index derivatives that ship with the code, freeze limits applied. */
export function shippedInstruments(): ShippedInstrument[] {
  const freeze = shippedFreezeTable();
  return shippedData.instruments.map((entry) => ({
    token: entry.token,
    symbol: entry.symbol,
    name: entry.name,
    exchange: entry.exchange,
    instrumentType: entry.instrumentType,
    lotSize: entry.lotSize,
    tickSize: entry.tickSize,
    freezeQuantity: freezeQuantityFor(entry, freeze),
    expiry: entry.expiry,
    strike: entry.strike,
    referencePrice: entry.referencePrice,
  }));
}

/** The spec, or why the row cannot be one. */
function parseRow(row: unknown, freeze: FreezeTable): InstrumentSpec | string {
  if (typeof row !== 'object' || row === null || Array.isArray(row)) return 'row is not an object';
  const field = (key: string): string => {
    const value: unknown = (row as Record<string, unknown>)[key];
    if (typeof value === 'string') return value.trim();
    return typeof value === 'number' && Number.isFinite(value) ? String(value) : '';
  };
  const token = field('token');
  const symbol = field('symbol');
  const name = field('name');
  const exchange = field('exch_seg').toUpperCase();
  const rawType = field('instrumenttype').toUpperCase();
  if (!/^\d+$/.test(token)) return `token "${token}" is not a number`;
  if (symbol === '') return `token ${token} has no symbol`;
  if (name === '') return `${symbol} has no name`;
  if (!SEGMENTS.has(exchange)) return `${symbol}: exchange segment "${exchange}" is not supported`;
  if (INDEX_TYPES.has(rawType)) return `${symbol} is an index, which cannot be traded`;

  const lotSize = wholeNumber(field('lotsize'));
  if (lotSize === null || lotSize <= 0) return `${symbol}: lot size "${field('lotsize')}" is not a whole number above 0`;
  const tickSize = wholeNumber(field('tick_size'));
  if (tickSize === null || tickSize <= 0) {
    return `${symbol}: tick size "${field('tick_size')}" is not a whole number of paise above 0`;
  }
  const expiryText = field('expiry');
  const expiry = expiryText === '' ? null : isoDate(expiryText);
  if (expiry === undefined) return `${symbol}: expiry "${expiryText}" is not a DDMMMYYYY date`;
  if (expiry === null && (rawType.startsWith('FUT') || rawType.startsWith('OPT'))) return `${symbol}: ${rawType} row has no expiry`;
  let strike: number | null = null;
  if (rawType.startsWith('OPT')) {
    strike = wholeNumber(field('strike'));
    if (strike === null || strike <= 0) return `${symbol}: strike "${field('strike')}" is not a whole number of paise above 0`;
  }
  // The file leaves instrumenttype blank for cash rows; an explicit EQ keeps the column meaningful.
  const instrumentType = rawType === '' ? 'EQ' : rawType;
  const freezeQuantity = freezeQuantityFor({ name, exchange, instrumentType }, freeze);
  return { token, symbol, name, exchange, instrumentType, lotSize, tickSize, freezeQuantity, expiry, strike };
}

/** "5.000000" -> 5; null for text that is not a whole number (the file pads with six decimals). */
function wholeNumber(text: string): number | null {
  if (text === '') return null;
  const value = Number(text);
  const rounded = Math.round(value);
  return Number.isSafeInteger(rounded) && Math.abs(value - rounded) < 1e-6 ? rounded : null;
}

/** "28JUL2026" (any case) -> "2026-07-28"; undefined when it is not a real calendar date. */
function isoDate(text: string): string | undefined {
  const match = /^(\d{2})([A-Za-z]{3})(\d{4})$/.exec(text);
  if (!match) return undefined;
  const [, day = '', monthName = '', year = ''] = match;
  const month = MONTHS.indexOf(monthName.toUpperCase()) + 1;
  if (month === 0) return undefined;
  const date = new Date(Date.UTC(Number(year), month - 1, Number(day)));
  if (date.getUTCMonth() !== month - 1 || date.getUTCDate() !== Number(day)) return undefined;
  return `${year}-${String(month).padStart(2, '0')}-${day}`;
}
