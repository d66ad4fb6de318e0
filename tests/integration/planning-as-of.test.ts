// Positions for sizing are taken as of the order being sized. Two defects found with real
// processes (issue 12), pinned here on a real database with rows written the way they were
// found, so the planner's answer does not depend on timing:
// - masters planned together (after a takeover or a Redis outage) were sized against fills of
//   master orders placed after them, and every BUY among them was skipped;
// - an exit placed right after its entry was skipped because the entry's copies were still in
//   flight, leaving each follower holding what its master had sold.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Side } from '../../server/src/core/types.ts';
import { Order } from '../../server/src/persistence/entities/order.entity.ts';
import { OrderEvent } from '../../server/src/persistence/entities/order-event.entity.ts';
import { startTestServer, waitFor, type TestServer } from '../support/harness.ts';

describe('sizing as of the order being planned', () => {
  let server: TestServer;
  let masterId: string;
  let followers: Record<string, string>;
  let tick = 0;
  beforeAll(async () => {
    server = await startTestServer();
    masterId = (await server.account('DEMO-MASTER')).id;
    followers = {};
    for (const code of ['DEMO-F1', 'DEMO-F2', 'DEMO-F3']) followers[code] = (await server.account(code)).id;
  });
  afterAll(async () => server?.close());

  /** A filled master order as a broker reports one Tandem did not hear of yet: no event, not planned. */
  async function filledMaster(
    side: Side,
    quantity: number,
    symbol: string,
    token: string,
    at: Date,
    copyPlannedAt: Date | null = null,
    id?: string,
  ): Promise<Order> {
    const em = server.tandem.services.orm.em.fork();
    tick += 1;
    const order = em.create(Order, {
      ...(id ? { id } : {}),
      accountId: masterId,
      exchange: 'NSE',
      symbol,
      token,
      side,
      quantity,
      filledQuantity: quantity,
      averagePrice: 50_000,
      orderType: 'MARKET',
      productType: 'INTRADAY',
      status: 'FILLED',
      origin: 'broker',
      brokerOrderId: `ASOF-${process.pid}-${tick}`,
      detectedAt: at,
      exchangeAt: at,
      createdAt: at,
      updatedAt: at,
      copyPlannedAt,
    });
    await em.flush();
    return order;
  }

  async function childrenOf(master: Order): Promise<Map<string, Order>> {
    const rows = await waitFor(
      async () => {
        const found = await server.tandem.services.orm.em.fork().find(Order, { masterOrderId: master.id });
        return found.length === 3 ? found : undefined;
      },
      15_000,
      `the children of ${master.side} ${master.quantity}`,
    );
    return new Map(rows.map((row) => [Object.entries(followers).find(([, id]) => id === row.accountId)![0], row]));
  }

  it('plans masters held up together each as it was placed: a BUY is not sized against the SELL placed after it', async () => {
    const start = Date.now() - 5_000;
    const buy = await filledMaster('BUY', 40, 'SBIN-EQ', '3045', new Date(start));
    const sell = await filledMaster('SELL', 40, 'SBIN-EQ', '3045', new Date(start + 100));
    const buyAgain = await filledMaster('BUY', 40, 'SBIN-EQ', '3045', new Date(start + 200));

    // As a new lease holder does after a takeover: every unplanned master of the account at once.
    await server.tandem.engine.replicator.replicateUnplanned([masterId]);
    await server.tandem.engine.idle();

    const [first, second, third] = [await childrenOf(buy), await childrenOf(sell), await childrenOf(buyAgain)];
    for (const children of [first, third]) {
      expect(children.get('DEMO-F1')).toMatchObject({ side: 'BUY', quantity: 40 });
      expect(children.get('DEMO-F2')).toMatchObject({ side: 'BUY', quantity: 100 });
      expect(children.get('DEMO-F3')).toMatchObject({ side: 'SELL', quantity: 40 });
    }
    // The SELL closes what the first BUY opened, for every follower, the reverse one included.
    expect(second.get('DEMO-F1')).toMatchObject({ side: 'SELL', quantity: 40 });
    expect(second.get('DEMO-F2')).toMatchObject({ side: 'SELL', quantity: 100 });
    expect(second.get('DEMO-F3')).toMatchObject({ side: 'BUY', quantity: 40 });
    for (const children of [first, second, third]) {
      for (const child of children.values()) expect(child.status, child.reason ?? '').not.toBe('SKIPPED');
    }
  });

  it('plans masters of the same millisecond in the order positions count them, whichever event comes first', async () => {
    // Found by the soak: a BUY and a SELL stamped alike; the SELL's event came first and was sized
    // as an exit of the BUY (ordered before it by id) whose copies did not exist yet: all skipped.
    const at = new Date(Date.now() - 4_000);
    const [lower, higher] = [randomUUID(), randomUUID()].sort();
    const buy = await filledMaster('BUY', 40, 'TCS-EQ', '11536', at, null, lower);
    const sell = await filledMaster('SELL', 40, 'TCS-EQ', '11536', at, null, higher);
    // Only the SELL's change is announced, as if the BUY's event were still on its way.
    await server.tandem.services.journal.record(async (tx, emit) => {
      emit(await tx.findOneOrFail(Order, { id: sell.id }), 'BROKER_UPDATE');
    });
    const [entry, exit] = [await childrenOf(buy), await childrenOf(sell)];
    expect(entry.get('DEMO-F1')).toMatchObject({ side: 'BUY', quantity: 40 });
    expect(exit.get('DEMO-F1')).toMatchObject({ side: 'SELL', quantity: 40 });
    expect(exit.get('DEMO-F3')).toMatchObject({ side: 'BUY', quantity: 40 });
    for (const child of [...entry.values(), ...exit.values()]) expect(child.status, child.reason ?? '').not.toBe('SKIPPED');
  });

  it("sizes an exit against the follower's entry copies still in flight, and says so", async () => {
    const em = server.tandem.services.orm.em.fork();
    const at = new Date(Date.now() - 1_000);
    // The entry was planned and its copies are on their way: claimed, not yet answered.
    const entry = await filledMaster('BUY', 40, 'INFY-EQ', '1594', at, at);
    const sizes: Record<string, [Side, number]> = { 'DEMO-F1': ['BUY', 40], 'DEMO-F2': ['BUY', 100], 'DEMO-F3': ['SELL', 40] };
    for (const [code, [side, quantity]] of Object.entries(sizes)) {
      em.create(Order, {
        accountId: followers[code]!,
        masterOrderId: entry.id,
        exchange: 'NSE',
        symbol: 'INFY-EQ',
        token: '1594',
        side,
        quantity,
        orderType: 'MARKET',
        productType: 'INTRADAY',
        status: 'SENT',
        origin: 'replicator',
        orderTag: `TASOF${tick}${code.slice(-1)}`,
        sentAt: at,
        createdAt: at,
        updatedAt: at,
      });
    }
    await em.flush();

    const exit = await filledMaster('SELL', 40, 'INFY-EQ', '1594', new Date(at.getTime() + 100));
    await server.tandem.engine.replicator.replicateUnplanned([masterId]);
    await server.tandem.engine.idle();

    const children = await childrenOf(exit);
    expect(children.get('DEMO-F1')).toMatchObject({ side: 'SELL', quantity: 40 });
    expect(children.get('DEMO-F2')).toMatchObject({ side: 'SELL', quantity: 100 });
    expect(children.get('DEMO-F3')).toMatchObject({ side: 'BUY', quantity: 40 });
    // The plan says what it counted on (in the copy's CREATED event; the broker's updates replace its reason).
    const created = await server.tandem.services.orm.em
      .fork()
      .find(OrderEvent, { orderId: { $in: [...children.values()].map((c) => c.id) }, kind: 'CREATED' });
    const said = new Map(created.map((event) => [event.orderId, event.message]));
    expect(said.get(children.get('DEMO-F1')!.id)).toBe("the follower's holding counts +40 of earlier copies still in flight");
    expect(said.get(children.get('DEMO-F3')!.id)).toBe("the follower's holding counts -40 of earlier copies still in flight");
  });

  it("does not count a later master's copies planned first (a lease that moved) against an earlier one", async () => {
    const em = server.tandem.services.orm.em.fork();
    const start = Date.now() - 3_000;
    const at = (ms: number) => new Date(start + ms);
    // BUY then SELL, BUY, SELL. The first and the last were planned already (the last on another
    // instance, out of turn) and their copies filled; the middle two are not planned yet.
    const first = await filledMaster('BUY', 40, 'ITC-EQ', '1660', at(0), at(0));
    const second = await filledMaster('SELL', 40, 'ITC-EQ', '1660', at(100));
    const third = await filledMaster('BUY', 40, 'ITC-EQ', '1660', at(200));
    const last = await filledMaster('SELL', 40, 'ITC-EQ', '1660', at(300), at(300));
    const copies: Record<string, [Side, number]> = { 'DEMO-F1': ['BUY', 40], 'DEMO-F2': ['BUY', 100], 'DEMO-F3': ['SELL', 40] };
    for (const master of [first, last]) {
      for (const [code, [side, quantity]] of Object.entries(copies)) {
        const copySide: Side = master === first ? side : side === 'BUY' ? 'SELL' : 'BUY';
        tick += 1;
        em.create(Order, {
          accountId: followers[code]!,
          masterOrderId: master.id,
          exchange: 'NSE',
          symbol: 'ITC-EQ',
          token: '1660',
          side: copySide,
          quantity,
          filledQuantity: quantity,
          averagePrice: 40_000,
          orderType: 'MARKET',
          productType: 'INTRADAY',
          status: 'FILLED',
          origin: 'replicator',
          orderTag: `TASOF${tick}`,
          brokerOrderId: `ASOF-COPY-${process.pid}-${tick}`,
          createdAt: at(400),
          updatedAt: at(400),
        });
      }
    }
    await em.flush();

    await server.tandem.engine.replicator.replicateUnplanned([masterId]);
    await server.tandem.engine.idle();

    const [sells, buys] = [await childrenOf(second), await childrenOf(third)];
    expect(sells.get('DEMO-F1')).toMatchObject({ side: 'SELL', quantity: 40 });
    expect(sells.get('DEMO-F2')).toMatchObject({ side: 'SELL', quantity: 100 });
    expect(sells.get('DEMO-F3')).toMatchObject({ side: 'BUY', quantity: 40 });
    expect(buys.get('DEMO-F1')).toMatchObject({ side: 'BUY', quantity: 40 });
    for (const child of [...sells.values(), ...buys.values()]) expect(child.status, child.reason ?? '').not.toBe('SKIPPED');
  });
});
