import { setTimeout as sleep } from 'node:timers/promises';

/** Time source injected everywhere trading-day logic runs, so tests can move time. */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

/**
 * A clock one can also wait on: what pacing (rate limits) runs on, so tests move time instead
 * of sleeping. Kept apart from the trading clock: a test that sets the trading day and holds it
 * there must not hold every rate window shut.
 */
export interface WaitableClock extends Clock {
  sleep(ms: number): Promise<void>;
}

export const systemWaitableClock: WaitableClock = { now: () => new Date(), sleep: (ms) => sleep(ms) };

/** A clock tests set and advance by hand. */
export class ManualClock implements Clock {
  constructor(private current: Date) {}
  now(): Date {
    return new Date(this.current.getTime());
  }
  set(at: Date): void {
    this.current = new Date(at.getTime());
  }
  advance(ms: number): void {
    this.current = new Date(this.current.getTime() + ms);
  }
}

const IST_OFFSET_MS = (5 * 60 + 30) * 60_000;

/** Wall-clock fields in India Standard Time, independent of the process time zone. */
export function istParts(at: Date): { year: number; month: number; day: number; minutes: number; weekday: number; dateKey: string } {
  const shifted = new Date(at.getTime() + IST_OFFSET_MS);
  const year = shifted.getUTCFullYear();
  const month = shifted.getUTCMonth() + 1;
  const day = shifted.getUTCDate();
  const dateKey = `${year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
  return { year, month, day, minutes: shifted.getUTCHours() * 60 + shifted.getUTCMinutes(), weekday: shifted.getUTCDay(), dateKey };
}

/** The UTC instant of an IST wall-clock time on the IST date of `at`. */
export function istTimeOn(at: Date, hours: number, minutes: number): Date {
  const { year, month, day } = istParts(at);
  return new Date(Date.UTC(year, month - 1, day, hours, minutes) - IST_OFFSET_MS);
}
