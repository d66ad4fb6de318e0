import { describe, expect, it } from 'vitest';
import { createRateWindows, SMARTAPI_ORDER_RATE_WINDOWS, type RateWindow } from '../../server/src/core/replication/token-bucket.ts';

/** Deterministic pseudo-random gaps so the test is repeatable. */
function gaps(seed: number, count: number, maxGap: number): number[] {
  let state = seed;
  return Array.from({ length: count }, () => {
    state = (state * 1_103_515_245 + 12_345) % 2_147_483_648;
    return state % (maxGap + 1);
  });
}

/** Most calls in any half-open span [t, t + windowMs), checked by brute force. */
function busiestWindow(calls: number[], windowMs: number): number {
  let most = 0;
  let start = 0;
  for (let end = 0; end < calls.length; end += 1) {
    while (calls[end]! - calls[start]! >= windowMs) start += 1;
    most = Math.max(most, end - start + 1);
  }
  return most;
}

describe('createRateWindows', () => {
  it('lets 9 calls through in a second and tells the 10th exactly when to retry', () => {
    const limiter = createRateWindows(SMARTAPI_ORDER_RATE_WINDOWS);
    const results = Array.from({ length: 9 }, () => limiter.tryTake(0));
    expect(results.every((r) => r.ok)).toBe(true);
    expect(limiter.tryTake(0)).toEqual({ ok: false, retryInMs: 1000 });
    expect(limiter.tryTake(999)).toEqual({ ok: false, retryInMs: 1 });
    expect(limiter.tryTake(1000)).toEqual({ ok: true });
  });

  it('a sliding window, not a calendar second: 9 calls spread over 800 ms block until the first leaves', () => {
    const limiter = createRateWindows([{ limit: 9, windowMs: 1000 }]);
    for (let t = 0; t <= 800; t += 100) expect(limiter.tryTake(t)).toEqual({ ok: true });
    expect(limiter.tryTake(900)).toEqual({ ok: false, retryInMs: 100 });
    expect(limiter.tryTake(1000)).toEqual({ ok: true });
    expect(limiter.tryTake(1050)).toEqual({ ok: false, retryInMs: 50 });
  });

  it.each<[string, RateWindow[], number, number, number]>([
    ['the minute window binds a steady 8.9/s caller at 500', [{ limit: 9, windowMs: 1000 }, { limit: 500, windowMs: 60_000 }], 112, 500, 60_000],
    ['the hour window binds a steady 1/s caller at 1000', SMARTAPI_ORDER_RATE_WINDOWS as RateWindow[], 1000, 1000, 3_600_000],
  ])('%s', (_name, windows, step, limit, reopensAt) => {
    const limiter = createRateWindows(windows);
    for (let i = 0; i < limit; i += 1) expect(limiter.tryTake(i * step).ok).toBe(true);
    const blockedAt = limit * step;
    expect(limiter.tryTake(blockedAt)).toEqual({ ok: false, retryInMs: reopensAt - blockedAt });
    expect(limiter.tryTake(reopensAt)).toEqual({ ok: true });
  });

  it.each([1, 2, 3])('a greedy caller never gets more than any limit into any window, and every refusal is exact (seed %s)', (seed) => {
    const limiter = createRateWindows(SMARTAPI_ORDER_RATE_WINDOWS);
    const allowed: number[] = [];
    let now = 0;
    for (const gap of gaps(seed, 4000, 40)) {
      now += gap;
      const result = limiter.tryTake(now);
      if (result.ok) {
        allowed.push(now);
        continue;
      }
      // One millisecond earlier than told is still refused; exactly then it goes through.
      expect(result.retryInMs).toBeGreaterThan(0);
      if (result.retryInMs > 1) expect(limiter.tryTake(now + result.retryInMs - 1).ok).toBe(false);
      now += result.retryInMs;
      expect(limiter.tryTake(now)).toEqual({ ok: true });
      allowed.push(now);
    }
    for (const { limit, windowMs } of SMARTAPI_ORDER_RATE_WINDOWS) {
      expect(busiestWindow(allowed, windowMs)).toBe(limit);
    }
  });

  it('a clock that steps back cannot squeeze extra calls into a window', () => {
    const limiter = createRateWindows([{ limit: 2, windowMs: 1000 }]);
    expect(limiter.tryTake(5000).ok).toBe(true);
    expect(limiter.tryTake(4200).ok).toBe(true);
    // [4200, 5200) would otherwise hold three calls.
    expect(limiter.tryTake(4300)).toEqual({ ok: false, retryInMs: 1700 });
    expect(limiter.tryTake(6000)).toEqual({ ok: true });
  });

  it('a refused call is not counted', () => {
    const limiter = createRateWindows([{ limit: 1, windowMs: 1000 }]);
    expect(limiter.tryTake(0).ok).toBe(true);
    for (let t = 1; t < 1000; t += 100) expect(limiter.tryTake(t).ok).toBe(false);
    expect(limiter.tryTake(1000)).toEqual({ ok: true });
  });

  it.each<[string, RateWindow[]]>([
    ['no windows', []],
    ['a zero limit', [{ limit: 0, windowMs: 1000 }]],
    ['a fractional limit', [{ limit: 1.5, windowMs: 1000 }]],
    ['a zero window', [{ limit: 5, windowMs: 0 }]],
  ])('refuses %s', (_name, windows) => {
    expect(() => createRateWindows(windows)).toThrow(RangeError);
  });
});
