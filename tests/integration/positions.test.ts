// Positions per account as a trader reads them: the broker's word (the paper exchange's book,
// SmartAPI's getPosition and getHolding from the simulator running as its own process), orders
// placed behind Tandem's back included, Tandem's own count beside it, and Tandem's record,
// marked and dated, when the broker cannot be asked.
import { generate } from 'otplib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BrokerOrderRequest } from '../../server/src/brokers/port.ts';
import { Account } from '../../server/src/persistence/entities/account.entity.ts';
import { Order } from '../../server/src/persistence/entities/order.entity.ts';
import { PaperOrder } from '../../server/src/persistence/entities/paper-order.entity.ts';
import { positionMismatches } from '../../server/src/services/positions.ts';
import type { SimAccountInput } from '../../sim/smartapi/types.ts';
import { expectCode, ok } from '../support/gql.ts';
import { startTestServer, waitFor, type TestServer } from '../support/harness.ts';
import { startSimProcess, type SimProcess } from '../support/smartapi-sim-process.ts';

const SBIN = { exchange: 'NSE', symbol: 'SBIN-EQ', token: '3045' };
/** No random walk: paper prices move only when a test moves them. */
const FROZEN_WALK = { PAPER_TICK_MS: String(60 * 60_000) };

interface PositionView {
  exchange: string;
  symbol: string;
  productType: string;
  quantity: number;
  holdingQuantity: number;
  averagePrice: number | null;
  lastPrice: number | null;
  realisedPnl: number;
  unrealisedPnl: number | null;
  source: 'BROKER' | 'TANDEM';
  asOf: string;
  tandemQuantity: number | null;
  mismatch: boolean;
  account: { id: string };
}

const POSITIONS = `query($id: ID!) { positions(accountId: $id) {
  exchange symbol productType quantity holdingQuantity averagePrice lastPrice realisedPnl unrealisedPnl
  source asOf tandemQuantity mismatch account { id } } }`;
const CREATE_ACCOUNT = 'mutation($i: CreateAccountInput!) { createAccount(input: $i) { id } }';
const PLACE = 'mutation($i: PlaceOrderInput!) { placeOrder(input: $i) { id } }';

async function positionsOf(server: TestServer, token: string, accountId: string): Promise<PositionView[]> {
  return ok(await server.gql<{ positions: PositionView[] }>(POSITIONS, { id: accountId }, token)).positions;
}

const row = (positions: PositionView[], productType = 'INTRADAY') => positions.find((p) => p.productType === productType);

/** Places a market order through Tandem and waits until it has filled. */
async function placeFilled(
  server: TestServer,
  token: string,
  accountId: string,
  order: { side: 'BUY' | 'SELL'; quantity: number; productType?: string },
): Promise<Order> {
  const { placeOrder } = ok(
    await server.gql<{ placeOrder: { id: string } }>(
      PLACE,
      { i: { accountId, exchange: SBIN.exchange, symbol: SBIN.symbol, orderType: 'MARKET', productType: 'INTRADAY', ...order } },
      token,
    ),
  );
  return waitFor(
    async () => {
      const row = await server.tandem.services.orm.em.fork().findOneOrFail(Order, { id: placeOrder.id });
      if (['REJECTED', 'FAILED', 'CANCELLED'].includes(row.status)) throw new Error(`order ${row.id} ${row.status}: ${row.reason}`);
      return row.status === 'FILLED' ? row : undefined;
    },
    20_000,
    `${order.side} ${order.quantity} to fill`,
  );
}

describe('positions at the paper exchange', () => {
  let server: TestServer;
  let token: string;
  let traderId: string;
  let followerId: string;

  const paperAccount = async (clientCode: string, role: 'MASTER' | 'FOLLOWER') =>
    ok(
      await server.gql<{ createAccount: { id: string } }>(
        CREATE_ACCOUNT,
        { i: { label: clientCode, broker: 'PAPER', role, clientCode } },
        token,
      ),
    ).createAccount.id;

  /** An order at the paper exchange itself, as the broker's own app would place it: Tandem never sees it placed. */
  const behindTandem = (clientCode: string, request: Partial<BrokerOrderRequest>) =>
    server.tandem.paper.broker(clientCode).placeOrder({
      ...SBIN,
      side: 'BUY',
      quantity: 1,
      orderType: 'MARKET',
      productType: 'INTRADAY',
      variety: 'NORMAL',
      price: null,
      triggerPrice: null,
      orderTag: '',
      ...request,
    });

  beforeAll(async () => {
    server = await startTestServer({ env: FROZEN_WALK });
    token = await server.login();
    // Accounts of their own, with no links: nothing here is copied anywhere.
    traderId = await paperAccount('POS-TRADER', 'MASTER');
    followerId = await paperAccount('POS-FOLLOWER', 'FOLLOWER');
  });
  afterAll(async () => {
    await server?.close();
  });

  it("matches the paper book: quantity, FIFO average and today's realised P&L after a partial exit", async () => {
    await server.tandem.paper.setPrice(SBIN.token, 1000_00);
    await placeFilled(server, token, traderId, { side: 'BUY', quantity: 10 });
    await server.tandem.paper.setPrice(SBIN.token, 1020_00);
    await placeFilled(server, token, traderId, { side: 'BUY', quantity: 10 });
    await server.tandem.paper.setPrice(SBIN.token, 1030_00);
    await placeFilled(server, token, traderId, { side: 'SELL', quantity: 12 });
    await server.tandem.paper.setPrice(SBIN.token, 1035_50);

    // The paper exchange's own book, read apart from Tandem: what the position must add up to.
    const book = await server.tandem.services.orm.em
      .fork()
      .find(PaperOrder, { clientCode: 'POS-TRADER' }, { orderBy: { updatedAt: 'asc' } });
    expect(book.map((o) => [o.side, o.filledQuantity, o.averagePrice])).toEqual([
      ['BUY', 10, 1000_00],
      ['BUY', 10, 1020_00],
      ['SELL', 12, 1030_00],
    ]);

    const positions = await positionsOf(server, token, traderId);
    expect(positions).toHaveLength(1);
    expect(positions[0]).toMatchObject({
      ...{ exchange: 'NSE', symbol: 'SBIN-EQ', productType: 'INTRADAY' },
      quantity: 8,
      holdingQuantity: 0,
      // The first 10 at 1000 closed, then 2 of the 10 at 1020: 8 left at 1020.
      averagePrice: 1020,
      realisedPnl: 10 * 30 + 2 * 10,
      lastPrice: 1035.5,
      unrealisedPnl: 8 * 15.5,
      source: 'BROKER',
      tandemQuantity: 8,
      mismatch: false,
      account: { id: traderId },
    });
    expect(Date.now() - Date.parse(positions[0]!.asOf)).toBeLessThan(60_000);
  });

  it('counts orders placed at the exchange outside Tandem, and flags a difference above one lot', async () => {
    await server.tandem.paper.setPrice(SBIN.token, 1010_00);
    await placeFilled(server, token, followerId, { side: 'BUY', quantity: 5 });
    await behindTandem('POS-FOLLOWER', { quantity: 1 });
    await waitFor(async () => (await positionsOf(server, token, followerId))[0]?.quantity === 6, 10_000, 'the outside order to fill');
    // One lot of SBIN-EQ is one share: a difference of one is not a mismatch.
    expect(row(await positionsOf(server, token, followerId))).toMatchObject({ quantity: 6, tandemQuantity: 5, mismatch: false });
    const follower = await server.tandem.services.orm.em.fork().findOneOrFail(Account, { id: followerId });
    expect(await positionMismatches(server.tandem.services, follower)).toEqual([]);

    await behindTandem('POS-FOLLOWER', { quantity: 2 });
    await waitFor(async () => (await positionsOf(server, token, followerId))[0]?.quantity === 8, 10_000, 'the second outside order');
    expect(row(await positionsOf(server, token, followerId))).toMatchObject({
      quantity: 8,
      averagePrice: 1010,
      tandemQuantity: 5,
      mismatch: true,
      source: 'BROKER',
    });
    const mismatches = await positionMismatches(server.tandem.services, follower);
    expect(mismatches.map((m) => [m.symbol, m.productType, m.quantity, m.tandemQuantity])).toEqual([['SBIN-EQ', 'INTRADAY', 8, 5]]);
  });

  it("shows Tandem's record, marked TANDEM and dated by its newest fill, when the broker fails", async () => {
    const trader = await server.tandem.services.orm.em.fork().findOneOrFail(Account, { id: traderId });
    const newestFill = (
      await server.tandem.services.orm.em.fork().find(Order, { accountId: traderId }, { orderBy: { updatedAt: 'desc' } })
    )[0]!;
    server.tandem.services.brokers.wrap(trader, (inner) => ({
      clientCode: inner.clientCode,
      placeOrder: (request) => inner.placeOrder(request),
      modifyOrder: (id, changes) => inner.modifyOrder(id, changes),
      cancelOrder: (id) => inner.cancelOrder(id),
      orderBook: () => inner.orderBook(),
      findOrderByTag: (tag) => inner.findOrderByTag(tag),
      positions: async () => {
        throw new Error('the paper exchange is down');
      },
    }));
    const positions = await positionsOf(server, token, traderId);
    expect(positions).toEqual([
      expect.objectContaining({
        symbol: 'SBIN-EQ',
        productType: 'INTRADAY',
        quantity: 8,
        averagePrice: 1020,
        realisedPnl: 320,
        source: 'TANDEM',
        asOf: newestFill.updatedAt.toISOString(),
        tandemQuantity: null,
        mismatch: false,
      }),
    ]);
  });

  it('answers NOT_FOUND for an account the viewer may not see', async () => {
    ok(
      await server.gql(
        'mutation { createUser(email: "client@positions.test", password: "a-long-password-1", role: CLIENT) { id } }',
        {},
        token,
      ),
    );
    const client = await server.login('client@positions.test', 'a-long-password-1');
    expectCode(await server.gql(POSITIONS, { id: traderId }, client), 'NOT_FOUND', 'accountId');
  });
});

const ANGEL: SimAccountInput = { clientcode: 'P500', pin: '5555', totpSecret: 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP', apiKey: 'key-p500' };

/** getPosition as the account's owner sees it at the simulator, logged in with their own TOTP. */
async function simPositions(sim: SimProcess): Promise<Record<string, string>[]> {
  const headers = {
    'Content-Type': 'application/json',
    Accept: 'application/json',
    'X-UserType': 'USER',
    'X-SourceID': 'WEB',
    'X-ClientLocalIP': '127.0.0.1',
    'X-ClientPublicIP': '127.0.0.1',
    'X-MACAddress': '00:00:00:00:00:00',
    'X-PrivateKey': ANGEL.apiKey!,
  };
  // Tandem calls under the same client code's 1/s limits: a refused call waits its turn.
  const answer = async (path: string, init: RequestInit): Promise<{ data: unknown }> =>
    waitFor(
      async () => {
        const response = await fetch(`${sim.url}${path}`, init);
        if (response.status === 403) return undefined;
        return (await response.json()) as { data: unknown };
      },
      10_000,
      `${path} within the rate limit`,
    );
  const login = await answer('/rest/auth/angelbroking/user/v1/loginByPassword', {
    method: 'POST',
    headers,
    body: JSON.stringify({ clientcode: ANGEL.clientcode, password: ANGEL.pin, totp: await generate({ secret: ANGEL.totpSecret }) }),
  });
  const { jwtToken } = login.data as { jwtToken: string };
  const book = await answer('/rest/secure/angelbroking/order/v1/getPosition', {
    headers: { ...headers, Authorization: `Bearer ${jwtToken}` },
  });
  return (book.data as Record<string, string>[] | null) ?? [];
}

describe('positions at SmartAPI, against the simulator process', () => {
  let sim: SimProcess;
  let server: TestServer;
  let token: string;
  let accountId: string;

  const admin = async (path: string, body: unknown) => {
    const response = await fetch(`${sim.url}/__sim/${path}`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(body),
    });
    expect(response.ok, await response.clone().text()).toBe(true);
  };

  beforeAll(async () => {
    sim = await startSimProcess({ accounts: [ANGEL], instruments: { [SBIN.token]: { price: '800.00' } } });
    server = await startTestServer({ env: { SMARTAPI_ROOT_URL: sim.url, SMARTAPI_ORDER_WS_URL: sim.wsUrl } });
    token = await server.login();
    accountId = ok(
      await server.gql<{ createAccount: { id: string } }>(
        CREATE_ACCOUNT,
        {
          i: {
            label: 'Angel P500',
            broker: 'SMARTAPI',
            role: 'MASTER',
            clientCode: ANGEL.clientcode,
            credentials: { apiKey: ANGEL.apiKey, pin: ANGEL.pin, totpSecret: ANGEL.totpSecret },
          },
        },
        token,
      ),
    ).createAccount.id;
    await waitFor(
      async () => {
        const account = await server.tandem.services.orm.em.fork().findOneOrFail(Account, { id: accountId });
        return account.status === 'CONNECTED' && account.statusReason?.includes('order updates live');
      },
      20_000,
      'the SmartAPI account to connect',
    );
    // 20 SBIN-EQ bought before the simulator started: a holding Tandem never saw placed.
    await admin('holdings', { clientcode: ANGEL.clientcode, token: SBIN.token, symbol: SBIN.symbol, quantity: 20, price: '790.50' });
  }, 60_000);
  afterAll(async () => {
    await server?.close();
    await sim?.stop();
  });

  it("matches the simulator's getPosition, and adds the holdings getHolding reports to DELIVERY", async () => {
    await placeFilled(server, token, accountId, { side: 'BUY', quantity: 10 });
    await admin('price', { token: SBIN.token, price: '812.00' });
    await placeFilled(server, token, accountId, { side: 'SELL', quantity: 4 });
    await placeFilled(server, token, accountId, { side: 'BUY', quantity: 5, productType: 'DELIVERY' });
    await admin('price', { token: SBIN.token, price: '815.25' });

    const atSim = await simPositions(sim);
    const positions = await positionsOf(server, token, accountId);
    expect(positions.map((p) => [p.productType, p.source])).toEqual([
      ['DELIVERY', 'BROKER'],
      ['INTRADAY', 'BROKER'],
    ]);

    const intraday = atSim.find((p) => p.producttype === 'INTRADAY')!;
    expect(intraday).toMatchObject({ netqty: '6', buyavgprice: '800.00', sellavgprice: '812.00', realised: '48.00', ltp: '815.25' });
    expect(row(positions)).toMatchObject({
      quantity: Number(intraday.netqty),
      holdingQuantity: 0,
      averagePrice: Number(intraday.buyavgprice),
      realisedPnl: Number(intraday.realised),
      lastPrice: Number(intraday.ltp),
      unrealisedPnl: 6 * 15.25,
      tandemQuantity: 6,
      mismatch: false,
    });

    // The day's 5 bought at 812 on top of the 20 held at 790.50 since before the simulator started.
    const delivery = atSim.find((p) => p.producttype === 'DELIVERY')!;
    expect(delivery).toMatchObject({ netqty: '5', buyavgprice: '812.00' });
    expect(row(positions, 'DELIVERY')).toMatchObject({
      quantity: 20 + Number(delivery.netqty),
      holdingQuantity: 20,
      averagePrice: Math.round(((20 * 790.5 + 5 * 812) * 100) / 25) / 100,
      realisedPnl: 0,
      lastPrice: 815.25,
      // Tandem saw only the 5 it placed: the holding it never saw is a mismatch to show.
      tandemQuantity: 5,
      mismatch: true,
    });
  });

  it("shows Tandem's record when the broker does not answer in time", async () => {
    await admin('faults', { latencyMs: 8_000, latencyRoutes: ['getPosition', 'getHolding'] });
    try {
      const started = Date.now();
      const positions = await positionsOf(server, token, accountId);
      expect(Date.now() - started).toBeLessThan(7_500);
      expect(positions.map((p) => [p.productType, p.source, p.quantity, p.tandemQuantity])).toEqual([
        ['DELIVERY', 'TANDEM', 5, null],
        ['INTRADAY', 'TANDEM', 6, null],
      ]);
    } finally {
      await admin('faults', { reset: true });
    }
  }, 30_000);

  it("shows Tandem's record, dated by the newest fill of each row, when the simulator is gone", async () => {
    const orders = await server.tandem.services.orm.em.fork().find(Order, { accountId }, { orderBy: { updatedAt: 'asc' } });
    const newest = (productType: string) =>
      orders
        .filter((o) => o.productType === productType)
        .at(-1)!
        .updatedAt.toISOString();
    await sim.stop();

    const positions = await positionsOf(server, token, accountId);
    expect(positions).toEqual([
      expect.objectContaining({ productType: 'DELIVERY', quantity: 5, holdingQuantity: 0, averagePrice: 812, source: 'TANDEM' }),
      expect.objectContaining({ productType: 'INTRADAY', quantity: 6, averagePrice: 800, realisedPnl: 48, source: 'TANDEM' }),
    ]);
    expect(positions.map((p) => p.asOf)).toEqual([newest('DELIVERY'), newest('INTRADAY')]);
    expect(positions.every((p) => p.tandemQuantity === null && !p.mismatch)).toBe(true);
  }, 30_000);
});
