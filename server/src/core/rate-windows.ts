// Sliding-window rate limits: "at most `limit` calls in any `windowMs`", several windows at
// once, so no span of a window's length ever holds more than its limit. Time is passed in, so
// this is pure apart from the log a RateLog keeps.
//
// A call counts from when it is taken until a window's length after it is answered: the broker
// counts it when it arrives, some time between the two, so calls sent a window apart can arrive
// closer than that. Each call in the log is kept as the instant its windows start to run out
// (`until`): its answer, or while it is in flight its deadline (taken + holdMs), so it counts
// in every window until it is answered. A call answered at once (holdMs 0) counts from its
// take. Windows are half-open: a call whose windows run out at u leaves a window at u + windowMs.
// The Redis store's script keeps the same log in a sorted set and must follow these rules.

export interface RateWindow {
  limit: number;
  windowMs: number;
}

export type TakeResult = { ok: true; answered(nowMs: number): void } | { ok: false; retryInMs: number };

/** Throws a RangeError for windows no call could be counted against. */
export function checkWindows(windows: readonly RateWindow[]): void {
  if (windows.length === 0) throw new RangeError('at least one rate window is needed');
  for (const { limit, windowMs } of windows) {
    if (!Number.isSafeInteger(limit) || limit <= 0) throw new RangeError(`window limit must be a whole number above 0, got ${limit}`);
    if (!Number.isFinite(windowMs) || windowMs <= 0) throw new RangeError(`windowMs must be above 0, got ${windowMs}`);
  }
}

/** One key's counted calls. */
export class RateLog {
  /** The latest time seen. A clock that steps back is held here, so the log stays in order. */
  private latest = -Infinity;
  /** Ascending. */
  private readonly untils: number[] = [];

  /**
   * Counts a call at nowMs when every window has room, held for at most `holdMs` until
   * `answered`; otherwise answers the soonest it could fit. While the calls in the way are in
   * flight that is counted as if they were answered now: never later than room opens.
   */
  tryTake(windows: readonly RateWindow[], nowMs: number, holdMs = 0): TakeResult {
    checkWindows(windows);
    const at = Math.max(nowMs, this.latest);
    const longest = Math.max(...windows.map((w) => w.windowMs));
    const expired = firstAfter(this.untils, at - longest);
    if (expired > 0) this.untils.splice(0, expired);
    let wait = 0;
    for (const { limit, windowMs } of windows) {
      const start = firstAfter(this.untils, at - windowMs);
      const inWindow = this.untils.length - start;
      if (inWindow >= limit) {
        // Room opens when the oldest calls that overfill this window have left it.
        const leaving = this.untils[start + inWindow - limit]!;
        wait = Math.max(wait, Math.min(leaving, at) + windowMs - at);
      }
    }
    if (wait > 0) return { ok: false, retryInMs: wait + (at - nowMs) };
    this.latest = at;
    const deadline = at + holdMs;
    this.insert(deadline);
    let answered = false;
    return {
      ok: true,
      answered: (answeredMs: number) => {
        if (answered) return;
        answered = true;
        const answeredAt = Math.max(answeredMs, this.latest);
        this.latest = answeredAt;
        // Calls with equal times are alike. Gone when it outlived its deadline by the longest window.
        const index = this.untils.indexOf(deadline);
        if (index < 0) return;
        this.untils.splice(index, 1);
        this.insert(answeredAt);
      },
    };
  }

  private insert(until: number): void {
    this.untils.splice(firstAfter(this.untils, until), 0, until);
  }
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
