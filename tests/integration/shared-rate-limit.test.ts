import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RateWindow } from '../../server/src/core/rate-windows.ts';
import { AccountLimiter } from '../../server/src/replicator/account-limiter.ts';
import { InProcessRateStore } from '../../server/src/rate-limit/in-process-store.ts';
import { RateLimiter } from '../../server/src/rate-limit/limiter.ts';
import { RedisRateStore } from '../../server/src/rate-limit/redis-store.ts';
import { connectRedis } from '../../server/src/redis-client.ts';
import { redisUrl } from '../support/database.ts';
import { ManualWaitableClock } from '../support/manual-waitable-clock.ts';

const WINDOWS: readonly RateWindow[] = [
  { limit: 4, windowMs: 250 },
  { limit: 10, windowMs: 5_000 },
];
const account = { broker: 'SMARTAPI' as const, clientCode: 'A123' };
const silent = pino({ level: 'silent' });
const START = new Date('2025-03-03T10:00:00Z');

/** The most calls any half-open span of `windowMs` holds. */
function busiestSpan(times: number[], windowMs: number): number {
  const sorted = [...times].sort((a, b) => a - b);
  let most = 0;
  sorted.forEach((start, index) => {
    most = Math.max(most, sorted.slice(index).filter((t) => t < start + windowMs).length);
  });
  return most;
}

describe.skipIf(!redisUrl)('order-call limits shared by instances through Redis (needs REDIS_URL)', () => {
  let redis: Redis;
  beforeAll(async () => {
    redis = await connectRedis(redisUrl!);
  });
  afterAll(() => redis.disconnect());

  it('lets two instances together make no more calls in any window than one may', async () => {
    const prefix = `tandem-test-${randomBytes(4).toString('hex')}:ratelimit:`;
    const clock = new ManualWaitableClock(START);
    const instances = [0, 1].map(
      () => new AccountLimiter(new RateLimiter(new RedisRateStore(redis, prefix, silent), clock), () => WINDOWS),
    );
    const waits: number[] = [];
    await clock.driveUntilDone(
      Promise.all(
        Array.from({ length: 10 }, (_, index) =>
          instances[index % 2]!.call(
            account,
            async () => undefined,
            (ms) => waits.push(ms),
          ),
        ),
      ),
    );

    // Redis's own record of every call let through, under the account's key, exactly as the
    // windows counted them: each was answered the moment it went.
    const key = `${prefix}SMARTAPI:A123`;
    const scores = (await redis.zrange(key, 0, -1, 'WITHSCORES')).filter((_, index) => index % 2 === 1).map(Number);
    expect(scores).toHaveLength(10);
    expect(busiestSpan(scores, 250)).toBe(4);
    expect(waits.length).toBeGreaterThan(0);
    await redis.del(key, `${key}#latest`);
  });

  it('would let them through twice as fast if each counted alone (what sharing prevents)', async () => {
    const perMinute: readonly RateWindow[] = [{ limit: 4, windowMs: 60_000 }];
    const clock = new ManualWaitableClock(START);
    const instances = [0, 1].map(() => new AccountLimiter(new RateLimiter(new InProcessRateStore(), clock), () => perMinute));
    const granted: number[] = [];
    await Promise.all(
      Array.from({ length: 8 }, (_, index) => instances[index % 2]!.call(account, async () => void granted.push(clock.now().getTime()))),
    );
    expect(busiestSpan(granted, 60_000)).toBe(8);
  });
});

describe('while Redis cannot be reached', () => {
  it('each of three live instances counts alone against a third of each limit, so together they stay within it', async () => {
    // A Redis that is not there: every command fails at once, as connectRedis's client does in an outage.
    const unreachable = await connectRedis('redis://127.0.0.1:9', 50);
    try {
      const perMinute: readonly RateWindow[] = [{ limit: 9, windowMs: 60_000 }];
      const clock = new ManualWaitableClock(START);
      const instances = [0, 1, 2].map(
        () => new AccountLimiter(new RateLimiter(new RedisRateStore(unreachable, 'unused:', silent, () => 3), clock), () => perMinute),
      );
      const granted: number[] = [];
      const calls = Array.from({ length: 18 }, (_, index) =>
        instances[index % 3]!.call(account, async () => void granted.push(clock.now().getTime())),
      );
      // Nothing moves the clock: only what fits in the first minute goes.
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect(granted).toHaveLength(9);
      expect(busiestSpan(granted, 60_000)).toBe(9);
      await clock.driveUntilDone(Promise.all(calls));
      expect(granted).toHaveLength(18);
      expect(busiestSpan(granted, 60_000)).toBe(9);
    } finally {
      unreachable.disconnect();
    }
  });
});
