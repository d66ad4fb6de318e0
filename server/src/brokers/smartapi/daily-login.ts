// Every SmartAPI account logs in afresh before the session opens (08:45 IST on trading days),
// so a session that died overnight, or credentials that stopped working, show up in the
// account's status half an hour before the first order, not with it (README, "SmartAPI").
import { istTimeOn, type Clock } from '../../core/clock.ts';
import { isTradingDay } from '../../core/market-session.ts';

export const DAILY_LOGIN = { hours: 8, minutes: 45 } as const;

const DAY_MS = 24 * 60 * 60_000;

/** The first 08:45 IST on a trading day strictly after `at`. */
export function nextDailyLogin(at: Date, holidays: readonly string[] = []): Date {
  let candidate = istTimeOn(at, DAILY_LOGIN.hours, DAILY_LOGIN.minutes);
  while (candidate.getTime() <= at.getTime() || !isTradingDay(candidate, holidays)) {
    candidate = new Date(candidate.getTime() + DAY_MS);
  }
  return candidate;
}

/** Runs `login` at every daily login time until the returned function is called. */
export function scheduleDailyLogin(clock: Clock, login: () => Promise<void>): () => void {
  let timer: NodeJS.Timeout | null = null;
  let stopped = false;
  const arm = () => {
    if (stopped) return;
    const delay = Math.max(0, nextDailyLogin(clock.now()).getTime() - clock.now().getTime());
    timer = setTimeout(() => {
      // `login` reports its own outcome; a rejection here must not end the schedule.
      void login()
        .catch(() => undefined)
        .then(arm);
    }, delay);
    timer.unref();
  };
  arm();
  return () => {
    stopped = true;
    if (timer) clearTimeout(timer);
  };
}
