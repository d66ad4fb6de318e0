import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { emailKey, MemoryLoginAttemptStore, pairKey, type LoginAttemptStore, type LoginDelays } from './login-attempt-store.ts';

// MemoryLoginAttemptStore.admit as one script, so two instances checking the same email at once
// cannot both take the last free attempt. Times are the callers' clocks (passed in), so the
// delays are as exact as the instances' clocks agree, and tests can drive them.
// KEYS[1] the email's counter, KEYS[2] the pair's; ARGV[1] now, ARGV[2] forgetAfterMs,
// ARGV[3] and ARGV[4] the email's and the pair's delays as JSON arrays.
// Hash fields: f failures, n next attempt at, l last write, t the turn promised to a clean pair.
const ADMIT = `
local now = tonumber(ARGV[1])
local forget = tonumber(ARGV[2])
local function load(key)
  local f, n, l, t = unpack(redis.call('HMGET', key, 'f', 'n', 'l', 't'))
  if not l or now - tonumber(l) >= forget then return { f = 0, n = 0 } end
  return { f = tonumber(f) or 0, n = tonumber(n) or 0, t = tonumber(t) }
end
local function count(key, counter, delays)
  local f = counter.f + 1
  redis.call('DEL', key)
  redis.call('HSET', key, 'f', f, 'n', now + delays[math.min(f, #delays)], 'l', now)
  redis.call('PEXPIRE', key, forget)
end
local email, pair = load(KEYS[1]), load(KEYS[2])
if now < pair.n then return pair.n - now end
if now < email.n then
  if pair.f > 0 then return email.n - now end
  if not pair.t then
    pair.t = email.n
    redis.call('HSET', KEYS[2], 'f', 0, 'n', 0, 'l', now, 't', pair.t)
    redis.call('PEXPIRE', KEYS[2], forget)
  end
  if now < pair.t then return math.min(pair.t, email.n) - now end
end
count(KEYS[1], email, cjson.decode(ARGV[3]))
count(KEYS[2], pair, cjson.decode(ARGV[4]))
return 0
`;

type RedisWithAdmit = Redis & {
  tandemAdmitLogin(emailKey: string, pairKey: string, nowMs: number, forgetAfterMs: number, email: string, pair: string): Promise<number>;
};

/**
 * Sign-in counters shared by every instance through Redis, under `prefix`. While Redis cannot
 * be reached, attempts are counted in this process alone (and the outage logged once): a dead
 * Redis never stops anyone signing in, and guessing is still slowed as far as this instance sees.
 */
export class RedisLoginAttemptStore implements LoginAttemptStore {
  private readonly redis: RedisWithAdmit;
  private readonly local = new MemoryLoginAttemptStore();
  private degraded = false;

  constructor(
    redis: Redis,
    private readonly prefix: string,
    private readonly log: Logger,
  ) {
    this.redis = redis as RedisWithAdmit;
    if (typeof this.redis.tandemAdmitLogin !== 'function') this.redis.defineCommand('tandemAdmitLogin', { numberOfKeys: 2, lua: ADMIT });
  }

  async admit(email: string, ip: string, nowMs: number, delays: LoginDelays): Promise<number> {
    try {
      const wait = Number(
        await this.redis.tandemAdmitLogin(
          this.prefix + emailKey(email),
          this.prefix + pairKey(email, ip),
          nowMs,
          delays.forgetAfterMs,
          JSON.stringify(delays.email),
          JSON.stringify(delays.pair),
        ),
      );
      this.reachable();
      return wait;
    } catch (error) {
      this.unreachable(error);
      return this.local.admit(email, ip, nowMs, delays);
    }
  }

  async clear(email: string, ip: string): Promise<void> {
    await this.local.clear(email, ip);
    try {
      await this.redis.del(this.prefix + emailKey(email), this.prefix + pairKey(email, ip));
      this.reachable();
    } catch (error) {
      this.unreachable(error);
    }
  }

  private reachable(): void {
    if (this.degraded) this.log.info('shared sign-in counters reachable again');
    this.degraded = false;
  }

  private unreachable(error: unknown): void {
    if (!this.degraded)
      this.log.warn({ err: error }, 'shared sign-in counters unreachable; counting sign-in failures in this instance only');
    this.degraded = true;
  }
}
