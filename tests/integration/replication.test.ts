import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Order } from '../../server/src/persistence/entities/order.entity.ts';
import { startTestServer, waitFor, type TestServer } from '../support/harness.ts';
import { settledChildren } from '../support/orders.ts';

const PLACE = `mutation($i: PlaceOrderInput!) { placeOrder(input: $i) { id status } }`;
const CHILD_FIELDS = 'account { clientCode } side quantity filledQuantity reason orderTag latencyMs';

interface Child {
  account: { clientCode: string };
  side: string;
  quantity: number;
  status: string;
  filledQuantity: number;
  reason: string | null;
  orderTag: string | null;
  latencyMs: number | null;
}

describe('replication from a paper master to its followers', () => {
  let server: TestServer;
  let token: string;
  let masterId: string;
  beforeAll(async () => {
    server = await startTestServer();
    token = await server.login();
    masterId = (await server.account('DEMO-MASTER')).id;
  });
  afterAll(async () => server?.close());

  async function placeOnMaster(input: Record<string, unknown>): Promise<string> {
    const placed = await server.gql<{ placeOrder: { id: string; status: string } }>(
      PLACE,
      { i: { accountId: masterId, exchange: 'NSE', productType: 'INTRADAY', orderType: 'MARKET', ...input } },
      token,
    );
    expect(placed.errors).toBeUndefined();
    return placed.data!.placeOrder.id;
  }

  it('copies a master BUY 40 as BUY 40, BUY 100 and SELL 40, all filled', async () => {
    const id = await placeOnMaster({ symbol: 'SBIN-EQ', side: 'BUY', quantity: 40 });
    const children = await settledChildren<Child>(server, token, id, { fields: CHILD_FIELDS, count: 3 });
    const byCode = Object.fromEntries(children.map((c) => [c.account.clientCode, c]));
    expect(byCode['DEMO-F1']).toMatchObject({ side: 'BUY', quantity: 40, status: 'FILLED', filledQuantity: 40 });
    expect(byCode['DEMO-F2']).toMatchObject({ side: 'BUY', quantity: 100, status: 'FILLED', filledQuantity: 100 });
    expect(byCode['DEMO-F3']).toMatchObject({ side: 'SELL', quantity: 40, status: 'FILLED', filledQuantity: 40 });
    for (const child of children) {
      expect(child.orderTag).toMatch(/^T[0-9a-z]{4}[0-9A-Z]+$/);
      expect(child.latencyMs).toBeGreaterThanOrEqual(0);
    }
  });

  it('copies to a follower linked since the master was last planned, and no longer to one unlinked since', async () => {
    const first = await placeOnMaster({ symbol: 'SBIN-EQ', side: 'BUY', quantity: 10 });
    await settledChildren<Child>(server, token, first, { fields: CHILD_FIELDS, count: 3 });
    const created = await server.gql<{ createAccount: { id: string } }>(
      'mutation($i: CreateAccountInput!) { createAccount(input: $i) { id } }',
      { i: { label: 'Linked late', broker: 'PAPER', clientCode: 'LATE-F4', role: 'FOLLOWER' } },
      token,
    );
    expect(created.errors).toBeUndefined();
    const linked = await server.gql<{ createMultiplier: { id: string } }>(
      'mutation($i: CreateMultiplierInput!) { createMultiplier(input: $i) { id } }',
      { i: { masterId, followerId: created.data!.createAccount.id, factor: 2 } },
      token,
    );
    expect(linked.errors).toBeUndefined();
    const second = await placeOnMaster({ symbol: 'SBIN-EQ', side: 'BUY', quantity: 10 });
    const four = await settledChildren<Child>(server, token, second, { fields: CHILD_FIELDS, count: 4 });
    expect(four.find((c) => c.account.clientCode === 'LATE-F4')).toMatchObject({ side: 'BUY', quantity: 20, status: 'FILLED' });

    const unlinked = await server.gql('mutation($id: ID!) { deleteMultiplier(id: $id) }', { id: linked.data!.createMultiplier.id }, token);
    expect(unlinked.errors).toBeUndefined();
    const third = await placeOnMaster({ symbol: 'SBIN-EQ', side: 'SELL', quantity: 10 });
    const three = await settledChildren<Child>(server, token, third, { fields: CHILD_FIELDS, count: 3 });
    expect(three.map((c) => c.account.clientCode).sort()).toEqual(['DEMO-F1', 'DEMO-F2', 'DEMO-F3']);
  });

  it('plans a master whose change no one heard (a lost message), and skips every copy of an instrument it does not know, saying why', async () => {
    // Written straight to the database: no journal event, as if its Redis message were lost.
    const em = server.tandem.services.orm.em.fork();
    const now = new Date();
    const master = em.create(Order, {
      accountId: masterId,
      exchange: 'NSE',
      symbol: 'NOPE-EQ',
      token: '999999',
      side: 'BUY',
      quantity: 3,
      orderType: 'MARKET',
      productType: 'INTRADAY',
      status: 'OPEN',
      origin: 'broker',
      brokerOrderId: 'LOST-1',
      detectedAt: now,
      exchangeAt: now,
      createdAt: now,
      updatedAt: now,
    });
    await em.flush();
    const children = await waitFor(
      async () => {
        const rows = await server.tandem.services.orm.em.fork().find(Order, { masterOrderId: master.id });
        return rows.length === 3 ? rows : undefined;
      },
      15_000,
      'the sweep to plan the unheard master',
    );
    for (const child of children) {
      expect(child).toMatchObject({ status: 'SKIPPED', quantity: 0 });
      expect(child.reason).toBe("NSE NOPE-EQ (token 999999) is not in Tandem's instrument list; import the scrip master to copy it");
    }
  });
});
