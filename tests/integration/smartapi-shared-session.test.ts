// SmartAPI sessions shared by instances through Redis: two Tandems on one database sending
// orders to the same SmartAPI account log it in once, and once more (not twice) when the
// session ends; the value in Redis is sealed, never the tokens in plain text.
import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import pino from 'pino';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { deriveKeys } from '../../server/src/secrets/keys.ts';
import type { BrokerOrderRequest } from '../../server/src/brokers/port.ts';
import { RedisSessionStore, openGrant } from '../../server/src/brokers/smartapi/session-store.ts';
import type { SessionGrant } from '../../server/src/brokers/smartapi/session-store.ts';
import { connectRedis } from '../../server/src/redis-client.ts';
import { Account } from '../../server/src/persistence/entities/account.entity.ts';
import { createSmartApiSim, type SmartApiSim } from '../../sim/smartapi/index.ts';
import type { SimAccountInput } from '../../sim/smartapi/types.ts';
import { redisUrl, scratchDatabase, usingPostgres } from '../support/database.ts';
import { startTestServer, waitFor, type TestServer } from '../support/harness.ts';

// The harness's SECRET_KEY: the test opens what the instances sealed, as an instance would.
const keys = deriveKeys('test-secret-key-with-at-least-32-characters');
const FOLLOWER: SimAccountInput = { clientcode: 'SS1', pin: '2222', totpSecret: 'KRSXG5CTMVRXEZLUKRSXG5CTMVRXEZLU', apiKey: 'key-shared' };
const silent = pino({ level: 'silent' });

function order(tag: string): BrokerOrderRequest {
  return {
    exchange: 'NSE',
    symbol: 'SBIN-EQ',
    token: '3045',
    orderTag: tag,
    side: 'BUY',
    quantity: 1,
    orderType: 'MARKET',
    productType: 'INTRADAY',
    variety: 'NORMAL',
    price: null,
    triggerPrice: null,
  };
}

function grantOf(jwt: string, loggedInAt = new Date()): SessionGrant {
  return {
    tokens: { jwtToken: jwt, refreshToken: 'r', feedToken: 'f' },
    apiKey: 'k',
    loggedInAt,
    expiresAt: new Date(Date.now() + 60_000),
  };
}

describe.skipIf(!redisUrl)('the Redis session store (needs REDIS_URL)', () => {
  let redis: Redis;
  const prefix = `tandem-test-${randomBytes(4).toString('hex')}:`;
  beforeAll(async () => {
    redis = await connectRedis(redisUrl!);
  });
  afterAll(async () => {
    const keysLeft = await redis.keys(`${prefix}*`);
    if (keysLeft.length > 0) await redis.del(...keysLeft);
    redis.disconnect();
  });

  it('keeps a session sealed under the prefix, expiring with it', async () => {
    const store = new RedisSessionStore({ redis, prefix, key: keys.sessions, log: silent });
    const grant = grantOf('header.payload-of-R1.signature');
    await store.save('R1', grant);
    const raw = await redis.get(`${prefix}smartapi-session:R1`);
    expect(raw).toBeTruthy();
    expect(raw).not.toContain('payload-of-R1');
    const ttl = await redis.pttl(`${prefix}smartapi-session:R1`);
    expect(ttl).toBeGreaterThan(55_000);
    expect(ttl).toBeLessThanOrEqual(60_000);
    expect(await store.load('R1')).toEqual(grant);
    expect(
      await new RedisSessionStore({
        redis,
        prefix,
        key: deriveKeys('another-secret-key-with-32-characters-or-more').sessions,
        log: silent,
      }).load('R1'),
    ).toBeNull();
  });

  it('lets one holder of a client code lock run at a time across stores, and frees it after', async () => {
    const stores = [0, 1].map(() => new RedisSessionStore({ redis, prefix, key: keys.sessions, log: silent, pollMs: 20 }));
    let inside = 0;
    let most = 0;
    const hold = (store: RedisSessionStore) =>
      store.withLoginLock('R2', async () => {
        inside += 1;
        most = Math.max(most, inside);
        await new Promise((resolve) => setTimeout(resolve, 100));
        inside -= 1;
      });
    await Promise.all([hold(stores[0]!), hold(stores[1]!), hold(stores[0]!), hold(stores[1]!)]);
    expect(most).toBe(1);
    expect(await redis.exists(`${prefix}smartapi-session-lock:R2`)).toBe(0);
  });
});

describe.skipIf(!usingPostgres || !redisUrl)('one SmartAPI login shared by two instances (needs DATABASE_URL and REDIS_URL)', () => {
  let sim: SmartApiSim;
  let database: Awaited<ReturnType<typeof scratchDatabase>>;
  let redis: Redis;
  const servers: TestServer[] = [];
  const redisPrefix = `tandem-test-${randomBytes(4).toString('hex')}:`;

  beforeAll(async () => {
    // Angel's own limits, order book (1/s) included: the following instance's poll and both
    // instances' look-ups by tag draw from one allowance in Redis.
    sim = await createSmartApiSim({ accounts: [FOLLOWER], instruments: { '3045': { pricePaise: 1010_00 } } });
    database = await scratchDatabase();
    redis = await connectRedis(redisUrl!);
  });
  afterEach(async () => {
    for (const server of servers.splice(0).reverse()) await server.close();
  });
  afterAll(async () => {
    await sim?.close();
    await database?.drop();
    const keysLeft = await redis.keys(`${redisPrefix}*`);
    if (keysLeft.length > 0) await redis.del(...keysLeft);
    redis?.disconnect();
  });

  it('logs the account in once for orders sent from both, and once more when the session ends', async () => {
    const env = { SMARTAPI_ROOT_URL: sim.url, SMARTAPI_ORDER_WS_URL: sim.wsUrl };
    const first = await startTestServer({ database, redisPrefix, env });
    servers.push(first);
    const second = await startTestServer({ database, redisPrefix, env });
    servers.push(second);
    const token = await first.login();
    const created = await first.gql<{ createAccount: { id: string } }>(
      `mutation($i: CreateAccountInput!) { createAccount(input: $i) { id } }`,
      {
        i: {
          label: 'Shared',
          broker: 'SMARTAPI',
          role: 'FOLLOWER',
          clientCode: FOLLOWER.clientcode,
          credentials: { apiKey: FOLLOWER.apiKey, pin: FOLLOWER.pin, totpSecret: FOLLOWER.totpSecret },
        },
      },
      token,
    );
    expect(created.errors).toBeUndefined();
    const account = await first.tandem.services.orm.em.fork().findOneOrFail(Account, { id: created.data!.createAccount.id });
    // Whichever instance holds the account's lease follows it (order socket, order-book poll).
    await waitFor(
      async () =>
        (await first.tandem.services.orm.em.fork().findOneOrFail(Account, { id: account.id })).statusReason?.includes('order updates live'),
      20_000,
      'the account to be followed',
    );

    // Orders sent to the account from each instance, at the same moment: one session serves both.
    const brokers = [first, second].map((server) => server.tandem.services.brokers.brokerFor(account));
    const acks = await Promise.all(brokers.map((broker, index) => broker.placeOrder(order(`shared${index}`))));
    expect(new Set(acks.map((ack) => ack.brokerOrderId)).size).toBe(2);
    expect(sim.orders.list('SS1')).toHaveLength(2);
    expect(sim.counters().requests.loginByPassword).toBe(1);

    // In Redis: sealed under the prefix, expiring with the session; the tokens never in plain text.
    const raw = await redis.get(`${redisPrefix}smartapi-session:SS1`);
    expect(raw).toBeTruthy();
    const shared = openGrant(keys.sessions, 'SS1', raw!)!;
    expect(shared.tokens.jwtToken.split('.')).toHaveLength(3);
    for (const part of [
      shared.tokens.jwtToken,
      ...shared.tokens.jwtToken.split('.'),
      shared.tokens.refreshToken,
      shared.tokens.feedToken,
    ]) {
      expect(raw).not.toContain(part);
    }
    expect(await redis.pttl(`${redisPrefix}smartapi-session:SS1`)).toBeGreaterThan(0);

    // The broker ends the session: the next orders from both instances need one login between them.
    expect(sim.faults.expireSessions('SS1')).toBeGreaterThan(0);
    const loginsBefore = sim.counters().requests.loginByPassword;
    const again = await Promise.all(brokers.map((broker, index) => broker.placeOrder(order(`expired${index}`))));
    expect(new Set(again.map((ack) => ack.brokerOrderId)).size).toBe(2);
    for (const tag of ['expired0', 'expired1']) expect(sim.orders.list('SS1').filter((o) => o.ordertag === tag)).toHaveLength(1);
    // The poll of the following instance meets the ended session too; give it time to log in (it must not).
    await new Promise((resolve) => setTimeout(resolve, 2_500));
    expect(sim.counters().requests.loginByPassword - loginsBefore).toBe(1);
    // Spaced a second after the last login, whichever instance made it: none was refused for the rate.
    expect(sim.counters().rateLimited.loginByPassword).toBe(0);
    // Nor was any order-book read (the poll, the look-ups by tag) refused: one shared 1/s allowance.
    expect(sim.counters().rateLimited.getOrderBook).toBe(0);
    const renewed = openGrant(keys.sessions, 'SS1', (await redis.get(`${redisPrefix}smartapi-session:SS1`))!)!;
    expect(renewed.tokens.jwtToken).not.toBe(shared.tokens.jwtToken);
  });
});
