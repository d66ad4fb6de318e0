// The paper exchange through the API, as a trader trying Tandem sees it: resting limits,
// stop-losses, the day's band, modify and cancel, AMO on NSE hours and in the demo mode,
// an OrderEvent for every status change, and a book that survives a restart.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../server/src/core/clock.ts';
import { OrderEvent } from '../../server/src/persistence/entities/order-event.entity.ts';
import { scratchDatabase, usingPostgres } from '../support/database.ts';
import { startTestServer, waitFor, type TestServer } from '../support/harness.ts';

const SBIN = { exchange: 'NSE', symbol: 'SBIN-EQ', token: '3045' };
/** No random walk between the test's own setPrice calls: prices move only when a test moves them. */
const FROZEN_WALK = { PAPER_TICK_MS: String(60 * 60_000) };

interface OrderView {
  id: string;
  status: string;
  reason: string | null;
  quantity: number;
  filledQuantity: number;
  price: number | null;
  averagePrice: number | null;
  orderTag: string;
  brokerStatus: string | null;
}

const ORDER_FIELDS = 'id status reason quantity filledQuantity price averagePrice orderTag brokerStatus';

type Database = Awaited<ReturnType<typeof scratchDatabase>>;

/** A database two Tandems can boot on one after the other: PostgreSQL, or PGlite in a directory. */
async function restartableDatabase(): Promise<Database> {
  if (usingPostgres) return scratchDatabase();
  const dataDir = mkdtempSync(path.join(tmpdir(), 'tandem-paper-'));
  return { target: { kind: 'pglite', dataDir }, url: null, drop: async () => rmSync(dataDir, { recursive: true, force: true }) };
}

/** API calls one signed-in trader makes on one server, trading a follower account so nothing is copied. */
function trader(server: TestServer, token: string) {
  const account = () => server.account('DEMO-F1');
  const order = async (id: string): Promise<OrderView> => {
    const result = await server.gql<{ order: OrderView }>(`query($id: ID!) { order(id: $id) { ${ORDER_FIELDS} } }`, { id }, token);
    expect(result.errors).toBeUndefined();
    return result.data!.order;
  };
  return {
    token,
    order,
    /** The exchange's own book entry: what a sweep decided, before Tandem's row catches up. */
    async onExchange(orderTag: string) {
      return server.tandem.services.brokers.brokerFor(await account()).findOrderByTag(orderTag);
    },
    async place(input: Record<string, unknown>): Promise<OrderView> {
      const result = await server.gql<{ placeOrder: OrderView }>(
        `mutation($i: PlaceOrderInput!) { placeOrder(input: $i) { ${ORDER_FIELDS} } }`,
        {
          i: {
            accountId: (await account()).id,
            exchange: SBIN.exchange,
            symbol: SBIN.symbol,
            quantity: 10,
            productType: 'INTRADAY',
            ...input,
          },
        },
        token,
      );
      expect(result.errors).toBeUndefined();
      return result.data!.placeOrder;
    },
    /** Waits until the order shows `status` and the exchange's word for it has been recorded. */
    async reaches(id: string, status: string, timeoutMs = 3000): Promise<OrderView> {
      return waitFor(
        async () => {
          const view = await order(id);
          return view.status === status && view.brokerStatus !== null ? view : undefined;
        },
        timeoutMs,
        `order ${id} to be ${status}`,
      );
    },
  };
}

/** The statuses an order's OrderEvents went through, repeats folded; each event's snapshot agrees with its status. */
async function eventPath(server: TestServer, orderId: string): Promise<string[]> {
  const events = await server.tandem.services.orm.em.fork().find(OrderEvent, { orderId }, { orderBy: { cursor: 'asc' } });
  const path: string[] = [];
  for (const event of events) {
    expect(event.snapshot.status).toBe(event.status);
    if (path.at(-1) !== event.status) path.push(event.status);
  }
  return path;
}

/** OPEN between SENT and the exchange's own state is the acknowledgement; it may be overtaken by the exchange's update. */
const withoutOpen = (statuses: string[]) => statuses.filter((status) => status !== 'OPEN');

const rupees = (paise: number) => paise / 100;

// Friday 20:00 IST: the market is closed until Monday 09:15 IST.
const nseClock = new ManualClock(new Date('2025-01-10T20:00:00+05:30'));
let nseBoot: Promise<TestServer>;
// The NSE-hours server boots while the first suite runs; its walk is frozen, so it sits idle until then.
beforeAll(() => {
  nseBoot = startTestServer({ clock: nseClock, env: { ...FROZEN_WALK, PAPER_MARKET_HOURS: 'nse', JWT_TTL: '7d' } });
  nseBoot.catch(() => undefined);
});
afterAll(async () => {
  await (await nseBoot.catch(() => null))?.close();
});

describe('paper exchange in always-open mode', () => {
  let database: Database;
  let server: TestServer;
  let api: ReturnType<typeof trader>;
  const paper = () => server.tandem.paper;
  let reference: number;

  beforeAll(async () => {
    database = await restartableDatabase();
    server = await startTestServer({ database, env: FROZEN_WALK });
    api = trader(server, await server.login());
    reference = server.tandem.services.instruments.find(SBIN.exchange, SBIN.symbol)!.referencePrice!;
  });
  afterAll(async () => {
    await server?.close();
    await database?.drop();
  });
  beforeEach(async () => {
    await paper().setPrice(SBIN.token, reference);
  });

  it('rests a LIMIT BUY below the market as OPEN and fills it at the limit or better once the price falls through', async () => {
    const last = paper().lastPrice(SBIN.exchange, SBIN.token)!;
    expect(last % 10).toBe(0);
    const limit = last - 2000;
    const placed = await api.place({ side: 'BUY', orderType: 'LIMIT', price: rupees(limit) });
    await api.reaches(placed.id, 'OPEN');
    await paper().sweep();
    expect(await api.onExchange(placed.orderTag)).toMatchObject({ brokerStatus: 'open', filledQuantity: 0 });

    await paper().setPrice(SBIN.token, limit - 500);
    const filled = await api.reaches(placed.id, 'FILLED');
    expect(filled.filledQuantity).toBe(10);
    expect(filled.averagePrice).toBeGreaterThan(0);
    expect(filled.averagePrice!).toBeLessThanOrEqual(rupees(limit));
    expect(await eventPath(server, placed.id)).toEqual(['PENDING', 'SENT', 'OPEN', 'FILLED']);
  });

  it('holds a SL-M SELL until the price falls to its trigger, then sells', async () => {
    const last = paper().lastPrice(SBIN.exchange, SBIN.token)!;
    const trigger = last - 1000;
    const placed = await api.place({ side: 'SELL', orderType: 'STOPLOSS_MARKET', triggerPrice: rupees(trigger) });
    await api.reaches(placed.id, 'TRIGGER_PENDING');
    await paper().setPrice(SBIN.token, trigger + 100);
    expect(await api.onExchange(placed.orderTag)).toMatchObject({ brokerStatus: 'trigger pending', filledQuantity: 0 });

    await paper().setPrice(SBIN.token, trigger);
    const filled = await api.reaches(placed.id, 'FILLED');
    expect(filled).toMatchObject({ filledQuantity: 10, averagePrice: rupees(trigger) });
    expect(withoutOpen(await eventPath(server, placed.id))).toEqual(['PENDING', 'SENT', 'TRIGGER_PENDING', 'FILLED']);
  });

  it("records a LIMIT outside the day's band as REJECTED with the exchange's reason", async () => {
    const placed = await api.place({ side: 'BUY', orderType: 'LIMIT', price: 1200 });
    const rejected = await api.reaches(placed.id, 'REJECTED');
    expect(rejected.reason).toMatch(/^Price 1200\.00 is outside the day's band \d+\.\d{2}-\d+\.\d{2}$/);
    expect(rejected.filledQuantity).toBe(0);
    expect(withoutOpen(await eventPath(server, placed.id))).toEqual(['PENDING', 'SENT', 'REJECTED']);
  });

  it('modifies the price and quantity of a resting order on the exchange', async () => {
    const last = paper().lastPrice(SBIN.exchange, SBIN.token)!;
    const placed = await api.place({ side: 'BUY', orderType: 'LIMIT', price: rupees(last - 2000) });
    await api.reaches(placed.id, 'OPEN');

    const newLimit = last - 3000;
    const modified = await server.gql<{ modifyOrder: OrderView }>(
      `mutation($id: ID!, $i: ModifyOrderInput!) { modifyOrder(id: $id, input: $i) { ${ORDER_FIELDS} } }`,
      {
        id: placed.id,
        i: { price: rupees(newLimit), quantity: 20 },
      },
      api.token,
    );
    expect(modified.errors).toBeUndefined();
    expect(modified.data!.modifyOrder).toMatchObject({ status: 'OPEN', price: rupees(newLimit), quantity: 20 });
    expect(await api.onExchange(placed.orderTag)).toMatchObject({ price: newLimit, quantity: 20, brokerStatus: 'open' });

    // Between the old and the new limit: the old order would fill here, the modified one must not.
    await paper().setPrice(SBIN.token, last - 2500);
    expect(await api.onExchange(placed.orderTag)).toMatchObject({ brokerStatus: 'open', filledQuantity: 0 });
    await paper().setPrice(SBIN.token, newLimit);
    expect(await api.reaches(placed.id, 'FILLED')).toMatchObject({ filledQuantity: 20, averagePrice: rupees(newLimit) });
    const kinds = (await server.tandem.services.orm.em.fork().find(OrderEvent, { orderId: placed.id })).map((e) => e.kind);
    expect(kinds).toContain('MODIFIED');
  });

  it('cancels a resting order, and refuses to cancel a FILLED one with a clear error', async () => {
    const last = paper().lastPrice(SBIN.exchange, SBIN.token)!;
    const resting = await api.place({ side: 'BUY', orderType: 'LIMIT', price: rupees(last - 2000) });
    await api.reaches(resting.id, 'OPEN');
    const cancel = (id: string) => server.gql(`mutation($id: ID!) { cancelOrder(id: $id) { id status } }`, { id }, api.token);

    expect((await cancel(resting.id)).errors).toBeUndefined();
    const cancelled = await api.reaches(resting.id, 'CANCELLED');
    expect(cancelled.filledQuantity).toBe(0);
    await paper().setPrice(SBIN.token, last - 3000);
    expect(await api.onExchange(resting.orderTag)).toMatchObject({ brokerStatus: 'cancelled', filledQuantity: 0 });
    expect((await api.order(resting.id)).status).toBe('CANCELLED');
    expect(await eventPath(server, resting.id)).toEqual(['PENDING', 'SENT', 'OPEN', 'CANCELLED']);

    const market = await api.place({ side: 'BUY', orderType: 'MARKET' });
    await api.reaches(market.id, 'FILLED');
    const refused = await cancel(market.id);
    expect(refused.errors).toHaveLength(1);
    expect(refused.errors![0]!.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'id' });
    expect(refused.errors![0]!.message).toMatch(/FILLED.*can no longer be cancelled/);
    expect(await api.order(market.id)).toMatchObject({ status: 'FILLED', filledQuantity: 10 });
  });

  it('keeps the paper book across a restart, where a resting order is found by its tag and still trades', async () => {
    const last = paper().lastPrice(SBIN.exchange, SBIN.token)!;
    const resting = await api.place({ side: 'BUY', orderType: 'LIMIT', price: rupees(last - 2000) });
    await api.reaches(resting.id, 'OPEN');
    await server.close();

    server = await startTestServer({ database, env: { PAPER_AMO_DELAY_MS: '600' } });
    api = trader(server, await server.login());
    const found = await api.onExchange(resting.orderTag);
    expect(found).toMatchObject({ brokerStatus: 'open', quantity: 10, filledQuantity: 0, price: last - 2000, side: 'BUY' });
    expect(await api.order(resting.id)).toMatchObject({ status: 'OPEN', orderTag: resting.orderTag });

    await paper().setPrice(SBIN.token, last - 3000);
    expect(await api.reaches(resting.id, 'FILLED')).toMatchObject({ filledQuantity: 10 });
  });

  it('holds an AMO as AMO_QUEUED for PAPER_AMO_DELAY_MS, then fills it (the restarted server ticks)', async () => {
    const placed = await api.place({ side: 'BUY', orderType: 'MARKET', variety: 'AMO' });
    await api.reaches(placed.id, 'AMO_QUEUED', 500);
    await api.reaches(placed.id, 'FILLED', 3000);
    const events = await server.tandem.services.orm.em.fork().find(OrderEvent, { orderId: placed.id }, { orderBy: { cursor: 'asc' } });
    const created = events.find((e) => e.kind === 'CREATED')!;
    const filled = events.find((e) => e.status === 'FILLED')!;
    expect(filled.at.getTime() - created.at.getTime()).toBeGreaterThanOrEqual(600);
    expect(withoutOpen(await eventPath(server, placed.id))).toEqual(['PENDING', 'SENT', 'AMO_QUEUED', 'FILLED']);
  });
});

describe('paper exchange on NSE hours', () => {
  const clock = nseClock;
  let server: TestServer;
  let api: ReturnType<typeof trader>;

  beforeAll(async () => {
    server = await nseBoot;
    api = trader(server, await server.login());
  });

  it('rejects a NORMAL order after the close with a reason that says to use AMO', async () => {
    const placed = await api.place({ side: 'BUY', orderType: 'MARKET' });
    const rejected = await api.reaches(placed.id, 'REJECTED');
    expect(rejected.reason).toMatch(/market is closed.*AMO/);
  });

  it('queues an AMO at 20:00 IST and fills it at 09:15 IST on the next trading day, not before', async () => {
    const placed = await api.place({ side: 'BUY', orderType: 'MARKET', variety: 'AMO' });
    await api.reaches(placed.id, 'AMO_QUEUED');
    const paper = server.tandem.paper;

    for (const notYet of ['2025-01-11T10:00:00+05:30', '2025-01-13T09:14:59+05:30']) {
      clock.set(new Date(notYet));
      await paper.sweep();
      expect(await api.onExchange(placed.orderTag)).toMatchObject({ brokerStatus: 'amo queued', filledQuantity: 0 });
    }
    clock.set(new Date('2025-01-13T09:15:00+05:30'));
    await paper.sweep();
    const filled = await api.reaches(placed.id, 'FILLED');
    expect(filled).toMatchObject({ filledQuantity: 10, averagePrice: rupees(paper.lastPrice(SBIN.exchange, SBIN.token)!) });
    expect(withoutOpen(await eventPath(server, placed.id))).toEqual(['PENDING', 'SENT', 'AMO_QUEUED', 'FILLED']);
  });
});
