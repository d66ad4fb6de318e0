// How long to wait after each failed post of an alert: quickly at first (a receiver restarting),
// then less and less often, hourly at the end, for a day. About 29 attempts in all.

/** After the 1st, 2nd, ... failed attempt; the last delay repeats. */
export const ALERT_RETRY_DELAYS_MS: readonly number[] = [5_000, 30_000, 120_000, 600_000, 1_800_000, 3_600_000];

/** A delivery whose next attempt would come later than this after the alert was written is given up (FAILED). */
export const ALERT_GIVE_UP_AFTER_MS = 24 * 3_600_000;

/** The wait after failed attempt number `attempt` (1 for the first). */
export function retryDelayMs(attempt: number, delays: readonly number[] = ALERT_RETRY_DELAYS_MS): number {
  return delays[Math.min(Math.max(attempt, 1), delays.length) - 1] ?? 0;
}
