import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RateWindow } from '../../server/src/core/replication/token-bucket.ts';
import { AccountLimiter } from '../../server/src/orders/account-limiter.ts';
import { createRedisRateWindows } from '../../server/src/orders/redis-rate-windows.ts';
import { connectRedis } from '../../server/src/redis-client.ts';
import { redisUrl } from '../support/database.ts';

const WINDOWS: readonly RateWindow[] = [{ limit: 4, windowMs: 250 }, { limit: 10, windowMs: 5_000 }];
const account = { broker: 'SMARTAPI' as const, clientCode: 'A123' };
const silent = pino({ level: 'silent' });

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
    const key = `tandem-test-${randomBytes(4).toString('hex')}:ratelimit:SMARTAPI:A123`;
    const instances = [0, 1].map(() => new AccountLimiter(() => WINDOWS, (_key, windows) => createRedisRateWindows(redis, key, windows, silent)));
    const waits: number[] = [];
    await Promise.all(Array.from({ length: 10 }, (_, index) => instances[index % 2]!.acquire(account, (ms) => waits.push(ms))));

    // Redis's own times of every call let through, exactly as the windows counted them.
    const scores = (await redis.zrange(key, 0, -1, 'WITHSCORES')).filter((_, index) => index % 2 === 1).map(Number);
    expect(scores).toHaveLength(10);
    expect(busiestSpan(scores, 250)).toBe(4);
    expect(waits.length).toBeGreaterThan(0);
    await redis.del(key);
  });

  it('would let them through twice as fast if each counted alone (what sharing prevents)', async () => {
    const perMinute: readonly RateWindow[] = [{ limit: 4, windowMs: 60_000 }];
    const instances = [0, 1].map(() => new AccountLimiter(() => perMinute));
    const granted: number[] = [];
    await Promise.all(Array.from({ length: 8 }, (_, index) => instances[index % 2]!.acquire(account).then(() => granted.push(Date.now()))));
    expect(busiestSpan(granted, 60_000)).toBe(8);
  });

  it('keeps orders flowing, counted in this instance, while Redis cannot be reached, and says so once', async () => {
    const lines: string[] = [];
    const log = pino({ level: 'info' }, { write: (line: string) => void lines.push(line) });
    const unreachable = await connectRedis('redis://127.0.0.1:1', 100);
    try {
      const limiter = new AccountLimiter(() => WINDOWS, (key, windows) => createRedisRateWindows(unreachable, key, windows, log));
      const waits: number[] = [];
      await Promise.all(Array.from({ length: 6 }, () => limiter.acquire(account, (ms) => waits.push(ms))));
      expect(waits.length).toBeGreaterThan(0); // the local windows still held the fifth call back
      const warnings = lines.map((line) => JSON.parse(line) as { msg: string }).filter((entry) => /unreachable/.test(entry.msg));
      expect(warnings).toHaveLength(1);
    } finally {
      unreachable.disconnect();
    }
  });
});
