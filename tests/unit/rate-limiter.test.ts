// The rate limiter on a clock the test moves, over both stores: the same rules in one process
// and shared through Redis. No test here sleeps.
import pino from 'pino';
import { beforeEach, describe, expect, it } from 'vitest';
import type { RateWindow } from '../../server/src/core/rate-windows.ts';
import { InProcessRateStore } from '../../server/src/rate-limit/in-process-store.ts';
import { RateLimiter } from '../../server/src/rate-limit/limiter.ts';
import type { RateStore, StoreTake } from '../../server/src/rate-limit/rate-store.ts';
import { RedisRateStore } from '../../server/src/rate-limit/redis-store.ts';
import { connectRedis } from '../../server/src/redis-client.ts';
import { redisUrl } from '../support/database.ts';
import { scratchRedis } from '../support/scratch-redis.ts';
import { ManualWaitableClock } from '../support/manual-waitable-clock.ts';

const silent = pino({ level: 'silent' });
const START = new Date('2025-03-03T10:00:00Z');

/** The most calls any half-open span of `windowMs` holds. */
function busiestSpan(times: number[], windowMs: number): number {
  const sorted = [...times].sort((a, b) => a - b);
  return Math.max(...sorted.map((start, index) => sorted.slice(index).filter((t) => t < start + windowMs).length));
}

/**
 * The same rules for both stores. `openStore` gives one instance's view of a fresh key space;
 * calling the function it returns again gives another instance's view of the same.
 */
function limiterRules(openStore: () => () => RateStore): void {
  let clock: ManualWaitableClock;
  let instance: () => RateStore;
  let limiter: RateLimiter;
  const at = () => clock.now().getTime();

  beforeEach(() => {
    clock = new ManualWaitableClock(START);
    instance = openStore();
    limiter = new RateLimiter(instance(), clock);
  });

  it('lets `limit` calls go at once and holds the next until one is answered and a window has passed', async () => {
    const windows: RateWindow[] = [{ limit: 2, windowMs: 100 }];
    const first = await limiter.acquire('k', windows);
    const second = await limiter.acquire('k', windows);
    let thirdAt: number | null = null;
    const third = limiter.acquire('k', windows).then((turn) => {
      thirdAt = at();
      return turn;
    });
    await clock.asleep();
    // However long the first two stay unanswered, the third waits.
    clock.advance(250);
    await clock.asleep();
    expect(thirdAt).toBeNull();

    const answeredAt = at();
    await first.answered();
    clock.advance(99);
    expect(clock.sleeping).toBe(1);
    expect(thirdAt).toBeNull();
    clock.advance(1);
    await (await third).answered();
    expect(thirdAt! - answeredAt).toBe(100);
    await second.answered();
  });

  it('takes calls in the order they asked', async () => {
    const windows: RateWindow[] = [{ limit: 1, windowMs: 20 }];
    const order: number[] = [];
    await clock.driveUntilDone(Promise.all([1, 2, 3, 4].map((n) => limiter.run('k', windows, async () => void order.push(n)))));
    expect(order).toEqual([1, 2, 3, 4]);
    expect(at() - START.getTime()).toBe(60);
  });

  it('tells a waiting caller once how long its wait should last, and keeps that word', async () => {
    const windows: RateWindow[] = [{ limit: 1, windowMs: 1000 }];
    await limiter.run('k', windows, async () => undefined);
    clock.advance(300);
    const waits: number[] = [];
    const turn = limiter.acquire('k', windows, (ms) => waits.push(ms));
    await clock.asleep();
    clock.advance(700);
    await (await turn).answered();
    expect(waits).toEqual([700]);
    expect(at() - START.getTime()).toBe(1000);
  });

  it('keeps keys apart', async () => {
    const windows: RateWindow[] = [{ limit: 1, windowMs: 1000 }];
    const turns = await Promise.all(['SMARTAPI:A1', 'SMARTAPI:B2', 'SMARTAPI:A1:orderBook'].map((key) => limiter.acquire(key, windows)));
    expect(at()).toBe(START.getTime());
    expect(clock.sleeping).toBe(0);
    await Promise.all(turns.map((turn) => turn.answered()));
  });

  it('lets two instances together make no more calls in any window than one may', async () => {
    const windows: RateWindow[] = [
      { limit: 4, windowMs: 250 },
      { limit: 10, windowMs: 5_000 },
    ];
    const instances = [limiter, new RateLimiter(instance(), clock)];
    const granted: number[] = [];
    await clock.driveUntilDone(
      Promise.all(Array.from({ length: 14 }, (_, index) => instances[index % 2]!.run('k', windows, async () => void granted.push(at())))),
    );
    expect(busiestSpan(granted, 250)).toBe(4);
    expect(busiestSpan(granted, 5_000)).toBe(10);
    // The eleventh went once the first had left the five-second window, not before.
    expect(granted.sort((a, b) => a - b)[10]! - granted[0]!).toBeGreaterThanOrEqual(5_000);
  });

  it('tryTake answers at once: `limit` calls go, the next is refused until the oldest leaves the window, and a refusal takes no place', async () => {
    const windows: RateWindow[] = [{ limit: 3, windowMs: 60_000 }];
    for (let n = 0; n < 3; n += 1) {
      expect(await limiter.tryTake('api-token:a', windows)).toEqual({ ok: true });
      clock.advance(1_000);
    }
    expect(await limiter.tryTake('api-token:a', windows)).toEqual({ ok: false, retryInMs: 57_000 });
    expect(clock.sleeping).toBe(0);
    // Another key has its own allowance.
    expect(await limiter.tryTake('api-token:b', windows)).toEqual({ ok: true });
    clock.advance(56_999);
    expect(await limiter.tryTake('api-token:a', windows)).toEqual({ ok: false, retryInMs: 1 });
    clock.advance(1);
    // The refused tries took no place: exactly the first call's place has come free.
    expect(await limiter.tryTake('api-token:a', windows)).toEqual({ ok: true });
    expect(await limiter.tryTake('api-token:a', windows)).toEqual({ ok: false, retryInMs: 1_000 });
  });

  it('frees the place of a call never answered (its process died) a minute after it was taken, plus a window', async () => {
    const windows: RateWindow[] = [{ limit: 1, windowMs: 1000 }];
    await limiter.acquire('k', windows);
    const next = await clock.driveUntilDone(limiter.acquire('k', windows));
    expect(at() - START.getTime()).toBe(61_000);
    await next.answered();
  });
}

describe('the rate limiter in one process', () => {
  limiterRules(() => {
    const store = new InProcessRateStore();
    return () => store;
  });
});

describe.skipIf(!redisUrl)(
  'the rate limiter shared through Redis (skipped: REDIS_URL is not set, so there is no Redis to share through)',
  () => {
    const scratch = scratchRedis(redisUrl!, 'ratelimit');

    const freshPrefix = () => scratch.prefix();

    limiterRules(() => {
      const prefix = freshPrefix();
      return () => new RedisRateStore(scratch.redis, prefix, silent);
    });

    it('answers every take exactly as the in-process store does (seeded calls, some in flight, answered out of order)', async () => {
      const windows: RateWindow[] = [
        { limit: 3, windowMs: 1000 },
        { limit: 10, windowMs: 5_000 },
      ];
      const stores = [new RedisRateStore(scratch.redis, freshPrefix(), silent), new InProcessRateStore()] as const;
      let seed = 7;
      const next = (below: number) => {
        seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
        return seed % below;
      };
      let now = START.getTime();
      const inFlight: [StoreTake & { ok: true }, StoreTake & { ok: true }][] = [];
      let refusals = 0;
      for (let step = 0; step < 400; step += 1) {
        now += next(400);
        if (inFlight.length > 0 && next(3) === 0) {
          const [viaRedis, inProcess] = inFlight.splice(next(inFlight.length), 1)[0]!;
          await Promise.all([viaRedis.answered(now), inProcess.answered(now)]);
          continue;
        }
        const holdMs = next(2) === 0 ? 0 : 60_000;
        const [viaRedis, inProcess] = await Promise.all(stores.map((store) => store.take('k', windows, now, holdMs)));
        expect(viaRedis!.ok).toBe(inProcess!.ok);
        if (!viaRedis!.ok && !inProcess!.ok) {
          expect(viaRedis!.retryInMs, `step ${step}`).toBe(inProcess!.retryInMs);
          refusals += 1;
        } else if (viaRedis!.ok && inProcess!.ok) {
          inFlight.push([viaRedis!, inProcess!]);
        }
      }
      expect(refusals).toBeGreaterThan(50);
    });
  },
);

describe('the rate limiter while Redis cannot be reached', () => {
  it('keeps calls flowing, counted in this instance, and says so once', async () => {
    const lines: string[] = [];
    const log = pino({ level: 'info' }, { write: (line: string) => void lines.push(line) });
    const unreachable = await connectRedis('redis://127.0.0.1:1', 100);
    try {
      const clock = new ManualWaitableClock(START);
      const limiter = new RateLimiter(new RedisRateStore(unreachable, 'tandem-test:ratelimit:', log), clock);
      const windows: RateWindow[] = [{ limit: 4, windowMs: 250 }];
      const waits: number[] = [];
      const all = Promise.all(
        Array.from({ length: 6 }, () =>
          limiter.run(
            'k',
            windows,
            async () => undefined,
            (ms) => waits.push(ms),
          ),
        ),
      );
      await clock.asleep();
      clock.advance(250);
      await all;
      expect(waits).toEqual([250]); // the fifth waited for the first to leave the window here
      const warnings = lines.map((line) => JSON.parse(line) as { msg: string }).filter((entry) => /unreachable/.test(entry.msg));
      expect(warnings).toHaveLength(1);
    } finally {
      unreachable.disconnect();
    }
  });

  it('answers tryTake at once against this instance its share of the limit', async () => {
    const unreachable = await connectRedis('redis://127.0.0.1:1', 100);
    try {
      const clock = new ManualWaitableClock(START);
      const twoInstances = new RedisRateStore(unreachable, 'tandem-test:ratelimit:', silent, () => 2);
      const limiter = new RateLimiter(twoInstances, clock);
      const windows: RateWindow[] = [{ limit: 4, windowMs: 60_000 }];
      const started = performance.now();
      const answers = [];
      for (let n = 0; n < 3; n += 1) answers.push(await limiter.tryTake('api-token:a', windows));
      expect(answers).toEqual([{ ok: true }, { ok: true }, { ok: false, retryInMs: 60_000 }]);
      expect(performance.now() - started).toBeLessThan(1_000);
    } finally {
      unreachable.disconnect();
    }
  });
});
