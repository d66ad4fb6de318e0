import pino from 'pino';
import { beforeEach, describe, expect, it } from 'vitest';
import { MemoryLoginAttemptStore, type LoginAttemptStore } from '../../server/src/auth/login-attempt-store.ts';
import { LoginLimiter } from '../../server/src/auth/login-limiter.ts';
import { RedisLoginAttemptStore } from '../../server/src/auth/redis-login-attempt-store.ts';
import { ManualClock } from '../../server/src/core/clock.ts';
import { connectRedis } from '../../server/src/redis-client.ts';
import { redisUrl } from '../support/database.ts';
import { scratchRedis } from '../support/scratch-redis.ts';

const silent = pino({ level: 'silent' });
const VICTIM = 'victim@test.local';
const OWNER_IP = '192.0.2.7';

/**
 * The same rules for both stores. `openStore` gives one instance's view of a fresh set of
 * counters; calling the function it returns again gives another instance's view of the same.
 */
function limiterRules(openStore: () => () => LoginAttemptStore): void {
  let clock: ManualClock;
  let instance: () => LoginAttemptStore;
  let limiter: LoginLimiter;

  beforeEach(() => {
    clock = new ManualClock(new Date('2025-03-03T10:00:00Z'));
    instance = openStore();
    limiter = new LoginLimiter(instance(), clock);
  });

  async function failNow(email: string, ip: string, times: number): Promise<void> {
    for (let attempt = 1; attempt <= times; attempt++) expect(await limiter.admit(email, ip), `attempt ${attempt}`).toBe(0);
  }

  it('lets five wrong passwords from one address through, then makes it wait 1 s, doubling to 15 min', async () => {
    await failNow('a@test.local', '198.51.100.1', 5);
    const waits: number[] = [];
    for (let round = 0; round < 12; round++) {
      const wait = await limiter.admit('a@test.local', '198.51.100.1');
      waits.push(wait);
      clock.advance(wait * 1000 - 1);
      expect(await limiter.admit('a@test.local', '198.51.100.1')).toBe(1);
      clock.advance(1);
      expect(await limiter.admit('a@test.local', '198.51.100.1')).toBe(0);
    }
    expect(waits).toEqual([1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 900, 900]);
  });

  it('never delays a correct password because of failures at other emails from the same address', async () => {
    const office = '198.51.100.2';
    await failNow('colleague@test.local', office, 5);
    expect(await limiter.admit('colleague@test.local', office)).toBeGreaterThan(0);
    for (let n = 1; n <= 30; n++) await failNow(`guess-${n}@test.local`, office, 1);
    expect(await limiter.admit('admin@test.local', office)).toBe(0);
  });

  it('holds an email attacked from many addresses back 30 s at most, and keeps the turn it gave the owner', async () => {
    const waits: number[] = [];
    for (let n = 1; n <= 40; n++) {
      const attacker = `203.0.113.${n}`;
      const wait = await limiter.admit(VICTIM, attacker);
      if (wait > 0) {
        waits.push(wait);
        clock.advance(wait * 1000);
        expect(await limiter.admit(VICTIM, attacker)).toBe(0);
      }
    }
    expect(waits.slice(0, 5)).toEqual([1, 2, 4, 8, 16]);
    expect(Math.max(...waits)).toBe(30);

    const ownerWait = await limiter.admit(VICTIM, OWNER_IP);
    expect(ownerWait).toBe(30);
    clock.advance(ownerWait * 1000);
    // An attacker takes the moment the delay ends, which starts the email's delay again...
    expect(await limiter.admit(VICTIM, '203.0.113.1')).toBe(0);
    expect(await limiter.admit(VICTIM, '203.0.113.2')).toBe(30);
    // ...yet the owner, who has not failed, gets the turn they were given.
    expect(await limiter.admit(VICTIM, OWNER_IP)).toBe(0);
    await limiter.succeeded(VICTIM, OWNER_IP);
    expect(await limiter.admit(VICTIM, '203.0.113.2')).toBe(0);
  });

  it('starts an address and an email over after a correct password', async () => {
    await failNow('b@test.local', '198.51.100.3', 4);
    expect(await limiter.admit('b@test.local', '198.51.100.3')).toBe(0);
    await limiter.succeeded('b@test.local', '198.51.100.3');
    await failNow('b@test.local', '198.51.100.3', 5);
    expect(await limiter.admit('b@test.local', '198.51.100.3')).toBe(1);
  });

  it('lets through only the free attempts of guesses sent all at once, to any instance', async () => {
    const other = new LoginLimiter(instance(), clock);
    const waits = await Promise.all(Array.from({ length: 20 }, (_, n) => (n % 2 ? other : limiter).admit('c@test.local', '198.51.100.4')));
    expect(waits.filter((wait) => wait === 0)).toHaveLength(5);
  });

  it('forgets failures a day after the last one', async () => {
    await failNow('d@test.local', '198.51.100.5', 5);
    clock.advance(24 * 3_600_000);
    await failNow('d@test.local', '198.51.100.5', 5);
    expect(await limiter.admit('d@test.local', '198.51.100.5')).toBe(1);
  });
}

describe('sign-in limiting in one process', () => {
  limiterRules(() => {
    const store = new MemoryLoginAttemptStore();
    return () => store;
  });
});

describe.skipIf(!redisUrl)(
  'sign-in limiting shared through Redis (skipped: REDIS_URL is not set, so there is no Redis to share through)',
  () => {
    const scratch = scratchRedis(redisUrl!, 'login');

    limiterRules(() => {
      const prefix = scratch.prefix();
      return () => new RedisLoginAttemptStore(scratch.redis, prefix, silent);
    });
  },
);

describe('sign-in limiting while Redis cannot be reached', () => {
  it('still lets people sign in, counts failures in this instance, and says so once', async () => {
    const lines: string[] = [];
    const log = pino({ level: 'info' }, { write: (line: string) => void lines.push(line) });
    const unreachable = await connectRedis('redis://127.0.0.1:1', 100);
    try {
      const limiter = new LoginLimiter(
        new RedisLoginAttemptStore(unreachable, 'tandem-test:login:', log),
        new ManualClock(new Date('2025-03-03T10:00:00Z')),
      );
      for (let attempt = 1; attempt <= 5; attempt++) expect(await limiter.admit('e@test.local', '198.51.100.6')).toBe(0);
      expect(await limiter.admit('e@test.local', '198.51.100.6')).toBe(1);
      await limiter.succeeded('e@test.local', '198.51.100.6');
      expect(await limiter.admit('e@test.local', '198.51.100.6')).toBe(0);
      const warnings = lines.map((line) => JSON.parse(line) as { msg: string }).filter((entry) => /unreachable/.test(entry.msg));
      expect(warnings).toHaveLength(1);
    } finally {
      unreachable.disconnect();
    }
  });
});
