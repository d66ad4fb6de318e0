import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { createRateWindows, type RateWindow, type TakeResult } from '../core/replication/token-bucket.ts';
import type { AccountRateWindows } from './account-limiter.ts';

// The same exact multi-window rule as createRateWindows, kept in one Redis sorted set per
// client code so every instance draws from one allowance. The check and the take are one
// script, so two instances can never both take the last slot. Time is Redis's clock, so
// instances whose clocks disagree still agree on the windows.
// KEYS[1] the log; ARGV[1] a unique member; ARGV[2..] limit, windowMs pairs.
// Returns 0 when taken, else the milliseconds until a call would fit.
const TAKE = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local longest = 0
for i = 2, #ARGV, 2 do longest = math.max(longest, tonumber(ARGV[i + 1])) end
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - longest)
local wait = 0
for i = 2, #ARGV, 2 do
  local limit = tonumber(ARGV[i])
  local span = tonumber(ARGV[i + 1])
  local inWindow = redis.call('ZCOUNT', KEYS[1], '(' .. (now - span), '+inf')
  if inWindow >= limit then
    local leaving = redis.call('ZRANGEBYSCORE', KEYS[1], '(' .. (now - span), '+inf', 'WITHSCORES', 'LIMIT', inWindow - limit, 1)
    wait = math.max(wait, tonumber(leaving[2]) + span - now)
  end
end
if wait > 0 then return wait end
redis.call('ZADD', KEYS[1], now, ARGV[1])
redis.call('PEXPIRE', KEYS[1], longest)
return 0
`;

type RedisWithTake = Redis & { tandemTakeRate(key: string, member: string, ...windows: number[]): Promise<number> };

/**
 * Rate windows shared by every instance through Redis, under `key`. While Redis cannot be
 * reached, calls are counted in this process alone (and the outage logged once), so orders
 * keep flowing within the limits as far as this instance can see them.
 */
export function createRedisRateWindows(redis: Redis, key: string, windows: readonly RateWindow[], log: Logger): AccountRateWindows {
  const client = redis as RedisWithTake;
  if (typeof client.tandemTakeRate !== 'function') client.defineCommand('tandemTakeRate', { numberOfKeys: 1, lua: TAKE });
  const limits = windows.flatMap((w) => [w.limit, w.windowMs]);
  const instance = randomBytes(4).toString('hex');
  const local = createRateWindows(windows);
  let sequence = 0;
  let degraded = false;
  return {
    async tryTake(nowMs: number): Promise<TakeResult> {
      sequence += 1;
      try {
        const wait = Number(await client.tandemTakeRate(key, `${instance}:${sequence}`, ...limits));
        if (degraded) log.info({ key }, 'shared rate limiter reachable again');
        degraded = false;
        return wait > 0 ? { ok: false, retryInMs: wait } : { ok: true };
      } catch (error) {
        if (!degraded) log.warn({ err: error, key }, 'shared rate limiter unreachable; counting order calls in this instance only');
        degraded = true;
        return local.tryTake(nowMs);
      }
    },
  };
}
