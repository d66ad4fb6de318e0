// An exact multi-window rate limiter over a log of the times calls were let through: a call
// is allowed only if every window still has room, so no span of windowMs ever holds more
// than `limit` calls. Time is passed in, so the limiter is pure apart from its own log.
// A call at t leaves a window at t + windowMs: windows are half-open, [t, t + windowMs).

export interface RateWindow {
  limit: number;
  windowMs: number;
}

export type TakeResult = { ok: true } | { ok: false; retryInMs: number };

export interface RateWindows {
  /** Records a call at nowMs when every window has room; otherwise how long until one would. */
  tryTake(nowMs: number): TakeResult;
}

/** SmartAPI: place, modify and cancel together, per client code. */
export const SMARTAPI_ORDER_RATE_WINDOWS: readonly RateWindow[] = [
  { limit: 9, windowMs: 1_000 },
  { limit: 500, windowMs: 60_000 },
  { limit: 1000, windowMs: 3_600_000 },
];

export function createRateWindows(windows: readonly RateWindow[]): RateWindows {
  if (windows.length === 0) throw new RangeError('at least one rate window is needed');
  for (const { limit, windowMs } of windows) {
    if (!Number.isSafeInteger(limit) || limit <= 0) throw new RangeError(`window limit must be a whole number above 0, got ${limit}`);
    if (!Number.isFinite(windowMs) || windowMs <= 0) throw new RangeError(`windowMs must be above 0, got ${windowMs}`);
  }
  const longest = Math.max(...windows.map((w) => w.windowMs));
  const log: number[] = [];

  return {
    tryTake(nowMs: number): TakeResult {
      // A clock that steps back is held at the last call, so the log stays in order and
      // every window that could contain this call is one of those checked below.
      const at = Math.max(nowMs, log.at(-1) ?? nowMs);
      const expired = firstAfter(log, at - longest);
      if (expired > 0) log.splice(0, expired);
      let wait = 0;
      for (const { limit, windowMs } of windows) {
        const start = firstAfter(log, at - windowMs);
        const inWindow = log.length - start;
        if (inWindow >= limit) {
          // Room opens when the oldest calls that overfill this window have left it.
          const leaving = log[start + inWindow - limit]!;
          wait = Math.max(wait, leaving + windowMs - at);
        }
      }
      if (wait > 0) return { ok: false, retryInMs: wait + (at - nowMs) };
      log.push(at);
      return { ok: true };
    },
  };
}

/** Index of the first entry greater than `t` in the ascending log. */
function firstAfter(log: readonly number[], t: number): number {
  let lo = 0;
  let hi = log.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (log[mid]! <= t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
