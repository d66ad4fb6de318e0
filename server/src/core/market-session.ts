// NSE's cash and F&O session in IST, computed from an injected instant so the process time
// zone never matters (istParts shifts by +05:30 itself; IST has no daylight saving).
import { istParts, istTimeOn } from './clock.ts';

/** `always`: the paper exchange trades around the clock for demos; `nse`: NSE's hours. */
export type MarketHoursMode = 'always' | 'nse';

export const NSE_OPEN = { hours: 9, minutes: 15 } as const;
export const NSE_CLOSE = { hours: 15, minutes: 30 } as const;

const OPEN_MINUTE = NSE_OPEN.hours * 60 + NSE_OPEN.minutes;
const CLOSE_MINUTE = NSE_CLOSE.hours * 60 + NSE_CLOSE.minutes;
const DAY_MS = 24 * 60 * 60_000;

/** The IST calendar date of `at` as 'YYYY-MM-DD': the day daily limits count against. */
export function istTradingDay(at: Date): string {
  return istParts(at).dateKey;
}

/** Monday to Friday in IST and not one of `holidays` ('YYYY-MM-DD' IST dates). */
export function isTradingDay(at: Date, holidays: readonly string[] = []): boolean {
  const { weekday, dateKey } = istParts(at);
  return weekday >= 1 && weekday <= 5 && !holidays.includes(dateKey);
}

/** Open from 09:15:00 up to but excluding 15:30:00 IST on trading days (nse mode). */
export function isMarketOpen(at: Date, mode: MarketHoursMode, holidays: readonly string[] = []): boolean {
  if (mode === 'always') return true;
  const { minutes } = istParts(at);
  return isTradingDay(at, holidays) && minutes >= OPEN_MINUTE && minutes < CLOSE_MINUTE;
}

/**
 * The first 09:15 IST on a trading day strictly after `at`: when queued AMO orders go to the
 * book. At 09:15 exactly the session has just opened, so the answer is the next day's open.
 */
export function nextSessionOpen(at: Date, holidays: readonly string[] = []): Date {
  let candidate = istTimeOn(at, NSE_OPEN.hours, NSE_OPEN.minutes);
  while (candidate.getTime() <= at.getTime() || !isTradingDay(candidate, holidays)) {
    candidate = new Date(candidate.getTime() + DAY_MS);
  }
  return candidate;
}
