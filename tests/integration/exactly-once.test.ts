import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { BrokerCallError, type Broker, type BrokerOrderRequest } from '../../server/src/brokers/port.ts';
import { execute, initOrm } from '../../server/src/persistence/db.ts';
import { Order, OrderEvent, PaperOrder } from '../../server/src/persistence/entities/index.ts';
import { redisUrl, scratchDatabase, usingPostgres } from '../support/database.ts';
import { gqlAt, loginAt, ok } from '../support/gql.ts';
import { startTestServer, waitFor, type TestServer } from '../support/harness.ts';
import { settledChildren } from '../support/orders.ts';
import { seedCopyGroup } from '../support/fleet.ts';
import { killServerProcesses, startServerProcess } from '../support/spawn-server.ts';

// Exactly once, in process: a broker that accepts and then times out, one that times out
// without placing, one that refuses. Every follower ends with one child per copy, the
// broker's book holds exactly one order per child tag, and a refusal shows the broker's words.

const RECHECK_MS = 200;
const SYMBOL = { exchange: 'NSE', symbol: 'SBIN-EQ' };
const CHILD_FIELDS = 'id quantity filledQuantity reason orderTag brokerOrderId account { clientCode }';

interface ChildView {
  id: string;
  status: string;
  quantity: number;
  filledQuantity: number;
  reason: string | null;
  orderTag: string | null;
  brokerOrderId: string | null;
  account: { clientCode: string };
}

interface Group {
  masterId: string;
  followers: Record<string, { id: string; clientCode: string; broker: 'PAPER' }>;
}

let server: TestServer;
let token: string;

async function group(names: string[]): Promise<Group> {
  const prefix = `E${randomBytes(3).toString('hex').toUpperCase()}`;
  const create = async (role: string, clientCode: string) =>
    ok(
      await server.gql<{ createAccount: { id: string; clientCode: string } }>(
        'mutation($i: CreateAccountInput!) { createAccount(input: $i) { id clientCode } }',
        { i: { label: clientCode, broker: 'PAPER', role, clientCode } },
        token,
      ),
    ).createAccount;
  const master = await create('MASTER', `${prefix}-M`);
  const followers: Group['followers'] = {};
  for (const name of names) {
    const follower = await create('FOLLOWER', `${prefix}-${name}`);
    ok(
      await server.gql(
        'mutation($i: CreateMultiplierInput!) { createMultiplier(input: $i) { id } }',
        { i: { masterId: master.id, followerId: follower.id, factor: 1 } },
        token,
      ),
    );
    followers[name] = { ...follower, broker: 'PAPER' };
  }
  return { masterId: master.id, followers };
}

async function placeOnMaster(g: Group, quantity: number): Promise<string> {
  return ok(
    await server.gql<{ placeOrder: { id: string } }>(
      'mutation($i: PlaceOrderInput!) { placeOrder(input: $i) { id } }',
      {
        i: { accountId: g.masterId, ...SYMBOL, side: 'BUY', quantity, orderType: 'MARKET', productType: 'INTRADAY' },
      },
      token,
    ),
  ).placeOrder.id;
}

/** Each follower's children of one master, once every one of them has settled. */
async function childrenByFollower(g: Group, masterOrderId: string): Promise<Record<string, ChildView[]>> {
  await server.tandem.engine.idle();
  const children = await settledChildren<ChildView>(server, token, masterOrderId, {
    fields: CHILD_FIELDS,
    count: Object.keys(g.followers).length,
  });
  return Object.fromEntries(
    Object.entries(g.followers).map(([name, f]) => [name, children.filter((c) => c.account.clientCode === f.clientCode)]),
  );
}

async function eventKinds(orderId: string): Promise<string[]> {
  const events = await server.tandem.services.orm.em.fork().find(OrderEvent, { orderId }, { orderBy: { cursor: 'asc' } });
  return events.map((e) => e.kind);
}

/** What the broker's book (the paper exchange's table) holds under one tag. */
async function paperOrdersTagged(orderTag: string): Promise<PaperOrder[]> {
  return server.tandem.services.orm.em.fork().find(PaperOrder, { orderTag });
}

/** A broker that behaves like `inner` except where `overrides` says. */
function faulty(inner: Broker, overrides: Partial<Pick<Broker, 'placeOrder' | 'findOrderByTag'>>): Broker {
  return {
    clientCode: inner.clientCode,
    placeOrder: (request) => inner.placeOrder(request),
    modifyOrder: (id, changes) => inner.modifyOrder(id, changes),
    cancelOrder: (id) => inner.cancelOrder(id),
    orderBook: () => inner.orderBook(),
    findOrderByTag: (tag) => inner.findOrderByTag(tag),
    positions: () => inner.positions(),
    ...overrides,
  };
}

beforeAll(async () => {
  server = await startTestServer({ reconcileRecheckMs: RECHECK_MS });
  token = await server.login();
});
afterEach(() => {
  vi.restoreAllMocks();
});
afterAll(async () => server?.close());

describe('a broker that accepts the order and then times out', () => {
  it('finds the child by its tag and never sends it again', async () => {
    const g = await group(['slow', 'fine']);
    const slow = g.followers.slow!;
    // The broker's order feed for this account lags: its updates arrive only after the test lets them.
    let release!: () => void;
    const feedBack = new Promise<void>((resolve) => (release = resolve));
    const orders = server.tandem.engine.orders;
    const apply = orders.applyBrokerUpdates.bind(orders);
    vi.spyOn(orders, 'applyBrokerUpdates').mockImplementation(async (items) => {
      if (items.some((item) => item.accountId === slow.id)) await feedBack;
      return apply(items);
    });
    const placed: BrokerOrderRequest[] = [];
    server.tandem.services.brokers.wrap(slow, (inner) =>
      faulty(inner, {
        async placeOrder(request) {
          placed.push(request);
          await inner.placeOrder(request);
          throw new BrokerCallError('unknown', 'timeout');
        },
      }),
    );

    let masterId: string;
    let child: Order;
    try {
      masterId = await placeOnMaster(g, 10);
      child = await waitFor(
        async () => {
          const row = await server.tandem.services.orm.em.fork().findOne(Order, { masterOrderId: masterId, accountId: slow.id });
          // Read again once the event is there: the row read first may predate the reconciliation.
          return row && (await eventKinds(row.id)).includes('RECONCILED')
            ? server.tandem.services.orm.em.fork().findOneOrFail(Order, { id: row.id })
            : undefined;
        },
        5000,
        'the slow child to be reconciled',
      );
    } finally {
      release();
    }
    expect(child.reason).toBe(`found in the broker's book by tag ${child.orderTag}; not resent`);

    const children = await childrenByFollower(g, masterId);
    expect(children.slow).toHaveLength(1);
    expect(children.fine).toHaveLength(1);
    expect(children.slow![0]).toMatchObject({ status: 'FILLED', filledQuantity: 10 });
    expect(children.fine![0]).toMatchObject({ status: 'FILLED', filledQuantity: 10 });
    const kinds = await eventKinds(child.id);
    // Claimed once (when written ahead, as nothing rate-limits a paper account), never re-claimed.
    expect(kinds.filter((k) => k === 'CREATED' || k === 'SENT')).toEqual(['CREATED']);
    expect(kinds).not.toContain('NOT_AT_BROKER');
    expect(kinds.indexOf('OUTCOME_UNKNOWN')).toBeLessThan(kinds.indexOf('RECONCILED'));
    expect(placed).toHaveLength(1);
    const book = await paperOrdersTagged(child.orderTag!);
    expect(book).toHaveLength(1);
    expect(book[0]).toMatchObject({ clientCode: slow.clientCode, brokerOrderId: children.slow![0]!.brokerOrderId, status: 'complete' });
  });

  it('whose own update arrives before the timeout: the child is simply filled, with no stale "did not confirm" reason', async () => {
    const g = await group(['late']);
    const late = g.followers.late!;
    server.tandem.services.brokers.wrap(late, (inner) =>
      faulty(inner, {
        async placeOrder(request) {
          await inner.placeOrder(request);
          // The reply is lost only after the broker's order feed has told Tandem everything.
          await waitFor(
            async () => {
              const row = await server.tandem.services.orm.em.fork().findOne(Order, { orderTag: request.orderTag });
              return row?.status === 'FILLED' || undefined;
            },
            5000,
            'the update to overtake the reply',
          );
          throw new BrokerCallError('unknown', 'timeout');
        },
      }),
    );
    const masterId = await placeOnMaster(g, 7);
    const children = await childrenByFollower(g, masterId);
    expect(children.late).toHaveLength(1);
    const child = children.late![0]!;
    expect(child).toMatchObject({ status: 'FILLED', filledQuantity: 7 });
    expect(child.reason ?? '').not.toMatch(/did not confirm/);
    expect(await eventKinds(child.id)).not.toContain('NOT_AT_BROKER');
    expect(await paperOrdersTagged(child.orderTag!)).toHaveLength(1);
  });
});

describe('a broker that times out without placing the order', () => {
  it('is looked up twice, a recheck apart, before the child is sent again, and then placed exactly once', async () => {
    const g = await group(['lossy', 'fine']);
    const lossy = g.followers.lossy!;
    let calls = 0;
    const lookups: number[] = [];
    server.tandem.services.brokers.wrap(lossy, (inner) =>
      faulty(inner, {
        async placeOrder(request) {
          calls += 1;
          if (calls <= 2) throw new BrokerCallError('unknown', 'timeout'); // lost on the way: never placed
          return inner.placeOrder(request);
        },
        async findOrderByTag(tag) {
          lookups.push(Date.now());
          return inner.findOrderByTag(tag);
        },
      }),
    );

    const masterId = await placeOnMaster(g, 5);
    const children = await childrenByFollower(g, masterId);
    expect(children.lossy).toHaveLength(1);
    const child = children.lossy![0]!;
    expect(child).toMatchObject({ status: 'FILLED', filledQuantity: 5 });
    expect(children.fine![0]).toMatchObject({ status: 'FILLED', filledQuantity: 5 });

    const kinds = (await eventKinds(child.id)).filter((k) =>
      ['CREATED', 'SENT', 'OUTCOME_UNKNOWN', 'NOT_AT_BROKER', 'ACKNOWLEDGED'].includes(k),
    );
    // Claimed when written ahead; each resend is claimed again (PENDING -> SENT) after two missed look-ups.
    const events = await server.tandem.services.orm.em.fork().find(OrderEvent, { orderId: child.id }, { orderBy: { cursor: 'asc' } });
    const story = events.map((e) => `${e.kind}:${e.status}:${e.message ?? ''}`).join(' | ');
    expect(kinds, story).toEqual([
      'CREATED',
      'OUTCOME_UNKNOWN',
      'NOT_AT_BROKER',
      'SENT',
      'OUTCOME_UNKNOWN',
      'NOT_AT_BROKER',
      'SENT',
      'ACKNOWLEDGED',
    ]);
    expect(calls, story).toBe(3);
    // Two look-ups per unknown outcome, each pair at least the recheck apart.
    expect(lookups).toHaveLength(4);
    expect(lookups[1]! - lookups[0]!).toBeGreaterThanOrEqual(RECHECK_MS - 5);
    expect(lookups[3]! - lookups[2]!).toBeGreaterThanOrEqual(RECHECK_MS - 5);
    const book = await paperOrdersTagged(child.orderTag!);
    expect(book).toHaveLength(1);
    expect(book[0]).toMatchObject({ brokerOrderId: child.brokerOrderId, status: 'complete' });
  });
});

describe("a follower's broker that hangs until its timeout", () => {
  it('holds up no other follower: their copies are sent and acknowledged before its call ends, and its own copy is looked up and sent once', async () => {
    const g = await group(['down', 'a', 'b', 'c']);
    const down = g.followers.down!;
    const HANG_MS = 2_000;
    const calls: { startedAt: number; endedAt?: number }[] = [];
    server.tandem.services.brokers.wrap(down, (inner) =>
      faulty(inner, {
        async placeOrder(request) {
          const call: { startedAt: number; endedAt?: number } = { startedAt: Date.now() };
          calls.push(call);
          if (calls.length > 1) return inner.placeOrder(request);
          // The first call never reaches the broker: no answer until the timeout.
          await new Promise((resolve) => setTimeout(resolve, HANG_MS));
          call.endedAt = Date.now();
          throw new BrokerCallError('unknown', `no answer from the broker within ${HANG_MS} ms (timeout)`);
        },
      }),
    );

    const masterId = await placeOnMaster(g, 5);
    const children = await childrenByFollower(g, masterId);
    const rows = await server.tandem.services.orm.em.fork().find(Order, { masterOrderId: masterId });
    const downRow = rows.find((row) => row.accountId === down.id)!;
    const hung = calls[0]!;
    // Causal: every other follower's copy was sent and acknowledged while the hung call was still waiting.
    for (const name of ['a', 'b', 'c']) {
      const row = rows.find((r) => r.accountId === g.followers[name]!.id)!;
      expect(row.acknowledgedAt!.getTime(), `${name} acknowledged before the hung call ended`).toBeLessThan(hung.endedAt!);
      expect(row.sentAt!.getTime()).toBeLessThan(hung.startedAt + HANG_MS);
      expect(children[name]![0]).toMatchObject({ status: 'FILLED', filledQuantity: 5 });
    }
    // Its own copy: unknown, looked up twice, not at the broker, sent again once, filled.
    expect(children.down).toHaveLength(1);
    expect(children.down![0]).toMatchObject({ status: 'FILLED', filledQuantity: 5 });
    const kinds = await eventKinds(downRow.id);
    expect(kinds.filter((k) => ['OUTCOME_UNKNOWN', 'NOT_AT_BROKER', 'ACKNOWLEDGED'].includes(k))).toEqual([
      'OUTCOME_UNKNOWN',
      'NOT_AT_BROKER',
      'ACKNOWLEDGED',
    ]);
    expect(calls).toHaveLength(2);
    expect(await paperOrdersTagged(downRow.orderTag!)).toHaveLength(1);
  });
});

describe('a broker that refuses orders', () => {
  it("fails those children with the broker's words and leaves every other copy alone", async () => {
    const g = await group(['refusing', 'a', 'b']);
    const refusing = g.followers.refusing!;
    const refusal = 'RMS: margin exceeds the available limit for segment NSE';
    let calls = 0;
    server.tandem.services.brokers.wrap(refusing, (inner) =>
      faulty(inner, {
        async placeOrder(request) {
          calls += 1;
          if (calls <= 2) throw new BrokerCallError('rejected', refusal, 'AB4036');
          return inner.placeOrder(request);
        },
      }),
    );

    const results = [];
    for (const quantity of [3, 4, 6]) results.push(await childrenByFollower(g, await placeOnMaster(g, quantity)));
    expect(results.map((r) => r.refusing!.map((c) => c.status))).toEqual([['FAILED'], ['FAILED'], ['FILLED']]);
    for (const failed of [results[0]!.refusing![0]!, results[1]!.refusing![0]!]) {
      expect(failed.reason).toBe(refusal);
      expect(failed.brokerOrderId).toBeNull();
      expect(await eventKinds(failed.id)).not.toContain('NOT_AT_BROKER');
    }
    for (const name of ['a', 'b']) {
      expect(results.map((r) => r[name]!.map((c) => [c.status, c.filledQuantity]))).toEqual([
        [['FILLED', 3]],
        [['FILLED', 4]],
        [['FILLED', 6]],
      ]);
    }
    expect(calls).toBe(3); // a refusal is final: never retried
    expect(await server.tandem.paper.broker(refusing.clientCode).orderBook()).toHaveLength(1);
  });
});

// ---------------------------------------------------------------------------------------------
// A real server process killed with SIGKILL in the middle of a fan-out to 200 followers, then
// started again on the same database: recovery must leave exactly one child per follower, each
// in the broker's book exactly once and with the broker's state.

const FOLLOWERS = 200;
const KILL_ADMIN = { email: 'kill@test.local', password: 'kill-test-password-1' };

describe('SIGKILL in the middle of a fan-out', () => {
  let dataDir: string | null = null;
  let database: Awaited<ReturnType<typeof scratchDatabase>> | null = null;

  afterAll(async () => {
    await killServerProcesses();
    await database?.drop();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it(`leaves each of ${FOLLOWERS} followers exactly one child, true to the broker's book, after a restart`, async () => {
    const started = Date.now();
    const env: Record<string, string> = {
      SECRET_KEY: 'kill-test-secret-key-with-32-characters-or-more',
      ADMIN_EMAIL: KILL_ADMIN.email,
      ADMIN_PASSWORD: KILL_ADMIN.password,
      PORT: '0',
      HOST: '127.0.0.1',
      PAPER_LATENCY_MS: '300',
      LOG_LEVEL: 'warn',
      PAPER_TICK_MS: '100',
      // The killed process still holds the master's lease: the restarted one takes it over once it
      // runs out, and only then finishes the fan-out (the takeover path, not a shortcut around it).
      MASTER_LEASE_TTL_S: '2',
      // Every copy must go out, however long a loaded machine takes to restart: not failed as stale.
      MAX_COPY_DELAY_S: '600',
    };
    if (usingPostgres) {
      database = await scratchDatabase();
      env.DATABASE_URL = database.url!;
    } else {
      dataDir = mkdtempSync(path.join(tmpdir(), 'tandem-kill-'));
      env.DATA_DIR = dataDir;
    }
    if (redisUrl) env.REDIS_URL = redisUrl;

    // 1. The accounts, made by a Tandem booted in process on the same database and closed again
    //    (as the demo seed makes its own), then the real server on that database.
    const master = (await seedCopyGroup(env, KILL_ADMIN.email, 'KILL', FOLLOWERS)).masterId;
    const setupMs = Date.now() - started;
    const server1 = startServerProcess(env);
    const url = await server1.url;
    const bootMs = Date.now() - started - setupMs;
    const admin = await loginAt(url, KILL_ADMIN.email, KILL_ADMIN.password);

    // 2. A master order; kill -9 once its fan-out has begun (children claimed) and before it is acknowledged.
    const CHILDREN = 'query($id: ID!) { order(id: $id) { children { status brokerOrderId } } }';
    const placedAt = Date.now();
    const masterOrder = ok(
      await gqlAt<{ placeOrder: { id: string } }>(
        url,
        'mutation($i: PlaceOrderInput!) { placeOrder(input: $i) { id } }',
        {
          i: {
            accountId: master,
            exchange: 'NSE',
            symbol: 'SBIN-EQ',
            side: 'BUY',
            quantity: 3,
            orderType: 'MARKET',
            productType: 'INTRADAY',
          },
        },
        admin,
      ),
    ).placeOrder.id;
    const begun = await waitFor(
      async () => {
        const { children } = ok(
          await gqlAt<{ order: { children: { status: string; brokerOrderId: string | null }[] } }>(
            url,
            CHILDREN,
            { id: masterOrder },
            admin,
          ),
        ).order;
        const acknowledged = children.filter((c) => c.brokerOrderId !== null).length;
        if (acknowledged === FOLLOWERS) throw new Error('the fan-out finished before it could be interrupted');
        return children.length === FOLLOWERS && children.some((c) => c.status !== 'PENDING')
          ? { ms: Date.now() - placedAt, acknowledged }
          : undefined;
      },
      10_000,
      'the fan-out to begin',
    );
    // The children are claimed and on their way to the broker, which takes PAPER_LATENCY_MS to answer: kill now.
    server1.child.kill('SIGKILL');
    const killedAt = new Date();
    await server1.exited;
    expect(server1.child.signalCode).toBe('SIGKILL');

    // 3. The same database again: start-up recovery finishes the fan-out.
    const restartedAt = Date.now();
    const server2 = startServerProcess(env);
    const url2 = await server2.url;
    const token2 = await loginAt(url2, KILL_ADMIN.email, KILL_ADMIN.password);
    const final = await settledChildren(url2, token2, masterOrder, { count: FOLLOWERS, timeoutMs: 45_000 });
    const recoveredMs = Date.now() - restartedAt;
    expect(final.map((c) => c.status)).toEqual(Array(FOLLOWERS).fill('FILLED'));
    server2.child.kill('SIGTERM');
    await server2.exited;

    // 4. Tandem's rows against the broker's book, read from the database itself.
    const db = await initOrm(usingPostgres ? { kind: 'postgres', url: database!.url! } : { kind: 'pglite', dataDir: dataDir! }, {
      migrate: false,
    });
    try {
      const em = db.orm.em.fork();
      const duplicates = await execute(
        em,
        `select multiplier_id, leg, count(*) as n from orders where master_order_id = ? group by multiplier_id, leg having count(*) <> 1`,
        [masterOrder],
      );
      expect(duplicates).toEqual([]);
      const children = await em.find(Order, { masterOrderId: masterOrder });
      expect(children).toHaveLength(FOLLOWERS);
      expect(new Set(children.map((c) => c.multiplierId)).size).toBe(FOLLOWERS);
      expect(await em.count(PaperOrder, { clientCode: 'KILL-M' })).toBe(1);
      const book = await em.find(PaperOrder, { clientCode: { $like: 'KILL-F%' } });
      expect(book).toHaveLength(FOLLOWERS);
      const byTag = new Map<string, PaperOrder[]>();
      for (const row of book) byTag.set(row.orderTag ?? '', [...(byTag.get(row.orderTag ?? '') ?? []), row]);
      for (const child of children) {
        const atBroker = byTag.get(child.orderTag!) ?? [];
        expect(atBroker, `paper orders tagged ${child.orderTag}`).toHaveLength(1);
        expect(child.brokerOrderId).toBe(atBroker[0]!.brokerOrderId);
        expect(child.status === 'FILLED').toBe(atBroker[0]!.status === 'complete');
        expect(child.filledQuantity).toBe(atBroker[0]!.filledQuantity);
      }
      // The kill interrupted the fan-out: some children were not acknowledged by the first process.
      const acked = await execute<{ n: unknown }[]>(
        em,
        `select count(distinct e.order_id) as n from order_events e join orders o on o.id = e.order_id
        where o.master_order_id = ? and e.kind = 'ACKNOWLEDGED' and e.at < ?`,
        [masterOrder, killedAt],
      );
      const ackedBeforeKill = Number(acked[0]!.n);
      expect(ackedBeforeKill).toBeLessThan(FOLLOWERS);
      const kinds = await execute<{ kind: string; n: unknown }[]>(
        em,
        `select e.kind, count(*) as n from order_events e join orders o on o.id = e.order_id
        where o.master_order_id = ? and e.at >= ? group by e.kind`,
        [masterOrder, killedAt],
      );
      const afterKill = Object.fromEntries(kinds.map((k) => [k.kind, Number(k.n)]));
      console.info(
        `[sigkill] ${FOLLOWERS} followers made in ${setupMs} ms; server boot ${bootMs} ms; fan-out begun ${begun.ms} ms after placing; ` +
          `killed with ${book.length - (afterKill.NOT_AT_BROKER ?? 0)} children in the broker's book and ${ackedBeforeKill} acknowledged; ` +
          `restart + recovery ${recoveredMs} ms; events after the kill ${JSON.stringify(afterKill)}; total ${Date.now() - started} ms`,
      );
    } finally {
      await db.close();
    }
  }, 120_000);
});
