import { describe, expect, it } from 'vitest';
import { ORDER_CALL_WINDOWS } from '../../server/src/brokers/smartapi/rate-limits.ts';
import { RateLog, type RateWindow } from '../../server/src/core/rate-windows.ts';

/** A log of calls answered the moment they are taken (holdMs 0), under `windows`. */
function answeredAtOnce(windows: readonly RateWindow[]) {
  const log = new RateLog();
  return { tryTake: (nowMs: number) => log.tryTake(windows, nowMs) };
}

/** A call let through: it counts, and can be answered. */
const TAKEN = { ok: true, answered: expect.any(Function) };

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

describe('sliding rate windows', () => {
  it('lets 9 calls through in a second and tells the 10th exactly when to retry', () => {
    const limiter = answeredAtOnce(ORDER_CALL_WINDOWS);
    const results = Array.from({ length: 9 }, () => limiter.tryTake(0));
    expect(results.every((r) => r.ok)).toBe(true);
    expect(limiter.tryTake(0)).toEqual({ ok: false, retryInMs: 1000 });
    expect(limiter.tryTake(999)).toEqual({ ok: false, retryInMs: 1 });
    expect(limiter.tryTake(1000)).toEqual(TAKEN);
  });

  it('a sliding window, not a calendar second: 9 calls spread over 800 ms block until the first leaves', () => {
    const limiter = answeredAtOnce([{ limit: 9, windowMs: 1000 }]);
    for (let t = 0; t <= 800; t += 100) expect(limiter.tryTake(t)).toEqual(TAKEN);
    expect(limiter.tryTake(900)).toEqual({ ok: false, retryInMs: 100 });
    expect(limiter.tryTake(1000)).toEqual(TAKEN);
    expect(limiter.tryTake(1050)).toEqual({ ok: false, retryInMs: 50 });
  });

  it.each<[string, RateWindow[], number, number, number]>([
    [
      'the minute window binds a steady 8.9/s caller at 500',
      [
        { limit: 9, windowMs: 1000 },
        { limit: 500, windowMs: 60_000 },
      ],
      112,
      500,
      60_000,
    ],
    ['the hour window binds a steady 1/s caller at 1000', ORDER_CALL_WINDOWS as RateWindow[], 1000, 1000, 3_600_000],
  ])('%s', (_name, windows, step, limit, reopensAt) => {
    const limiter = answeredAtOnce(windows);
    for (let i = 0; i < limit; i += 1) expect(limiter.tryTake(i * step).ok).toBe(true);
    const blockedAt = limit * step;
    expect(limiter.tryTake(blockedAt)).toEqual({ ok: false, retryInMs: reopensAt - blockedAt });
    expect(limiter.tryTake(reopensAt)).toEqual(TAKEN);
  });

  it.each([1, 2, 3])('a greedy caller never gets more than any limit into any window, and every refusal is exact (seed %s)', (seed) => {
    const limiter = answeredAtOnce(ORDER_CALL_WINDOWS);
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
      expect(limiter.tryTake(now)).toEqual(TAKEN);
      allowed.push(now);
    }
    for (const { limit, windowMs } of ORDER_CALL_WINDOWS) {
      expect(busiestWindow(allowed, windowMs)).toBe(limit);
    }
  });

  it('a clock that steps back cannot squeeze extra calls into a window', () => {
    const limiter = answeredAtOnce([{ limit: 2, windowMs: 1000 }]);
    expect(limiter.tryTake(5000).ok).toBe(true);
    expect(limiter.tryTake(4200).ok).toBe(true);
    // [4200, 5200) would otherwise hold three calls.
    expect(limiter.tryTake(4300)).toEqual({ ok: false, retryInMs: 1700 });
    expect(limiter.tryTake(6000)).toEqual(TAKEN);
  });

  it('a refused call is not counted', () => {
    const limiter = answeredAtOnce([{ limit: 1, windowMs: 1000 }]);
    expect(limiter.tryTake(0).ok).toBe(true);
    for (let t = 1; t < 1000; t += 100) expect(limiter.tryTake(t).ok).toBe(false);
    expect(limiter.tryTake(1000)).toEqual(TAKEN);
  });

  it.each<[string, RateWindow[]]>([
    ['no windows', []],
    ['a zero limit', [{ limit: 0, windowMs: 1000 }]],
    ['a fractional limit', [{ limit: 1.5, windowMs: 1000 }]],
    ['a zero window', [{ limit: 5, windowMs: 0 }]],
  ])('refuses %s', (_name, windows) => {
    expect(() => answeredAtOnce(windows).tryTake(0)).toThrow(RangeError);
  });
});

// Angel counts a call when it arrives, somewhere between sending and answer: a call holds its
// place in every window from when it is taken until a window's length after its answer.
describe('sliding rate windows over calls in flight', () => {
  const ONE_A_SECOND: RateWindow[] = [{ limit: 1, windowMs: 1000 }];

  it('counts a call in flight in every window until it is answered, then a window more, telling the soonest it could end', () => {
    const log = new RateLog();
    const call = log.tryTake(ONE_A_SECOND, 0, 60_000);
    expect(call).toEqual(TAKEN);
    // Not answered yet: room opens a window after an answer, never sooner.
    expect(log.tryTake(ONE_A_SECOND, 5000)).toEqual({ ok: false, retryInMs: 1000 });
    if (call.ok) call.answered(5000);
    expect(log.tryTake(ONE_A_SECOND, 5999)).toEqual({ ok: false, retryInMs: 1 });
    expect(log.tryTake(ONE_A_SECOND, 6000)).toEqual(TAKEN);
  });

  it('lets answered calls leave oldest first, and calls in flight only once answered', () => {
    const log = new RateLog();
    const windows: RateWindow[] = [{ limit: 2, windowMs: 1000 }];
    const first = log.tryTake(windows, 0, 60_000);
    expect(log.tryTake(windows, 100, 60_000)).toEqual(TAKEN);
    expect(log.tryTake(windows, 200, 60_000)).toEqual({ ok: false, retryInMs: 1000 });
    if (first.ok) first.answered(300);
    expect(log.tryTake(windows, 300, 60_000)).toEqual({ ok: false, retryInMs: 1000 });
    expect(log.tryTake(windows, 1299, 60_000)).toEqual({ ok: false, retryInMs: 1 });
    expect(log.tryTake(windows, 1300, 60_000)).toEqual(TAKEN);
  });

  it('stops counting a call never answered (its process died) a window after its deadline', () => {
    const log = new RateLog();
    expect(log.tryTake(ONE_A_SECOND, 0, 60_000)).toEqual(TAKEN);
    expect(log.tryTake(ONE_A_SECOND, 30_000)).toEqual({ ok: false, retryInMs: 1000 });
    expect(log.tryTake(ONE_A_SECOND, 60_500)).toEqual({ ok: false, retryInMs: 500 });
    expect(log.tryTake(ONE_A_SECOND, 61_000)).toEqual(TAKEN);
  });

  it('counts an answer once', () => {
    const log = new RateLog();
    const call = log.tryTake(ONE_A_SECOND, 0, 60_000);
    if (call.ok) {
      call.answered(100);
      call.answered(900);
    }
    expect(log.tryTake(ONE_A_SECOND, 1099)).toEqual({ ok: false, retryInMs: 1 });
    expect(log.tryTake(ONE_A_SECOND, 1100)).toEqual(TAKEN);
  });
});
