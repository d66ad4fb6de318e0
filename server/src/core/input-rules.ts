// What Tandem accepts from a caller, checked at the edge so the database never sees bad input.
// Each bound sits below its column (int4, bigint paise, varchar, numeric(14,6)) and at a level no
// real account needs to exceed, so a typo (1e8 for 1e3) is refused instead of stored.
import { badInput } from './errors.ts';
import { rupeesToPaise } from './order-rules.ts';

/** No string argument needs more: the longest real one is an orders cursor of about 90 characters. */
export const MAX_STRING_LENGTH = 1000;
/** RFC 5321's limit on a forward path. */
export const MAX_EMAIL_LENGTH = 254;
export const MAX_LABEL_LENGTH = 100;
export const MAX_PASSWORD_LENGTH = 200;
/** Broker API keys are a few dozen characters; the TOTP secret Angel One shows is 32. */
export const MAX_API_KEY_LENGTH = 100;
export const MAX_TOTP_SECRET_LENGTH = 128;
/** Rows in one page of a list (orders, instruments). */
export const MAX_PAGE_SIZE = 500;
/** Entries in one multiplier's symbol or exchange list. */
export const MAX_LIST_ENTRIES = 500;

/** ₹10 crore: a daily loss limit or a copied order's value cap above this is a typo, not a plan. */
export const MAX_AMOUNT_RUPEES = 100_000_000;
export const MAX_AMOUNT_TEXT = '₹10,00,00,000 (10 crore)';
export const MAX_ORDERS_PER_DAY = 100_000;
export const MAX_FIXED_LOTS = 10_000;
/** Units in one copied order, before the exchange's freeze limit splits it. */
export const MAX_COPY_QUANTITY = 10_000_000;
/** A factor's magnitude: below 0.001 every copy rounds to nothing; above 1000 it is a typo. */
export const MIN_FACTOR = 0.001;
export const MAX_FACTOR = 1000;

/**
 * The exchange segments Tandem trades: the ones the scrip master import keeps (CDS and the other
 * commodity segments quote finer than a paisa, which integer paise cannot hold).
 */
export const EXCHANGES = ['NSE', 'BSE', 'NFO', 'BFO', 'MCX'] as const;

/** A trading symbol as brokers spell it (SBIN-EQ, M&M-EQ, NIFTY28JUL26FUT); the orders column holds 64. */
export const SYMBOL = /^[A-Z0-9&_.-]{1,64}$/;

/** Dates a caller may pass: PostgreSQL's timestamptz and ISO-8601 both hold these years, JS alone holds more. */
export const EARLIEST_DATE = new Date('1970-01-01T00:00:00Z');
export const LATEST_DATE = new Date('9999-12-31T23:59:59.999Z');

// Every control character, tab and line breaks included: no argument of this API is multi-line
// text, and PostgreSQL refuses NUL outright (in text and in the audit trail's jsonb).
const CONTROL = /\p{Cc}/u;
// A high surrogate not followed by a low one, or a low one not preceded by a high one: not
// Unicode, so neither UTF-8 nor PostgreSQL can store it.
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

const codePoint = (char: string) => `U+${char.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`;

/** Why a string argument is refused whatever field it is for, or null when it is fine. */
export function textProblem(value: string): string | null {
  if (value.length > MAX_STRING_LENGTH) return `is ${value.length} characters long; no argument takes more than ${MAX_STRING_LENGTH}`;
  const control = CONTROL.exec(value);
  if (control) return `contains the control character ${codePoint(control[0])}; send printable text only`;
  const surrogate = LONE_SURROGATE.exec(value);
  if (surrogate) return `contains a lone UTF-16 surrogate (${codePoint(surrogate[0])}); send well-formed Unicode`;
  return null;
}

/** Why a date argument is refused, or null when it is fine. */
export function dateProblem(value: Date): string | null {
  if (Number.isNaN(value.getTime()) || value < EARLIEST_DATE || value > LATEST_DATE)
    return 'must be a date between the years 1970 and 9999';
  return null;
}

/**
 * Rupees to whole paise for a money limit, or null when the amount is not above 0, has more
 * than 2 decimals or exceeds MAX_AMOUNT_RUPEES.
 */
export function limitPaise(rupees: number): number | null {
  if (!Number.isFinite(rupees) || rupees <= 0 || rupees > MAX_AMOUNT_RUPEES) return null;
  const paise = rupeesToPaise(rupees);
  return Number.isFinite(paise) && paise > 0 ? paise : null;
}

/** A whole number from 1 to max, as every count and size limit here must be. */
export const isCountWithin = (value: number, max: number) => Number.isInteger(value) && value >= 1 && value <= max;

/** The page size a list argument asks for: `first` from 1 to MAX_PAGE_SIZE, refused rather than clamped. */
export function pageSize(first: number | null | undefined, fallback = 50): number {
  const size = first ?? fallback;
  if (!isCountWithin(size, MAX_PAGE_SIZE)) throw badInput('first', `first must be between 1 and ${MAX_PAGE_SIZE}`);
  return size;
}
