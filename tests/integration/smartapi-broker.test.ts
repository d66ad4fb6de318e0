import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../server/src/core/clock.ts';
import type { AccountStatusMessage } from '../../server/src/events/pubsub.ts';
import { Account } from '../../server/src/persistence/entities/account.entity.ts';
import { OrderEvent } from '../../server/src/persistence/entities/order-event.entity.ts';
import { Order } from '../../server/src/persistence/entities/order.entity.ts';
import { createSmartApiSim, type SmartApiSim } from '../../sim/smartapi/index.ts';
import type { SimAccountInput } from '../../sim/smartapi/types.ts';
import { startTestServer, waitFor, type TestServer } from '../support/harness.ts';
import { settledChildRows } from '../support/orders.ts';
import { AngelApp } from '../support/smartapi-app.ts';

const MASTER: SimAccountInput = { clientcode: 'M100', pin: '1111', totpSecret: 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP', apiKey: 'key-master' };
const FOLLOWER: SimAccountInput = {
  clientcode: 'F200',
  pin: '2222',
  totpSecret: 'KRSXG5CTMVRXEZLUKRSXG5CTMVRXEZLU',
  apiKey: 'key-follower',
};
const WRONG_TOTP: SimAccountInput = {
  clientcode: 'W300',
  pin: '3333',
  totpSecret: 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ',
  apiKey: 'key-wrong',
};
const SBIN = '3045';
// Paper prices stay where they start, so resting limits rest on both exchanges.
const FROZEN_WALK = { PAPER_TICK_MS: String(60 * 60_000) };

const CREATE_ACCOUNT = `mutation($i: CreateAccountInput!) { createAccount(input: $i) { id status statusReason } }`;
const CREATE_MULTIPLIER = `mutation($i: CreateMultiplierInput!) { createMultiplier(input: $i) { id } }`;
const CONNECT = `mutation($id: ID!) { connectAccount(id: $id) { id status statusReason } }`;
const UPDATE_ACCOUNT = `mutation($id: ID!, $i: UpdateAccountInput!) { updateAccount(id: $id, input: $i) { id } }`;
const PLACE = `mutation($i: PlaceOrderInput!) { placeOrder(input: $i) { id status } }`;

const credentials = (account: SimAccountInput, totpSecret = account.totpSecret) => ({
  apiKey: account.apiKey!,
  pin: account.pin,
  totpSecret,
});

/** One Tandem beside one simulator, with a SmartAPI master copied x2 to a SmartAPI follower and x1 to a paper one. */
async function tradingDesk(server: TestServer, token: string) {
  const create = async (account: SimAccountInput, role: 'MASTER' | 'FOLLOWER') => {
    const created = await server.gql<{ createAccount: { id: string } }>(
      CREATE_ACCOUNT,
      { i: { label: account.clientcode, broker: 'SMARTAPI', role, clientCode: account.clientcode, credentials: credentials(account) } },
      token,
    );
    expect(created.errors).toBeUndefined();
    return created.data!.createAccount.id;
  };
  const masterId = await create(MASTER, 'MASTER');
  const followerId = await create(FOLLOWER, 'FOLLOWER');
  const paperId = (await server.account('DEMO-F1')).id;
  for (const [follower, factor] of [
    [followerId, 2],
    [paperId, 1],
  ] as const) {
    const linked = await server.gql(CREATE_MULTIPLIER, { i: { masterId, followerId: follower, factor } }, token);
    expect(linked.errors).toBeUndefined();
  }
  for (const id of [masterId, followerId]) {
    await waitFor(
      async () => {
        const account = await server.tandem.services.orm.em.fork().findOneOrFail(Account, { id });
        return account.status === 'CONNECTED' && account.statusReason?.includes('order updates live');
      },
      20_000,
      'SmartAPI accounts to connect',
    );
  }
  return { masterId, followerId, paperId };
}

const em = (server: TestServer) => server.tandem.services.orm.em.fork();

async function masterOf(server: TestServer, masterId: string, brokerOrderId: string): Promise<Order> {
  return waitFor(
    () =>
      em(server)
        .findOne(Order, { accountId: masterId, brokerOrderId })
        .then((o) => o ?? undefined),
    20_000,
    `master ${brokerOrderId} to be detected`,
  );
}

/** A master order's copies (one per follower of the desk, unless told) once settled. */
const settledCopies = (server: TestServer, masterOrderId: string, count = 2) =>
  settledChildRows(server, masterOrderId, { count, timeoutMs: 30_000 });

const childOf = (children: Order[], accountId: string) => children.find((c) => c.accountId === accountId)!;

describe('SmartAPI broker against the simulator over real sockets', () => {
  let sim: SmartApiSim;
  let server: TestServer;
  let token: string;
  let desk: Awaited<ReturnType<typeof tradingDesk>>;
  let app: AngelApp;
  const statuses: AccountStatusMessage[] = [];

  beforeAll(async () => {
    sim = await createSmartApiSim({ accounts: [MASTER, FOLLOWER, WRONG_TOTP], instruments: { [SBIN]: { pricePaise: 1010_00 } } });
    server = await startTestServer({
      env: { ...FROZEN_WALK, SMARTAPI_ROOT_URL: sim.url, SMARTAPI_ORDER_WS_URL: sim.wsUrl },
      reconcileRecheckMs: 1000,
    });
    await server.tandem.services.pubsub.subscribe('accountStatus', (message) => void statuses.push(message));
    token = await server.login();
    desk = await tradingDesk(server, token);
    app = new AngelApp(sim, MASTER);
  });
  afterAll(async () => {
    await server?.close();
    await sim?.close();
  });

  it('copies a master order pushed on the order socket to the SmartAPI and the paper follower', async () => {
    const placed = await app.place({ quantity: '5', ordertag: 'app-socket' });
    const master = await masterOf(server, desk.masterId, placed.orderid);
    const children = await settledCopies(server, master.id);
    expect(childOf(children, desk.followerId)).toMatchObject({ side: 'BUY', quantity: 10, status: 'FILLED', filledQuantity: 10 });
    expect(childOf(children, desk.paperId)).toMatchObject({ side: 'BUY', quantity: 5, status: 'FILLED', filledQuantity: 5 });
    const atBroker = sim.orders.list('F200').filter((o) => o.ordertag === childOf(children, desk.followerId).orderTag);
    expect(atBroker).toHaveLength(1);
    expect(atBroker[0]).toMatchObject({ status: 'complete', quantity: 10, variety: 'NORMAL', producttype: 'INTRADAY' });
    expect(childOf(children, desk.followerId).brokerOrderId).toBe(atBroker[0]!.orderid);
  });

  it('finds orders the socket missed (frozen, then dropped) with the order-book poll and copies each exactly once', async () => {
    sim.faults.freezeSockets('M100');
    const frozen = await app.place({ quantity: '3', ordertag: 'app-frozen' });
    const frozenMaster = await masterOf(server, desk.masterId, frozen.orderid);
    sim.faults.freezeSockets('M100', false);

    sim.faults.dropSockets('M100');
    const dropped = await app.place({ quantity: '4', ordertag: 'app-dropped' });
    const droppedMaster = await masterOf(server, desk.masterId, dropped.orderid);

    for (const [master, quantity] of [
      [frozenMaster, 3],
      [droppedMaster, 4],
    ] as const) {
      const children = await settledCopies(server, master.id);
      const smartApiChild = childOf(children, desk.followerId);
      expect(smartApiChild).toMatchObject({ quantity: quantity * 2, status: 'FILLED' });
      expect(childOf(children, desk.paperId)).toMatchObject({ quantity, status: 'FILLED' });
      expect(sim.orders.list('F200').filter((o) => o.ordertag === smartApiChild.orderTag)).toHaveLength(1);
      expect(await em(server).count(Order, { accountId: desk.masterId, brokerOrderId: master.brokerOrderId })).toBe(1);
    }
    await waitFor(
      async () => (await em(server).findOneOrFail(Account, { id: desk.masterId })).statusReason?.includes('order updates live'),
      20_000,
      'the master socket to reconnect',
    );
  });

  it('carries a master modification and cancellation to both followers', async () => {
    const placed = await app.place({ ordertype: 'LIMIT', price: '950.00', quantity: '3', ordertag: 'app-limit' });
    const master = await masterOf(server, desk.masterId, placed.orderid);
    const open = await waitFor(
      async () => {
        const children = await em(server).find(Order, { masterOrderId: master.id });
        return children.length === 2 && children.every((c) => c.status === 'OPEN') ? children : undefined;
      },
      20_000,
      'children to rest',
    );
    expect(childOf(open, desk.followerId)).toMatchObject({ orderType: 'LIMIT', price: 950_00, quantity: 6 });

    await app.modify(placed.orderid, {
      ordertype: 'LIMIT',
      producttype: 'INTRADAY',
      price: '955.50',
      quantity: '3',
      tradingsymbol: 'SBIN-EQ',
      symboltoken: SBIN,
      exchange: 'NSE',
    });
    await waitFor(
      async () => {
        const children = await em(server).find(Order, { masterOrderId: master.id });
        return children.every((c) => c.price === 955_50) || undefined;
      },
      20_000,
      'children to follow the modification',
    );
    const followerChild = childOf(open, desk.followerId);
    expect(sim.orders.get(followerChild.brokerOrderId!)).toMatchObject({ pricePaise: 955_50, quantity: 6, status: 'modified' });

    await app.cancel(placed.orderid);
    const children = await settledCopies(server, master.id);
    expect(children.map((c) => c.status)).toEqual(['CANCELLED', 'CANCELLED']);
    expect(sim.orders.get(followerChild.brokerOrderId!)).toMatchObject({ status: 'cancelled' });
  });

  it('logs in again when the session expires mid-day, and loses no copy', async () => {
    const loginsBefore = sim.counters().requests.loginByPassword;
    statuses.length = 0;
    expect(sim.faults.expireSessions()).toBeGreaterThan(0);
    // The follower's socket drops too: reopening it with the dead session is refused (403).
    sim.faults.dropSockets('F200');
    const placed = await app.place({ quantity: '2', ordertag: 'app-expired' });
    const master = await masterOf(server, desk.masterId, placed.orderid);
    const children = await settledCopies(server, master.id);
    const smartApiChild = childOf(children, desk.followerId);
    expect(smartApiChild).toMatchObject({ quantity: 4, status: 'FILLED' });
    expect(sim.orders.list('F200').filter((o) => o.ordertag === smartApiChild.orderTag)).toHaveLength(1);
    // The trader's app, the master and the follower each log in again.
    await waitFor(() => sim.counters().requests.loginByPassword - loginsBefore >= 3, 10_000, 'three logins');
    await waitFor(
      () => statuses.some((s) => s.accountId === desk.followerId && s.status === 'SESSION_EXPIRED'),
      10_000,
      'SESSION_EXPIRED to be published',
    );
    for (const id of [desk.masterId, desk.followerId]) {
      await waitFor(
        async () => {
          const account = await em(server).findOneOrFail(Account, { id });
          return account.status === 'CONNECTED' && account.statusReason?.includes('order updates live');
        },
        20_000,
        'accounts to be connected again, order socket included',
      );
    }
    expect(statuses.some((s) => s.accountId === desk.followerId && s.status === 'RECONNECTING')).toBe(true);
  });

  it('never duplicates a copy whose placeOrder answer is lost after the order was accepted', async () => {
    for (const [mode, tag] of [
      ['reset', 'app-reset'],
      ['hang', 'app-hang'],
    ] as const) {
      const unansweredBefore = sim.counters().unanswered.placeOrder;
      // The trader's own placement takes the first fault, the copy to F200 the second.
      sim.faults.timeoutAfterAccept(2, { mode, hangMs: 1500 });
      const placed = await app.place({ quantity: '1', ordertag: tag }, { lostAnswer: true });
      const master = await masterOf(server, desk.masterId, placed.orderid);
      const children = await settledCopies(server, master.id);
      const smartApiChild = childOf(children, desk.followerId);
      const atBroker = sim.orders.list('F200').filter((o) => o.ordertag === smartApiChild.orderTag);
      expect(atBroker).toHaveLength(1);
      expect(smartApiChild).toMatchObject({ status: 'FILLED', brokerOrderId: atBroker[0]!.orderid });
      expect(sim.counters().unanswered.placeOrder - unansweredBefore).toBe(2);
    }
  });

  it('copies a burst of 30 master orders within 9 order calls a second per client code, queueing the rest visibly', async () => {
    // A second of quiet first: the trader's own earlier orders count in Angel's window too.
    await new Promise((resolve) => setTimeout(resolve, 1100));
    const before = sim.counters();
    const place = async (accountId: string) => {
      const result = await server.gql<{ placeOrder: { id: string } }>(
        PLACE,
        { i: { accountId, exchange: 'NSE', symbol: 'SBIN-EQ', side: 'BUY', quantity: 1, orderType: 'MARKET', productType: 'INTRADAY' } },
        token,
      );
      expect(result.errors).toBeUndefined();
      return result.data!.placeOrder.id;
    };
    // 30 master orders at once, while the follower's own desk places 20 orders of its own.
    const [masterIds, ownIds] = await Promise.all([
      Promise.all(Array.from({ length: 30 }, () => place(desk.masterId))),
      Promise.all(Array.from({ length: 20 }, () => place(desk.followerId))),
    ]);
    const children = (await Promise.all(masterIds.map((id) => settledCopies(server, id)))).flat();
    const followerChildren = children.filter((c) => c.accountId === desk.followerId);
    expect(followerChildren.filter((c) => c.status === 'FILLED')).toHaveLength(30);
    expect(children.filter((c) => c.accountId === desk.paperId && c.status === 'FILLED')).toHaveLength(30);
    await waitFor(
      async () => (await em(server).count(Order, { id: { $in: ownIds }, status: 'FILLED' })) === 20,
      30_000,
      "the follower's own orders to fill",
    );

    const after = sim.counters();
    expect(after.rateLimited.placeOrder - before.rateLimited.placeOrder).toBe(0);
    expect(after.requests.placeOrder - before.requests.placeOrder).toBe(80);
    const tags = new Set(followerChildren.map((c) => c.orderTag));
    expect(sim.orders.list('F200').filter((o) => tags.has(o.ordertag))).toHaveLength(30);
    for (const clientcode of ['M100', 'F200']) {
      const times = sim.orders
        .list(clientcode)
        .map((o) => o.placedAt.getTime())
        .sort((a, b) => a - b);
      expect(Math.max(...times.map((t, i) => times.slice(i).filter((u) => u - t < 1000).length))).toBeLessThanOrEqual(9);
    }
    // More wanted out than nine a second: those that waited said so while they did.
    for (const [ids, label] of [
      [masterIds, 'M100'],
      [followerChildren.map((c) => c.id), 'F200'],
    ] as const) {
      const queued = await em(server).find(OrderEvent, { kind: 'QUEUED', orderId: { $in: [...ids] } });
      expect(queued.length).toBeGreaterThan(0);
      for (const event of queued) {
        expect(event.status).toBe('PENDING');
        expect(event.message).toMatch(new RegExp(`^queued \\d+ ms for ${label}'s broker rate limit$`));
      }
    }
  });

  it('reports a wrong TOTP secret as AUTH_FAILED in words a person can act on, and does not keep retrying', async () => {
    const created = await server.gql<{ createAccount: { id: string } }>(
      CREATE_ACCOUNT,
      {
        i: {
          label: 'Wrong TOTP',
          broker: 'SMARTAPI',
          role: 'FOLLOWER',
          clientCode: 'W300',
          credentials: credentials(WRONG_TOTP, 'MFRGGZDFMZTWQ2LKNNWG23TPOBYXE43U'),
        },
      },
      token,
    );
    expect(created.errors).toBeUndefined();
    const id = created.data!.createAccount.id;
    const connected = await server.gql<{ connectAccount: { id: string; status: string; statusReason: string | null } }>(
      CONNECT,
      { id },
      token,
    );
    expect(connected.errors).toBeUndefined();
    expect(connected.data!.connectAccount).toMatchObject({ status: 'AUTH_FAILED' });
    expect(connected.data!.connectAccount.statusReason).toMatch(/TOTP secret.*\(AB1050 Invalid totp\)/);
    expect(statuses.some((s) => s.accountId === id && s.status === 'AUTH_FAILED')).toBe(true);
    for (const secret of [WRONG_TOTP.pin, WRONG_TOTP.apiKey!, 'MFRGGZDFMZTWQ2LKNNWG23TPOBYXE43U']) {
      expect(JSON.stringify(connected)).not.toContain(secret);
    }

    const logins = sim.counters().requests.loginByPassword;
    await new Promise((resolve) => setTimeout(resolve, 3000));
    expect(sim.counters().requests.loginByPassword).toBe(logins);

    // A copy for it fails at once with that reason: without a session nothing was sent.
    const linked = await server.gql(CREATE_MULTIPLIER, { i: { masterId: desk.masterId, followerId: id, factor: 1 } }, token);
    expect(linked.errors).toBeUndefined();
    const placed = await app.place({ quantity: '1', ordertag: 'app-no-session' });
    const children = await settledCopies(server, (await masterOf(server, desk.masterId, placed.orderid)).id, 3);
    expect(childOf(children, id)).toMatchObject({ status: 'FAILED' });
    expect(childOf(children, id).reason).toMatch(/^not sent, no SmartAPI session: .*TOTP secret/);
    expect(childOf(children, desk.followerId)).toMatchObject({ status: 'FILLED' });
    expect(sim.orders.list('W300')).toHaveLength(0);

    // The right secret, entered again, is tried at once.
    const fixed = await server.gql(UPDATE_ACCOUNT, { id, i: { credentials: credentials(WRONG_TOTP) } }, token);
    expect(fixed.errors).toBeUndefined();
    await waitFor(
      async () => (await em(server).findOneOrFail(Account, { id })).status === 'CONNECTED',
      10_000,
      'the account to connect with its new secret',
    );
  });
});

describe('SmartAPI AMO after the close, on NSE hours with one clock for Tandem and the simulator', () => {
  // Monday 6 January 2025, 20:00 IST: the market is closed, orders are held as AMO.
  const clock = new ManualClock(new Date('2025-01-06T14:30:00Z'));
  let sim: SmartApiSim;
  let server: TestServer;
  let desk: Awaited<ReturnType<typeof tradingDesk>>;

  beforeAll(async () => {
    // acceptAmoVariety false: an order sent with the retired variety "AMO" would be refused (AB1008).
    sim = await createSmartApiSim({
      clock,
      marketHours: 'nse',
      acceptAmoVariety: false,
      tickIntervalMs: 0,
      accounts: [MASTER, FOLLOWER],
      instruments: { [SBIN]: { pricePaise: 1010_00 } },
    });
    server = await startTestServer({
      clock,
      env: { ...FROZEN_WALK, JWT_TTL: '7d', SMARTAPI_ROOT_URL: sim.url, SMARTAPI_ORDER_WS_URL: sim.wsUrl },
    });
    desk = await tradingDesk(server, await server.login());
  });
  afterAll(async () => {
    await server?.close();
    await sim?.close();
  });

  it('copies a master AMO as AMO to both followers (sent to SmartAPI as NORMAL), and fills the copies at the open', async () => {
    const placed = await new AngelApp(sim, MASTER).place({ quantity: '2', ordertag: 'app-amo' });
    const master = await masterOf(server, desk.masterId, placed.orderid);
    expect(master).toMatchObject({ variety: 'AMO', status: 'AMO_QUEUED' });
    const queued = await waitFor(
      async () => {
        const children = await em(server).find(Order, { masterOrderId: master.id });
        return children.length === 2 && children.every((c) => c.status === 'AMO_QUEUED') ? children : undefined;
      },
      20_000,
      'AMO copies to be queued',
    );
    for (const child of queued) expect(child.variety).toBe('AMO');
    const atBroker = sim.orders.get(childOf(queued, desk.followerId).brokerOrderId!);
    expect(atBroker).toMatchObject({ variety: 'NORMAL', amo: true, status: 'after market order req received', quantity: 4 });

    // Tuesday 09:16 IST: the session died at midnight; the AMOs go to the exchange and fill.
    clock.set(new Date('2025-01-07T03:46:00Z'));
    sim.market.tick();
    await waitFor(
      async () => (await em(server).findOneOrFail(Order, { id: childOf(queued, desk.followerId).id })).status === 'FILLED',
      20_000,
      'the SmartAPI AMO copy to fill',
    );
    await waitFor(
      async () => (await em(server).findOneOrFail(Order, { id: master.id })).status === 'FILLED',
      20_000,
      'the master AMO to fill',
    );
  });
});
