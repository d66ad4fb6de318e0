// The period a caller names with `from` and `to` in a URL (the CSV exports), where there is no
// DateTime scalar to lean on. Traders think in IST days: a date alone is that whole day in IST,
// and a time without an offset is IST too, whatever zone the server runs in.
import { badInput } from './errors.ts';
import { dateProblem } from './input-rules.ts';

/** Times from `from` (inclusive) up to `before` (exclusive); null is open on that side. */
export interface Period {
  from: Date | null;
  before: Date | null;
}

const IST = '+05:30';
const DAY_MS = 24 * 60 * 60_000;
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const DATE_TIME = /^(\d{4}-\d{2}-\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,3}))?)?(Z|[+-]\d{2}:\d{2})?$/;
const FORMATS = '2026-12-03 (that whole day in IST) or 2026-12-03T09:15:00+05:30 (no offset means IST)';

/** Whether a 'YYYY-MM-DD' names a real calendar day (2026-02-30 does not). */
const realDay = (day: string) => {
  const at = new Date(`${day}T00:00:00Z`);
  return !Number.isNaN(at.getTime()) && at.toISOString().slice(0, 10) === day;
};

/** The instant a bound names and whether it was a whole day; throws BAD_USER_INPUT on `field`. */
function parseBound(raw: string, field: string): { at: Date; wholeDay: boolean } {
  // An unencoded `+` in a query string arrives as a space: +05:30 written as is still means +05:30.
  const text = raw.replace(/ (\d{2}:\d{2})$/, '+$1');
  const problem = (why: string) => badInput(field, `${field} ${why}; write ${FORMATS}`);
  const day = DATE.exec(text);
  const time = day ? null : DATE_TIME.exec(text);
  const dayText = day ? text : time?.[1];
  if (!dayText) throw problem(`is not a date (${JSON.stringify(text.slice(0, 40))})`);
  if (!realDay(dayText)) throw problem(`is not a calendar date (${JSON.stringify(text.slice(0, 40))})`);
  if (time && (Number(time[2]) > 23 || Number(time[3]) > 59 || Number(time[4] ?? 0) > 59))
    throw problem(`is not a time of day (${JSON.stringify(text.slice(0, 40))})`);
  const at = day ? new Date(`${text}T00:00:00${IST}`) : new Date(time![6] ? text : `${text}${IST}`);
  const range = dateProblem(at);
  if (range) throw problem(range);
  return { at, wholeDay: day !== null };
}

/**
 * `from` and `to` as a half-open period, both ends inclusive as the caller means them: `to` as a
 * date runs to the end of that IST day, `to` as a time includes that millisecond. Each bound is
 * optional; `to` before `from` is refused on `to`.
 */
export function parsePeriod(from: string | null, to: string | null): Period {
  const start = from === null ? null : parseBound(from, 'from');
  const end = to === null ? null : parseBound(to, 'to');
  const before = end === null ? null : new Date(end.at.getTime() + (end.wholeDay ? DAY_MS : 1));
  if (start !== null && before !== null && before <= start.at) throw badInput('to', 'to is before from: the period would be empty');
  return { from: start?.at ?? null, before };
}
