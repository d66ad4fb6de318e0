// Every non-final child is eventually reconciled with its broker's book, not only at a takeover
// or a restart: what a cut database connection leaves behind (a fill whose transaction died, a
// placement cut between its claim and its reply) is found by the periodic settle sweep.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OrderEvent } from '../../server/src/persistence/entities/order-event.entity.ts';
import { Order } from '../../server/src/persistence/entities/order.entity.ts';
import { PaperOrder } from '../../server/src/persistence/entities/paper-order.entity.ts';
import { startTestServer, type TestServer, waitFor } from '../support/harness.ts';

const PLACE = 'mutation($i: PlaceOrderInput!) { placeOrder(input: $i) { id } }';

describe('the settle sweep', () => {
  let server: TestServer;
  let token: string;
  let masterId: string;
  beforeAll(async () => {
    server = await startTestServer({ reconcileRecheckMs: 100 });
    token = await server.login();
    masterId = (await server.account('DEMO-MASTER')).id;
  });
  afterAll(async () => server?.close());

  const em = () => server.tandem.services.orm.em.fork();
  const place = async (input: Record<string, unknown>) => {
    const placed = await server.gql<{ placeOrder: { id: string } }>(
      PLACE,
      { i: { accountId: masterId, exchange: 'NSE', symbol: 'SBIN-EQ', productType: 'INTRADAY', quantity: 2, ...input } },
      token,
    );
    expect(placed.errors).toBeUndefined();
    return placed.data!.placeOrder.id;
  };
  /** As if nothing had been heard of them for a minute. */
  const age = (ids: string[]) => em().nativeUpdate(Order, { id: { $in: ids } }, { updatedAt: new Date(Date.now() - 60_000) });

  it('reads again from the book a fill whose transaction died', async () => {
    const master = await place({ side: 'BUY', orderType: 'LIMIT', price: 960 });
    // The two BUY copies rest below the market (the reverse follower's SELL at that price fills).
    const resting = await waitFor(
      async () => {
        const rows = await em().find(Order, { masterOrderId: master, side: 'BUY' });
        return rows.length === 2 && rows.every((row) => row.status === 'OPEN') ? rows : undefined;
      },
      10_000,
      'the BUY copies to rest',
    );
    // The exchange fills them; the transaction that would have recorded it died with its connection.
    const book = em();
    for (const row of await book.find(PaperOrder, { orderTag: { $in: resting.map((c) => c.orderTag!) } })) {
      Object.assign(row, { status: 'complete', filledQuantity: row.quantity, averagePrice: 96_000, updatedAt: new Date() });
    }
    await book.flush();
    await age(resting.map((c) => c.id));

    expect((await server.tandem.engine.settleStale()).booksSynced).toBe(2);
    const after = await em().find(Order, { id: { $in: resting.map((c) => c.id) } });
    expect(after.map((c) => [c.status, c.filledQuantity === c.quantity, c.averagePrice])).toEqual([
      ['FILLED', true, 96_000],
      ['FILLED', true, 96_000],
    ]);
  });

  it('looks up by tag a child left SENT with no broker id (its placement cut), and sends it once', async () => {
    const master = await place({ side: 'SELL', orderType: 'MARKET' });
    const children = await filledCopies(master);
    // A fourth copy, claimed and cut before its broker call: SENT, no broker id, no reply.
    const cut = await cutCopy(children[0]!, master, 2, 'SENT', 5_000);

    expect((await server.tandem.engine.settleStale()).unknownLookedUp).toBe(1);
    const settled = await filledOrder(cut.id, 'the cut copy to be sent and filled');
    const kinds = (await em().find(OrderEvent, { orderId: cut.id }, { orderBy: { cursor: 'asc' } })).map((e) => e.kind);
    expect(kinds).toContain('NOT_AT_BROKER');
    expect(await em().count(PaperOrder, { orderTag: settled.orderTag })).toBe(1);

    // One placed longer ago than MAX_COPY_DELAY_S (30 s) and not at the broker is failed, never sent stale.
    const old = await cutCopy(children[0]!, master, 3, 'SENT', 60_000);
    expect((await server.tandem.engine.settleStale()).unknownLookedUp).toBe(1);
    const failed = await em().findOneOrFail(Order, { id: old.id });
    expect(failed.status).toBe('FAILED');
    expect(failed.reason).toMatch(/not in .* order book after two look-ups 100 ms apart, and placed more than 30 s ago: not sent again/);
    expect(await em().count(PaperOrder, { orderTag: old.orderTag })).toBe(0);
  });

  it('sends a child left PENDING (its send cut before the claim), once', async () => {
    const master = await place({ side: 'SELL', orderType: 'MARKET' });
    const children = await filledCopies(master);
    const unsent = await cutCopy(children[0]!, master, 2, 'PENDING', 5_000);
    expect((await server.tandem.engine.settleStale()).childrenSent).toBe(1);
    const row = await filledOrder(unsent.id, 'the unsent copy to be sent and filled');
    expect(await em().count(PaperOrder, { orderTag: row.orderTag })).toBe(1);
  });

  it("looks up a master's own order left SENT with no broker id, as it does children", async () => {
    const writer = em();
    const own = writer.create(Order, {
      accountId: masterId,
      exchange: 'NSE',
      symbol: 'SBIN-EQ',
      token: '3045',
      side: 'BUY',
      quantity: 1,
      orderType: 'MARKET',
      productType: 'INTRADAY',
      status: 'SENT',
      origin: 'api',
      orderTag: `TOWN${process.pid}`,
      sentAt: new Date(Date.now() - 5_000),
      createdAt: new Date(Date.now() - 5_000),
      updatedAt: new Date(Date.now() - 60_000),
    });
    await writer.flush();
    expect((await server.tandem.engine.settleStale()).unknownLookedUp).toBe(1);
    const row = await filledOrder(own.id, "the master's own order to be sent and filled");
    expect(await em().count(PaperOrder, { orderTag: row.orderTag })).toBe(1);
    // Its fill is a new master order to copy: let it finish before the next test looks for quiet.
    await waitFor(
      async () => ((await em().count(Order, { masterOrderId: own.id, status: 'FILLED' })) === 3 ? true : undefined),
      10_000,
      'its copies',
    );
  });

  /** One order, once it is filled. */
  const filledOrder = (id: string, what: string) =>
    waitFor(
      async () => {
        const row = await em().findOneOrFail(Order, { id });
        return row.status === 'FILLED' ? row : undefined;
      },
      10_000,
      what,
    );

  /** The demo followers' three copies of a SELL master, once all are filled. */
  const filledCopies = (master: string) =>
    waitFor(
      async () => {
        const rows = await em().find(Order, { masterOrderId: master });
        return rows.length === 3 && rows.every((row) => row.status === 'FILLED') ? rows : undefined;
      },
      10_000,
      'the copies',
    );

  /**
   * A copy of `master` like `template` on leg `leg`, left `status` with no broker id, placed
   * `placedMsAgo` and untouched for a minute: what a cut connection leaves.
   */
  async function cutCopy(template: Order, master: string, leg: number, status: 'SENT' | 'PENDING', placedMsAgo: number) {
    const writer = em();
    const cut = writer.create(Order, {
      accountId: template.accountId,
      masterOrderId: master,
      multiplierId: template.multiplierId,
      leg,
      exchange: 'NSE',
      symbol: 'SBIN-EQ',
      token: template.token,
      side: template.side,
      quantity: template.quantity,
      orderType: 'MARKET',
      productType: 'INTRADAY',
      status,
      origin: 'replicator',
      orderTag: `TCUT${process.pid}L${leg}${master.slice(0, 4)}`,
      sentAt: status === 'SENT' ? new Date(Date.now() - placedMsAgo) : null,
      createdAt: new Date(Date.now() - placedMsAgo),
      updatedAt: new Date(Date.now() - 60_000),
    });
    await writer.flush();
    return cut;
  }

  it('leaves alone children that are final or changed recently', async () => {
    expect(await server.tandem.engine.settleStale()).toEqual({ booksSynced: 0, unknownLookedUp: 0, childrenSent: 0 });
  });
});
