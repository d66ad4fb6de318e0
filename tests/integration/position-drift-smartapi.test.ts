// Drift end to end on SmartAPI: a master's resting limit is copied x1 to a follower at the
// simulator, the master's order fills whole while the copy fills only in part. The part that did
// not fill is drift, read from the follower's getPosition; once the rest fills there is none.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Account } from '../../server/src/persistence/entities/account.entity.ts';
import { createSmartApiSim, type SmartApiSim } from '../../sim/smartapi/index.ts';
import type { SimAccountInput, SimOrder } from '../../sim/smartapi/types.ts';
import { ok } from '../support/gql.ts';
import { startTestServer, waitFor, type TestServer } from '../support/harness.ts';

const MASTER: SimAccountInput = { clientcode: 'DM100', pin: '1111', totpSecret: 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP', apiKey: 'key-dm100' };
const FOLLOWER: SimAccountInput = {
  clientcode: 'DF200',
  pin: '2222',
  totpSecret: 'KRSXG5CTMVRXEZLUKRSXG5CTMVRXEZLU',
  apiKey: 'key-df200',
};
const SBIN = { exchange: 'NSE', symbol: 'SBIN-EQ', token: '3045' };
/** The last price stays at 1010.00 and a BUY limit at 950.00 rests until filled by hand. */
const LAST_PAISE = 1010_00;
const LIMIT_PAISE = 950_00;

const CREATE_ACCOUNT = 'mutation($i: CreateAccountInput!) { createAccount(input: $i) { id } }';
const CREATE_MULTIPLIER = 'mutation($i: CreateMultiplierInput!) { createMultiplier(input: $i) { id } }';
const PLACE = 'mutation($i: PlaceOrderInput!) { placeOrder(input: $i) { id } }';
const ORDER = `query($id: ID!) { order(id: $id) { id status filledQuantity quantity
  children { id accountId status quantity filledQuantity brokerOrderId } } }`;
const DRIFT = `query($id: ID!, $all: Boolean) { positionDrift(masterId: $id, includeZero: $all) {
  follower { id } exchange symbol productType expected actual drift } }`;
const POSITIONS = `query($id: ID!) { positions(accountId: $id) {
  exchange symbol productType quantity source tandemQuantity account { id } } }`;

interface OrderView {
  id: string;
  status: string;
  filledQuantity: number;
  quantity: number;
  children: { id: string; accountId: string; status: string; quantity: number; filledQuantity: number; brokerOrderId: string | null }[];
}

interface DriftView {
  follower: { id: string };
  exchange: string;
  symbol: string;
  productType: string;
  expected: number;
  actual: number;
  drift: number;
}

describe('positionDrift after a SmartAPI copy fills only in part', () => {
  let sim: SmartApiSim;
  let server: TestServer;
  let token: string;
  let masterId: string;
  let followerId: string;
  let masterOrderId: string;
  let copyAtSim: SimOrder;

  const orderOf = async (id: string) => ok(await server.gql<{ order: OrderView }>(ORDER, { id }, token)).order;
  const drift = async (includeZero: boolean) =>
    ok(await server.gql<{ positionDrift: DriftView[] }>(DRIFT, { id: masterId, all: includeZero }, token)).positionDrift;
  const row = (expected: number, actual: number) => ({
    follower: { id: followerId },
    exchange: SBIN.exchange,
    symbol: SBIN.symbol,
    productType: 'INTRADAY',
    expected,
    actual,
    drift: actual - expected,
  });

  /** Waits until Tandem has recorded the master order and its one copy as `master` and `copy`. */
  const recorded = (master: { status: string; filled: number }, copy: { status: string; filled: number }, what: string) =>
    waitFor(
      async () => {
        const order = await orderOf(masterOrderId);
        const [child, ...more] = order.children;
        if (more.length > 0) throw new Error(`the master order has ${order.children.length} copies, not 1`);
        for (const o of [order, child]) {
          if (o && ['REJECTED', 'FAILED', 'CANCELLED'].includes(o.status)) throw new Error(`order ${o.id} ${o.status}`);
        }
        return order.status === master.status &&
          order.filledQuantity === master.filled &&
          child?.status === copy.status &&
          child.filledQuantity === copy.filled
          ? order
          : undefined;
      },
      20_000,
      what,
    );

  beforeAll(async () => {
    sim = await createSmartApiSim({ accounts: [MASTER, FOLLOWER], instruments: { [SBIN.token]: { pricePaise: LAST_PAISE } } });
    server = await startTestServer({ env: { SMARTAPI_ROOT_URL: sim.url, SMARTAPI_ORDER_WS_URL: sim.wsUrl } });
    token = await server.login();
    const create = async (account: SimAccountInput, role: 'MASTER' | 'FOLLOWER') =>
      ok(
        await server.gql<{ createAccount: { id: string } }>(
          CREATE_ACCOUNT,
          {
            i: {
              label: `Angel ${account.clientcode}`,
              broker: 'SMARTAPI',
              role,
              clientCode: account.clientcode,
              credentials: { apiKey: account.apiKey, pin: account.pin, totpSecret: account.totpSecret },
            },
          },
          token,
        ),
      ).createAccount.id;
    masterId = await create(MASTER, 'MASTER');
    followerId = await create(FOLLOWER, 'FOLLOWER');
    ok(await server.gql(CREATE_MULTIPLIER, { i: { masterId, followerId, factor: 1 } }, token));
    for (const id of [masterId, followerId]) {
      await waitFor(
        async () => {
          const account = await server.tandem.services.orm.em.fork().findOneOrFail(Account, { id });
          return account.status === 'CONNECTED' && account.statusReason?.includes('order updates live');
        },
        20_000,
        'the SmartAPI accounts to connect, order updates included',
      );
    }
  }, 60_000);

  afterAll(async () => {
    await server?.close();
    await sim?.close();
  });

  it("shows the unfilled part of the copy as drift, the follower's position read from getPosition", async () => {
    masterOrderId = ok(
      await server.gql<{ placeOrder: { id: string } }>(
        PLACE,
        {
          i: {
            accountId: masterId,
            exchange: SBIN.exchange,
            symbol: SBIN.symbol,
            side: 'BUY',
            quantity: 10,
            orderType: 'LIMIT',
            price: LIMIT_PAISE / 100,
            productType: 'INTRADAY',
          },
        },
        token,
      ),
    ).placeOrder.id;

    // Both rest: the master's at the simulator, and its copy, placed once the master was accepted.
    const resting = await recorded({ status: 'OPEN', filled: 0 }, { status: 'OPEN', filled: 0 }, 'the master and its copy to rest');
    const copy = resting.children[0]!;
    expect(copy).toMatchObject({ accountId: followerId, quantity: 10 });
    const atSim = (clientcode: string) => sim.orders.list(clientcode);
    expect(atSim(MASTER.clientcode)).toEqual([expect.objectContaining({ orderstatus: 'open', quantity: 10, filledQty: 0 })]);
    expect(atSim(FOLLOWER.clientcode)).toEqual([
      expect.objectContaining({
        orderid: copy.brokerOrderId,
        orderstatus: 'open',
        ordertype: 'LIMIT',
        transactiontype: 'BUY',
        producttype: 'INTRADAY',
        pricePaise: LIMIT_PAISE,
        quantity: 10,
        filledQty: 0,
      }),
    ]);
    copyAtSim = atSim(FOLLOWER.clientcode)[0]!;
    const masterAtSim = atSim(MASTER.clientcode)[0]!;

    sim.orders.fill(masterAtSim.orderid, 10, LIMIT_PAISE);
    expect(sim.orders.fill(copyAtSim.orderid, 4, LIMIT_PAISE)).toMatchObject({ orderstatus: 'open', filledQty: 4 });
    await recorded(
      { status: 'FILLED', filled: 10 },
      { status: 'PARTIALLY_FILLED', filled: 4 },
      'the master to fill and its copy to fill in part',
    );

    // Owed 10 (the master's 10 at x1), holds the 4 that filled.
    expect(await drift(false)).toEqual([row(10, 4)]);
    const positions = ok(await server.gql<{ positions: unknown[] }>(POSITIONS, { id: followerId }, token)).positions;
    expect(positions).toEqual([
      {
        exchange: SBIN.exchange,
        symbol: SBIN.symbol,
        productType: 'INTRADAY',
        quantity: 4,
        source: 'BROKER',
        tandemQuantity: 4,
        account: { id: followerId },
      },
    ]);
  });

  it('shows no drift once the rest of the copy fills', async () => {
    expect(sim.orders.fill(copyAtSim.orderid, 6, LIMIT_PAISE)).toMatchObject({ orderstatus: 'complete', filledQty: 10 });
    await recorded({ status: 'FILLED', filled: 10 }, { status: 'FILLED', filled: 10 }, 'the rest of the copy to fill');

    expect(await drift(false)).toEqual([]);
    expect(await drift(true)).toEqual([row(10, 10)]);
  });
});
