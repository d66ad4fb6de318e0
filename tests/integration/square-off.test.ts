import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Viewer } from '../../server/src/auth/viewer.ts';
import { BrokerCallError, type Broker } from '../../server/src/brokers/port.ts';
import { AlertDelivery, AuditEntry, Order } from '../../server/src/persistence/entities/index.ts';
import { SquareOffService } from '../../server/src/services/square-off.ts';
import { ok } from '../support/gql.ts';
import { ADMIN, signUp, startTestServer, waitFor, type TestServer } from '../support/harness.ts';
import { settledChildren } from '../support/orders.ts';

const PLACE = 'mutation($i: PlaceOrderInput!) { placeOrder(input: $i) { id } }';
const ORDER_FIELDS = 'id accountId masterOrderId symbol side quantity orderType productType status reason orderTag';
const SQUARE_OFF = `mutation($id: ID!, $symbol: String, $product: ProductType) {
  squareOff(accountId: $id, symbol: $symbol, productType: $product) { ${ORDER_FIELDS} } }`;
const SQUARE_OFF_FOLLOWERS = `mutation($id: ID!, $symbol: String, $includeMaster: Boolean) {
  squareOffFollowers(masterId: $id, symbol: $symbol, includeMaster: $includeMaster) { ${ORDER_FIELDS} } }`;
const POSITIONS = 'query($id: ID!) { positions(accountId: $id) { symbol productType quantity source } }';

interface SquareOffOrder {
  id: string;
  accountId: string;
  masterOrderId: string | null;
  symbol: string;
  side: string;
  quantity: number;
  orderType: string;
  productType: string;
  status: string;
  reason: string | null;
  orderTag: string | null;
}
interface Position {
  symbol: string;
  productType: string;
  quantity: number;
  source: string;
}

describe('square-off', () => {
  let server: TestServer;
  let token: string;
  const ids = {} as Record<'master' | 'f1' | 'f2' | 'f3', string>;

  beforeAll(async () => {
    // Alerts go nowhere (nothing listens there); the outbox is what is checked.
    server = await startTestServer({ env: { ALERT_WEBHOOK_URL: 'http://127.0.0.1:9/alerts' } });
    token = await server.login();
    for (const [key, code] of [
      ['master', 'DEMO-MASTER'],
      ['f1', 'DEMO-F1'],
      ['f2', 'DEMO-F2'],
      ['f3', 'DEMO-F3'],
    ] as const)
      ids[key] = (await server.account(code)).id;
  });
  afterAll(async () => server?.close());

  const em = () => server.tandem.services.orm.em.fork();

  async function placeOnMaster(symbol: string, side: 'BUY' | 'SELL', quantity: number): Promise<void> {
    const id = ok(
      await server.gql<{ placeOrder: { id: string } }>(
        PLACE,
        { i: { accountId: ids.master, exchange: 'NSE', symbol, side, quantity, orderType: 'MARKET', productType: 'INTRADAY' } },
        token,
      ),
    ).placeOrder.id;
    const children = await settledChildren(server, token, id, { count: 3 });
    expect(children.every((c) => c.status === 'FILLED')).toBe(true);
  }

  async function squareOff(accountId: string, variables: Record<string, unknown> = {}, as = token): Promise<SquareOffOrder[]> {
    return ok(await server.gql<{ squareOff: SquareOffOrder[] }>(SQUARE_OFF, { id: accountId, ...variables }, as)).squareOff;
  }

  async function positions(accountId: string): Promise<Map<string, number>> {
    const rows = ok(await server.gql<{ positions: Position[] }>(POSITIONS, { id: accountId }, token)).positions;
    expect(rows.every((row) => row.source === 'BROKER')).toBe(true);
    return new Map(rows.filter((row) => row.quantity !== 0).map((row) => [`${row.symbol} ${row.productType}`, row.quantity]));
  }

  async function untilFilled(orders: { id: string }[]): Promise<void> {
    await waitFor(
      async () => {
        const rows = await em().find(Order, { id: { $in: orders.map((o) => o.id) } });
        return rows.length === orders.length && rows.every((row) => row.status === 'FILLED');
      },
      10_000,
      'the square-off orders to fill',
    );
  }

  const orderCount = (where: Record<string, unknown> = {}) => em().count(Order, where);

  it("closes one follower's position with exactly the held quantity, once", async () => {
    await placeOnMaster('SBIN-EQ', 'BUY', 40);
    expect(await positions(ids.f1)).toEqual(new Map([['SBIN-EQ INTRADAY', 40]]));

    const placed = await squareOff(ids.f1);
    expect(placed).toHaveLength(1);
    expect(placed[0]).toMatchObject({
      accountId: ids.f1,
      masterOrderId: null,
      symbol: 'SBIN-EQ',
      side: 'SELL',
      quantity: 40,
      orderType: 'MARKET',
      productType: 'INTRADAY',
      reason: `square-off of 40 SBIN-EQ INTRADAY requested by ${ADMIN.email}`,
    });
    // Tagged from the same sequence as every order Tandem sends.
    expect(placed[0]!.orderTag).toMatch(/^T[0-9a-z]{4}[0-9A-Z]+$/);
    await untilFilled(placed);
    expect(await positions(ids.f1)).toEqual(new Map());

    const before = await orderCount({ accountId: ids.f1 });
    expect(await squareOff(ids.f1)).toEqual([]);
    expect(await orderCount({ accountId: ids.f1 })).toBe(before);

    const entries = await em().find(AuditEntry, { action: 'account.squareOff', entityId: ids.f1 });
    expect(entries).toHaveLength(1);
    expect(entries[0]!.after).toMatchObject({ closing: [{ symbol: 'SBIN-EQ', side: 'SELL', quantity: 40, orders: 1 }] });
    const alerts = await em().find(AlertDelivery, { kind: 'square_off' });
    expect(alerts.map((a) => a.payload.text)).toEqual([`square-off of 1 position on Follower x1 requested by ${ADMIN.email}`]);
  });

  it('returns nothing while the first square-off is still on its way', async () => {
    await placeOnMaster('SBIN-EQ', 'BUY', 10);
    // The first one's order waits at the broker (as if the market were slow): a second call must not close again.
    const f1 = await server.account('DEMO-F1');
    let hold: (() => void) | null = null;
    const held = new Promise<void>((resolve) => {
      hold = resolve;
    });
    server.tandem.services.brokers.wrap(f1, (inner) =>
      overriding(inner, {
        async placeOrder(request) {
          await held;
          return inner.placeOrder(request);
        },
      }),
    );
    const first = squareOff(ids.f1);
    await waitFor(
      async () => (await orderCount({ accountId: ids.f1, origin: 'square-off', status: 'SENT' })) === 1,
      5_000,
      'a SENT square-off',
    );
    expect(await (await anotherInstance()).squareOff(ids.f1)).toEqual([]);
    hold!();
    const placed = await first;
    expect(placed).toMatchObject([{ side: 'SELL', quantity: 10 }]);
    await untilFilled(placed);
    expect(await squareOff(ids.f1)).toEqual([]);
    expect(await positions(ids.f1)).toEqual(new Map());
  });

  it('closes only the symbol asked for (any case), and works while kill switches are engaged', async () => {
    await placeOnMaster('INFY-EQ', 'BUY', 8);
    // F2 holds SBIN-EQ 125 (40 and 10 at x2.5) and INFY-EQ 20.
    expect(await positions(ids.f2)).toEqual(
      new Map([
        ['INFY-EQ INTRADAY', 20],
        ['SBIN-EQ INTRADAY', 125],
      ]),
    );
    const engage = (accountId: string | null, engaged: boolean) =>
      server.gql(
        'mutation($id: ID, $on: Boolean!) { setKillSwitch(accountId: $id, engaged: $on) { engaged } }',
        { id: accountId, on: engaged },
        token,
      );
    ok(await engage(ids.f2, true));
    ok(await engage(null, true));
    try {
      const refused = await server.gql(
        PLACE,
        {
          i: {
            accountId: ids.f2,
            exchange: 'NSE',
            symbol: 'SBIN-EQ',
            side: 'SELL',
            quantity: 1,
            orderType: 'MARKET',
            productType: 'INTRADAY',
          },
        },
        token,
      );
      expect(refused.errors?.[0]?.extensions?.code).toBe('KILL_SWITCH');
      const placed = await squareOff(ids.f2, { symbol: 'sbin-eq', product: 'INTRADAY' });
      expect(placed).toMatchObject([{ symbol: 'SBIN-EQ', side: 'SELL', quantity: 125 }]);
      await untilFilled(placed);
    } finally {
      ok(await engage(null, false));
      ok(await engage(ids.f2, false));
    }
    expect(await positions(ids.f2)).toEqual(new Map([['INFY-EQ INTRADAY', 20]]));
    expect(await squareOff(ids.f2, { symbol: 'SBIN-EQ' })).toEqual([]);
  });

  it('squares off every follower once, and the master without copying its square-off', async () => {
    await placeOnMaster('TCS-EQ', 'BUY', 6);
    const expected = new Map([
      [
        ids.f1,
        [
          ['INFY-EQ', 'SELL', 8],
          ['TCS-EQ', 'SELL', 6],
        ],
      ],
      [
        ids.f2,
        [
          ['INFY-EQ', 'SELL', 20],
          ['TCS-EQ', 'SELL', 15],
        ],
      ],
      // The reverse follower is short everything the master bought.
      [
        ids.f3,
        [
          ['INFY-EQ', 'BUY', 8],
          ['SBIN-EQ', 'BUY', 50],
          ['TCS-EQ', 'BUY', 6],
        ],
      ],
      [
        ids.master,
        [
          ['INFY-EQ', 'SELL', 8],
          ['SBIN-EQ', 'SELL', 50],
          ['TCS-EQ', 'SELL', 6],
        ],
      ],
    ]);
    const children = await orderCount({ masterOrderId: { $ne: null } });
    const all = await orderCount();

    const placed = ok(
      await server.gql<{ squareOffFollowers: SquareOffOrder[] }>(SQUARE_OFF_FOLLOWERS, { id: ids.master, includeMaster: true }, token),
    ).squareOffFollowers;
    const byAccount = new Map<string, [string, string, number][]>();
    for (const order of placed)
      byAccount.set(order.accountId, [...(byAccount.get(order.accountId) ?? []), [order.symbol, order.side, order.quantity]]);
    for (const list of byAccount.values()) list.sort((a, b) => a[0].localeCompare(b[0]));
    expect(byAccount).toEqual(expected);
    expect(placed.every((order) => order.masterOrderId === null && order.orderType === 'MARKET')).toBe(true);
    await untilFilled(placed);
    for (const accountId of [ids.master, ids.f1, ids.f2, ids.f3]) expect(await positions(accountId), accountId).toEqual(new Map());

    // Whatever the replicator does with the master's square-off orders, it does now.
    await server.tandem.engine.idle();
    await new Promise((resolve) => setTimeout(resolve, 300));
    await server.tandem.engine.idle();
    expect(await orderCount({ masterOrderId: { $ne: null } })).toBe(children);
    expect(await orderCount()).toBe(all + placed.length);
    for (const order of placed.filter((o) => o.accountId === ids.master)) {
      expect(await orderCount({ masterOrderId: order.id })).toBe(0);
    }

    const again = ok(
      await server.gql<{ squareOffFollowers: SquareOffOrder[] }>(SQUARE_OFF_FOLLOWERS, { id: ids.master, includeMaster: true }, token),
    ).squareOffFollowers;
    expect(again).toEqual([]);
    expect(await orderCount()).toBe(all + placed.length);
    // One alert for the call, none for the repeat that closed nothing.
    const alerts = await em().find(AlertDelivery, { kind: 'square_off' }, { orderBy: { createdAt: 'desc' } });
    expect(alerts[0]!.payload.text).toBe(
      `square-off of 10 positions on the followers of Demo master and the master requested by ${ADMIN.email}`,
    );
    expect(alerts.filter((a) => String(a.payload.text).includes('followers of'))).toHaveLength(1);
  });

  it('places one set of orders when two square-offs of one account run at once, on this instance or two', async () => {
    const f1 = await server.account('DEMO-F1');
    // Each pair reads the positions together (the later one waits up to a second for the other),
    // so neither has recorded anything when both decide what to close.
    let arrived = 0;
    let together = gate();
    server.tandem.services.brokers.wrap(f1, (inner) =>
      overriding(inner, {
        async positions() {
          arrived += 1;
          if (arrived % 2 === 0) together.resolve();
          await Promise.race([together.promise, new Promise((resolve) => setTimeout(resolve, 1_000))]);
          return inner.positions();
        },
      }),
    );
    const elsewhere = await anotherInstance();
    for (const pair of [() => [squareOff(ids.f1), squareOff(ids.f1)], () => [squareOff(ids.f1), elsewhere.squareOff(ids.f1)]]) {
      await placeOnMaster('SBIN-EQ', 'BUY', 12);
      const before = await orderCount({ accountId: ids.f1 });
      arrived = 0;
      together = gate();
      const placed = (await Promise.all(pair())).flat();
      expect(placed).toMatchObject([{ symbol: 'SBIN-EQ', side: 'SELL', quantity: 12 }]);
      expect(await orderCount({ accountId: ids.f1 })).toBe(before + 1);
      await untilFilled(placed);
      expect(await positions(ids.f1)).toEqual(new Map());
    }
  });

  it("records the broker's refusal on a FAILED order, and a position it cannot close on a SKIPPED one", async () => {
    const code = `SQ-${Date.now().toString(36).toUpperCase()}`;
    const accountId = ok(
      await server.gql<{ createAccount: { id: string } }>(
        'mutation($i: CreateAccountInput!) { createAccount(input: $i) { id } }',
        { i: { label: code, broker: 'PAPER', role: 'FOLLOWER', clientCode: code } },
        token,
      ),
    ).createAccount.id;
    const own = ok(
      await server.gql<{ placeOrder: { id: string } }>(
        PLACE,
        { i: { accountId, exchange: 'NSE', symbol: 'SBIN-EQ', side: 'BUY', quantity: 5, orderType: 'MARKET', productType: 'INTRADAY' } },
        token,
      ),
    ).placeOrder;
    await untilFilled([own]);
    const account = await server.account(code);
    let refusing = true;
    server.tandem.services.brokers.wrap(account, (inner) =>
      overriding(inner, {
        async placeOrder(request) {
          if (refusing) throw new BrokerCallError('rejected', 'RMS: square-off refused for this test');
          return inner.placeOrder(request);
        },
      }),
    );
    const refused = await squareOff(accountId);
    expect(refused).toMatchObject([{ side: 'SELL', quantity: 5, status: 'FAILED', reason: 'RMS: square-off refused for this test' }]);
    // Nothing left: a FAILED order closes nothing, so the next square-off tries again.
    refusing = false;
    const placed = await squareOff(accountId);
    expect(placed).toMatchObject([{ side: 'SELL', quantity: 5 }]);
    await untilFilled(placed);

    // A position on an instrument Tandem does not know, as Tandem's record has it (the broker cannot be asked).
    const now = new Date();
    const fork = em();
    fork.create(Order, {
      accountId,
      exchange: 'NSE',
      symbol: 'NOPE-EQ',
      token: '999999',
      side: 'BUY',
      quantity: 3,
      filledQuantity: 3,
      averagePrice: 10_000,
      orderType: 'MARKET',
      productType: 'INTRADAY',
      status: 'FILLED',
      origin: 'api',
      createdAt: now,
      updatedAt: now,
    });
    await fork.flush();
    await fork.nativeUpdate('Account', { id: accountId }, { status: 'AUTH_FAILED' });
    const skipped = await squareOff(accountId, { symbol: 'NOPE-EQ' });
    expect(skipped).toMatchObject([{ symbol: 'NOPE-EQ', side: 'SELL', quantity: 3, status: 'SKIPPED' }]);
    expect(skipped[0]!.reason).toContain(
      "square-off of 3 NOPE-EQ INTRADAY requested by admin@test.local: not placed: NSE NOPE-EQ (token 999999) is not in Tandem's instrument list",
    );
  });

  it('refuses a CLIENT and a token without ORDERS_WRITE', async () => {
    const client = await signUp(server, token, 'client@square-off.test', 'CLIENT');
    const asClient = await server.gql(SQUARE_OFF, { id: ids.f1 }, client.token);
    expect(asClient.errors?.[0]?.extensions).toMatchObject({ code: 'FORBIDDEN', requiredRole: 'TRADER' });
    const readOnly = ok(
      await server.gql<{ createApiToken: { token: string } }>(
        'mutation { createApiToken(name: "read only", scopes: [ORDERS_READ, ACCOUNTS_READ, ACCOUNTS_WRITE]) { token } }',
        {},
        token,
      ),
    ).createApiToken.token;
    for (const [query, variables] of [
      [SQUARE_OFF, { id: ids.f1 }],
      [SQUARE_OFF_FOLLOWERS, { id: ids.master }],
    ] as const) {
      const answer = await server.gql(query, variables, readOnly);
      expect(answer.errors?.[0]?.extensions).toMatchObject({ code: 'FORBIDDEN', requiredScope: 'ORDERS_WRITE' });
    }
  });

  /** Another instance's square-off service: its own per-account queue, so only the database keeps the two apart. */
  async function anotherInstance(): Promise<{ squareOff(accountId: string): Promise<Order[]> }> {
    const service = new SquareOffService(server.tandem.services, {
      installId: server.tandem.orders.installId,
      send: (order, account) => server.tandem.orders.sendRecorded(order, account),
    });
    const userId = ok(await server.gql<{ me: { id: string } }>('{ me { id } }', {}, token)).me.id;
    const viewer: Viewer = { userId, role: 'ADMIN', scopes: null, apiTokenId: null, apiTokenName: null, expiresAt: null };
    return { squareOff: (accountId) => service.squareOff(viewer, accountId, {}) };
  }
});

/** A promise and the function that resolves it. */
function gate(): { promise: Promise<void>; resolve: () => void } {
  let resolve!: () => void;
  const promise = new Promise<void>((done) => {
    resolve = done;
  });
  return { promise, resolve };
}

/** A broker that behaves like `inner` except where `overrides` says. */
function overriding(inner: Broker, overrides: Partial<Pick<Broker, 'placeOrder' | 'positions'>>): Broker {
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
