import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, waitFor, type TestServer } from '../support/harness.ts';
import { settledChildren } from '../support/orders.ts';
import { rowFingerprint } from '../support/row-fingerprint.ts';

// One follower's copy that is out of proportion is skipped with its reason; the others are
// copied as fast as ever, and nothing blames lateness.

const PLACE = 'mutation($i: PlaceOrderInput!) { placeOrder(input: $i) { id status } }';
type Placed = { placeOrder: { id: string; status: string } };
const CHILD_FIELDS = 'account { clientCode } side quantity reason latencyMs';

interface Child {
  account: { clientCode: string };
  side: string;
  quantity: number;
  status: string;
  reason: string | null;
  latencyMs: number | null;
}

async function placeOnMaster(server: TestServer, token: string, input: Record<string, unknown>) {
  const master = await server.account('DEMO-MASTER');
  return server.gql<Placed>(
    PLACE,
    { i: { accountId: master.id, exchange: 'NSE', productType: 'INTRADAY', orderType: 'MARKET', side: 'BUY', ...input } },
    token,
  );
}

/** The three demo followers' copies of a master order by client code, once settled. */
async function settledCopies(server: TestServer, token: string, id: string): Promise<Record<string, Child>> {
  const children = await settledChildren<Child>(server, token, id, { fields: CHILD_FIELDS, count: 3 });
  return Object.fromEntries(children.map((c) => [c.account.clientCode, c]));
}

function expectNothingLate(children: Record<string, Child>): void {
  for (const child of Object.values(children)) expect(child.reason ?? '').not.toMatch(/late|would go out/);
}

describe('with the default bounds (MAX_ORDER_QUANTITY 100,000, MAX_ORDER_VALUE ₹5 crore)', () => {
  let server: TestServer;
  let token: string;
  beforeAll(async () => {
    server = await startTestServer();
    token = await server.login();
  });
  afterAll(async () => server?.close());

  it('refuses placeOrder(quantity: 2147483647) with BAD_USER_INPUT on input.quantity and writes no row', async () => {
    const before = await rowFingerprint(server);
    const placed = await placeOnMaster(server, token, { symbol: 'SBIN-EQ', quantity: 2_147_483_647 });
    expect(placed.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.quantity' });
    expect(placed.errors?.[0]?.message).toBe(
      'input.quantity: quantity 2,147,483,647 exceeds the largest order Tandem places (MAX_ORDER_QUANTITY 100,000)',
    );
    const follower = await server.gql(
      PLACE,
      {
        i: {
          accountId: (await server.account('DEMO-F1')).id,
          exchange: 'NSE',
          symbol: 'SBIN-EQ',
          side: 'BUY',
          quantity: 1_000_000_000,
          orderType: 'MARKET',
          productType: 'INTRADAY',
        },
      },
      token,
    );
    expect(follower.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.quantity' });
    expect(await rowFingerprint(server)).toEqual(before);
  });

  it('refuses modifyOrder past the bounds the same way, leaving the order as it was', async () => {
    const follower = (await server.account('DEMO-F1')).id;
    const { instruments } = (
      await server.gql<{ instruments: { lastPrice: number; tickSize: number }[] }>(
        '{ instruments(search: "SBIN-EQ", first: 1) { lastPrice tickSize } }',
        {},
        token,
      )
    ).data!;
    const { lastPrice, tickSize } = instruments[0]!;
    const price = Number((Math.floor((lastPrice * 0.95) / tickSize) * tickSize).toFixed(2));
    const placed = await server.gql<Placed>(
      PLACE,
      {
        i: {
          accountId: follower,
          exchange: 'NSE',
          symbol: 'SBIN-EQ',
          side: 'BUY',
          quantity: 1,
          orderType: 'LIMIT',
          price,
          productType: 'INTRADAY',
        },
      },
      token,
    );
    expect(placed.data?.placeOrder.status).toBe('OPEN');
    const id = placed.data!.placeOrder.id;
    const modified = await server.gql(
      'mutation($id: ID!) { modifyOrder(id: $id, input: { quantity: 2000000 }) { quantity } }',
      { id },
      token,
    );
    expect(modified.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.quantity' });
    expect(modified.errors?.[0]?.message).toMatch(/exceeds the largest order Tandem places \(MAX_ORDER_QUANTITY 100,000\)/);
    expect((await server.gql('query($id: ID!) { order(id: $id) { quantity status } }', { id }, token)).data?.order).toEqual({
      quantity: 1,
      status: 'OPEN',
    });
    await server.gql('mutation($id: ID!) { cancelOrder(id: $id) { id } }', { id }, token);
    // The next tests count rows: the cancellation's own event must be in first.
    await waitFor(
      async () =>
        (await server.gql<{ order: { status: string } }>('query($id: ID!) { order(id: $id) { status } }', { id }, token)).data?.order
          .status === 'CANCELLED',
      10_000,
      'the cancellation',
    );
  });

  it('refuses a MARKET order worth more than ₹5 crore at the last price, on input.quantity', async () => {
    const before = await rowFingerprint(server);
    // MARUTI trades near ₹15,500: 10,000 shares are about ₹15.5 crore.
    const placed = await placeOnMaster(server, token, { symbol: 'MARUTI-EQ', quantity: 10_000 });
    expect(placed.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.quantity' });
    expect(placed.errors?.[0]?.message).toMatch(
      /^input\.quantity: quantity 10,000 worth ₹[\d,]+(\.\d\d)? at ₹[\d,.]+ exceeds the largest order value Tandem places \(MAX_ORDER_VALUE ₹5,00,00,000\)$/,
    );
    expect(await rowFingerprint(server)).toEqual(before);
  });

  it('skips only the follower whose copy exceeds MAX_ORDER_QUANTITY; the others are copied and filled', async () => {
    // 50,000 ETERNAL (about ₹290 each): x1 and reverse x1 copy 50,000; x2.5 would be 125,000.
    const placed = await placeOnMaster(server, token, { symbol: 'ETERNAL-EQ', quantity: 50_000 });
    expect(placed.errors).toBeUndefined();
    const children = await settledCopies(server, token, placed.data!.placeOrder.id);
    expect(children['DEMO-F1']).toMatchObject({ side: 'BUY', quantity: 50_000, status: 'FILLED' });
    expect(children['DEMO-F3']).toMatchObject({ side: 'SELL', quantity: 50_000, status: 'FILLED' });
    expect(children['DEMO-F2']).toMatchObject({
      status: 'SKIPPED',
      quantity: 0,
      reason: 'copy of 125,000 shares exceeds the largest order Tandem places (MAX_ORDER_QUANTITY 100,000)',
    });
    expectNothingLate(children);
  });

  it('skips only the follower whose copy exceeds MAX_ORDER_VALUE; the others are copied and filled', async () => {
    // ADANIENT near ₹2,400 (it moves at most 10 %): 12,500 shares are about ₹3 crore; x2.5 about ₹7.5 crore.
    const placed = await placeOnMaster(server, token, { symbol: 'ADANIENT-EQ', quantity: 12_500 });
    expect(placed.errors).toBeUndefined();
    const children = await settledCopies(server, token, placed.data!.placeOrder.id);
    expect(children['DEMO-F1']).toMatchObject({ side: 'BUY', quantity: 12_500, status: 'FILLED' });
    expect(children['DEMO-F3']).toMatchObject({ side: 'SELL', quantity: 12_500, status: 'FILLED' });
    expect(children['DEMO-F2']).toMatchObject({ status: 'SKIPPED', quantity: 0 });
    expect(children['DEMO-F2']!.reason).toMatch(
      /^copy of 31,250 shares worth ₹[\d,]+(\.\d\d)? at ₹[\d,.]+ exceeds the largest order value Tandem places \(MAX_ORDER_VALUE ₹5,00,00,000\)$/,
    );
    expectNothingLate(children);
  });
});

describe("a master so large that one follower's copy would not fit an order (MAX_ORDER_QUANTITY 2,000,000,000)", () => {
  let server: TestServer;
  let token: string;
  beforeAll(async () => {
    server = await startTestServer({ env: { MAX_ORDER_QUANTITY: '2000000000', MAX_ORDER_VALUE: '10000000000000' } });
    token = await server.login();
  });
  afterAll(async () => server?.close());

  it('skips the x2.5 follower (3,750,000,000 shares) with its reason and fills the others at once', async () => {
    const started = Date.now();
    const placed = await placeOnMaster(server, token, { symbol: 'SBIN-EQ', quantity: 1_500_000_000 });
    expect(placed.errors).toBeUndefined();
    const children = await settledCopies(server, token, placed.data!.placeOrder.id);
    const settledInMs = Date.now() - started;
    expect(children['DEMO-F2']).toMatchObject({
      status: 'SKIPPED',
      quantity: 0,
      reason: 'copy of 3,750,000,000 shares exceeds the largest order Tandem places (MAX_ORDER_QUANTITY 2,000,000,000)',
    });
    expect(children['DEMO-F1']).toMatchObject({ side: 'BUY', quantity: 1_500_000_000, status: 'FILLED' });
    expect(children['DEMO-F3']).toMatchObject({ side: 'SELL', quantity: 1_500_000_000, status: 'FILLED' });
    // Well inside MAX_COPY_DELAY_S (30 s): no retry, no waiting for anything.
    expect(settledInMs).toBeLessThan(5_000);
    expect(children['DEMO-F1']!.latencyMs).toBeLessThan(2_000);
    expectNothingLate(children);
  });
});
