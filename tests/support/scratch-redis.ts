import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, expect } from 'vitest';
import { connectRedis } from '../../server/src/redis-client.ts';

/**
 * A real Redis for one describe block, with a fresh key prefix per store under test. At the
 * end it checks that every key a store left behind expires on its own (nothing is kept for
 * good), then removes them.
 */
export function scratchRedis(url: string, label: string): { readonly redis: Redis; prefix(): string } {
  let redis: Redis;
  const prefixes: string[] = [];
  beforeAll(async () => {
    redis = await connectRedis(url);
  });
  afterAll(async () => {
    for (const prefix of prefixes) {
      const keys = await redis.keys(`${prefix}*`);
      for (const key of keys) expect(await redis.pttl(key)).toBeGreaterThan(0);
      if (keys.length > 0) await redis.del(...keys);
    }
    redis?.disconnect();
  });
  return {
    get redis() {
      return redis;
    },
    prefix() {
      const prefix = `tandem-test-${randomBytes(4).toString('hex')}:${label}:`;
      prefixes.push(prefix);
      return prefix;
    },
  };
}

/** Removes every key under `prefix` in the Redis at `url`: what a suite's servers left behind. */
export async function dropRedisKeys(url: string, prefix: string): Promise<void> {
  const redis = await connectRedis(url);
  try {
    const keys = await redis.keys(`${prefix}*`);
    if (keys.length > 0) await redis.del(...keys);
  } finally {
    redis.disconnect();
  }
}
