import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { checkWindows, type RateWindow } from '../core/rate-windows.ts';
import { InProcessRateStore } from './in-process-store.ts';
import type { RateStore, StoreTake } from './rate-store.ts';

// RateLog's rules (core/rate-windows.ts), kept in Redis so every instance draws from one
// allowance: per key a sorted set of calls scored by when their windows start to run out, and
// the latest time seen beside it. The check and the take are one script, so two instances can
// never both take the last place. Times are the callers' clocks, as in the sign-in counters:
// an instance whose clock lags is held at the latest time seen, so it only waits longer.
// KEYS[1] the calls, KEYS[2] the latest time; ARGV[1] now, ARGV[2] the call, ARGV[3] holdMs,
// ARGV[4..] limit, windowMs pairs. Returns 0 when taken, else the milliseconds until a call could fit.
const TAKE = `
local now = tonumber(ARGV[1])
local hold = tonumber(ARGV[3])
local at = math.max(now, tonumber(redis.call('GET', KEYS[2]) or now))
local longest = 0
for i = 4, #ARGV, 2 do longest = math.max(longest, tonumber(ARGV[i + 1])) end
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', at - longest)
local wait = 0
for i = 4, #ARGV, 2 do
  local limit = tonumber(ARGV[i])
  local span = tonumber(ARGV[i + 1])
  local inWindow = redis.call('ZCOUNT', KEYS[1], '(' .. (at - span), '+inf')
  if inWindow >= limit then
    local leaving = redis.call('ZRANGEBYSCORE', KEYS[1], '(' .. (at - span), '+inf', 'WITHSCORES', 'LIMIT', inWindow - limit, 1)
    wait = math.max(wait, math.min(tonumber(leaving[2]), at) + span - at)
  end
end
if wait > 0 then return wait + at - now end
redis.call('ZADD', KEYS[1], at + hold, ARGV[2])
redis.call('PEXPIRE', KEYS[1], longest + hold)
redis.call('SET', KEYS[2], at, 'PX', longest + hold)
return 0
`;

// The call ARGV[2] was answered at ARGV[1]: its windows run out from then (if it is still counted).
// ARGV[3] how long the keys must live.
const ANSWERED = `
local at = math.max(tonumber(ARGV[1]), tonumber(redis.call('GET', KEYS[2]) or ARGV[1]))
redis.call('ZADD', KEYS[1], 'XX', at, ARGV[2])
redis.call('PEXPIRE', KEYS[1], ARGV[3])
redis.call('SET', KEYS[2], at, 'PX', ARGV[3])
return 0
`;

type RedisWithRate = Redis & {
  tandemRateTake(calls: string, latest: string, nowMs: number, call: string, holdMs: number, ...windows: number[]): Promise<number>;
  tandemRateAnswered(calls: string, latest: string, nowMs: number, call: string, ttlMs: number): Promise<number>;
};

/**
 * Calls counted for every instance in Redis, under `prefix` + key. While Redis cannot be
 * reached they are counted in this process alone against its share of each limit (the limit
 * divided by `liveInstances()`, at least 1), and the outage is logged once, so calls keep
 * flowing and the instances together stay within the broker's limits. A call taken in Redis whose
 * answer cannot be written there counts until its deadline instead.
 */
export class RedisRateStore implements RateStore {
  private readonly redis: RedisWithRate;
  private readonly local = new InProcessRateStore();
  private readonly instance = randomBytes(4).toString('hex');
  private sequence = 0;
  private degraded = false;

  constructor(
    redis: Redis,
    private readonly prefix: string,
    private readonly log: Logger,
    private readonly liveInstances: () => number = () => 1,
  ) {
    this.redis = redis as RedisWithRate;
    if (typeof this.redis.tandemRateTake !== 'function') this.redis.defineCommand('tandemRateTake', { numberOfKeys: 2, lua: TAKE });
    if (typeof this.redis.tandemRateAnswered !== 'function')
      this.redis.defineCommand('tandemRateAnswered', { numberOfKeys: 2, lua: ANSWERED });
  }

  async take(key: string, windows: readonly RateWindow[], nowMs: number, holdMs: number): Promise<StoreTake> {
    checkWindows(windows);
    const calls = `${this.prefix}${key}`;
    const latest = `${calls}#latest`;
    this.sequence += 1;
    const call = `${this.instance}:${this.sequence}`;
    let wait: number;
    try {
      wait = Number(await this.redis.tandemRateTake(calls, latest, nowMs, call, holdMs, ...windows.flatMap((w) => [w.limit, w.windowMs])));
      this.reachable(key);
    } catch (error) {
      this.unreachable(error, key);
      const share = Math.max(1, this.liveInstances());
      return this.local.take(
        key,
        windows.map((w) => ({ ...w, limit: Math.max(1, Math.floor(w.limit / share)) })),
        nowMs,
        holdMs,
      );
    }
    if (wait > 0) return { ok: false, retryInMs: wait };
    const ttlMs = Math.max(...windows.map((w) => w.windowMs)) + holdMs;
    return {
      ok: true,
      answered: async (answeredMs) => {
        try {
          await this.redis.tandemRateAnswered(calls, latest, answeredMs, call, ttlMs);
          this.reachable(key);
        } catch (error) {
          this.unreachable(error, key);
        }
      },
    };
  }

  private reachable(key: string): void {
    if (!this.degraded) return;
    this.degraded = false;
    this.log.info({ key }, 'shared rate limiter reachable again');
  }

  private unreachable(error: unknown, key: string): void {
    if (this.degraded) return;
    this.degraded = true;
    this.log.warn(
      { err: error, key, instances: this.liveInstances() },
      'shared rate limiter unreachable; counting calls in this instance alone, against its share of each limit (the limit / the instances alive)',
    );
  }
}
