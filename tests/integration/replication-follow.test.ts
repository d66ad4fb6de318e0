import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BrokerOrderRequest } from '../../server/src/brokers/port.ts';
import { Order, OrderEvent } from '../../server/src/persistence/entities/index.ts';
import { ok } from '../support/gql.ts';
import { startTestServer, waitFor, type TestServer } from '../support/harness.ts';

// Replication beyond the first copy: whole lots on an index future, a master's modification
// and cancellation carried to its open children, the switches that skip a copy (each with its
// reason), masters detected at the broker, and the per-follower statistics.

const FUTURE = { exchange: 'NFO', symbol: 'NIFTY28JUL26FUT' };
const ORDER_FIELDS = 'id status side quantity filledQuantity price reason orderTag brokerOrderId account { clientCode }';
const PLACE = `mutation($i: PlaceOrderInput!) { placeOrder(input: $i) { ${ORDER_FIELDS} } }`;
const MODIFY = `mutation($id: ID!, $i: ModifyOrderInput!) { modifyOrder(id: $id, input: $i) { ${ORDER_FIELDS} } }`;
const CANCEL = `mutation($id: ID!) { cancelOrder(id: $id) { ${ORDER_FIELDS} } }`;
const ORDER = `query($id: ID!) { order(id: $id) { ${ORDER_FIELDS} children { ${ORDER_FIELDS} leg } } }`;
const TERMINAL = ['FILLED', 'CANCELLED', 'REJECTED', 'FAILED', 'SKIPPED'];

interface OrderView {
  id: string;
  status: string;
  side: string;
  quantity: number;
  filledQuantity: number;
  price: number | null;
  reason: string | null;
  orderTag: string | null;
  brokerOrderId: string | null;
  account: { clientCode: string };
  leg?: number;
}

interface Group {
  masterId: string;
  masterCode: string;
  followers: Record<string, { id: string; clientCode: string; multiplierId: string }>;
}

let server: TestServer;
let token: string;
let lot: number;
let futureToken: string;
let referencePrice: number;

/** A master of its own with the given followers, so no test sees another's orders or switches. */
async function group(followers: Record<string, Record<string, unknown>>): Promise<Group> {
  const prefix = `G${randomBytes(3).toString('hex').toUpperCase()}`;
  const create = (role: string, clientCode: string) =>
    server
      .gql<{ createAccount: { id: string; clientCode: string } }>(
        'mutation($i: CreateAccountInput!) { createAccount(input: $i) { id clientCode } }',
        { i: { label: clientCode, broker: 'PAPER', role, clientCode } },
        token,
      )
      .then((r) => ok(r).createAccount);
  const master = await create('MASTER', `${prefix}-M`);
  const result: Group = { masterId: master.id, masterCode: master.clientCode, followers: {} };
  for (const [name, rules] of Object.entries(followers)) {
    const follower = await create('FOLLOWER', `${prefix}-${name}`);
    const multiplier = ok(
      await server.gql<{ createMultiplier: { id: string } }>(
        'mutation($i: CreateMultiplierInput!) { createMultiplier(input: $i) { id } }',
        { i: { masterId: master.id, followerId: follower.id, ...rules } },
        token,
      ),
    ).createMultiplier;
    result.followers[name] = { id: follower.id, clientCode: follower.clientCode, multiplierId: multiplier.id };
  }
  return result;
}

async function place(g: Group, input: Record<string, unknown>): Promise<OrderView> {
  return ok(
    await server.gql<{ placeOrder: OrderView }>(
      PLACE,
      {
        i: { accountId: g.masterId, ...FUTURE, productType: 'CARRYFORWARD', orderType: 'MARKET', side: 'BUY', ...input },
      },
      token,
    ),
  ).placeOrder;
}

async function order(id: string): Promise<OrderView & { children: OrderView[] }> {
  return ok(await server.gql<{ order: OrderView & { children: OrderView[] } }>(ORDER, { id }, token)).order;
}

/** The master's children by follower name, once every background step has run and `ready` holds. */
async function childrenWhen(
  g: Group,
  masterOrderId: string,
  ready: (byName: Record<string, OrderView>) => boolean,
  what: string,
): Promise<Record<string, OrderView>> {
  await server.tandem.engine.idle();
  return waitFor(
    async () => {
      const { children } = await order(masterOrderId);
      const byName: Record<string, OrderView> = {};
      for (const [name, f] of Object.entries(g.followers)) {
        const mine = children.filter((c) => c.account.clientCode === f.clientCode);
        if (mine.length > 1) throw new Error(`${name} has ${mine.length} children: ${JSON.stringify(mine)}`);
        if (mine[0]) byName[name] = mine[0];
      }
      return Object.keys(byName).length === Object.keys(g.followers).length && ready(byName) ? byName : undefined;
    },
    10_000,
    what,
  );
}

const settled = (byName: Record<string, OrderView>) => Object.values(byName).every((c) => TERMINAL.includes(c.status));

/** A limit price (rupees) that rests: below the lowest price the paper walk may reach, inside the day's band. */
function restingBuyPrice(fraction: number): number {
  const last = server.tandem.paper.lastPrice(FUTURE.exchange, futureToken)!;
  const paise = Math.round((referencePrice * fraction) / 10) * 10;
  expect(paise).toBeLessThan(last);
  return paise / 100;
}

async function eventsOf(orderId: string): Promise<OrderEvent[]> {
  return server.tandem.services.orm.em.fork().find(OrderEvent, { orderId }, { orderBy: { cursor: 'asc' } });
}

async function paperOrder(clientCode: string, tag: string) {
  return server.tandem.paper.broker(clientCode).findOrderByTag(tag);
}

function atBroker(masterCode: string, input: Partial<BrokerOrderRequest> & { orderTag: string }) {
  return server.tandem.paper.broker(masterCode).placeOrder({
    ...FUTURE,
    token: futureToken,
    side: 'BUY',
    quantity: lot,
    orderType: 'MARKET',
    productType: 'CARRYFORWARD',
    variety: 'NORMAL',
    price: null,
    triggerPrice: null,
    ...input,
  });
}

/** The master row Tandem recorded for an order placed at the broker, once detected. */
async function detectedMaster(g: Group, brokerOrderId: string): Promise<Order> {
  return waitFor(
    async () => (await server.tandem.services.orm.em.fork().findOne(Order, { accountId: g.masterId, brokerOrderId })) ?? undefined,
    5000,
    `master ${brokerOrderId} detected`,
  );
}

beforeAll(async () => {
  server = await startTestServer();
  token = await server.login();
  const instrument = server.tandem.services.instruments.find(FUTURE.exchange, FUTURE.symbol)!;
  lot = instrument.lotSize;
  futureToken = instrument.token;
  referencePrice = instrument.referencePrice!;
});
afterAll(async () => server?.close());

describe('sizing an index future in whole lots', () => {
  it('rounds every copy down to whole lots, reverses for a negative factor and skips what rounds to 0 lots', async () => {
    expect(lot).toBe(65); // what the shipped instrument file says for NIFTY futures
    const g = await group({ x1: { factor: 1 }, x25: { factor: 2.5 }, rev: { factor: -1 }, tiny: { factor: 0.3 } });

    const two = await place(g, { quantity: 2 * lot });
    const first = await childrenWhen(g, two.id, settled, 'copies of 2 lots');
    expect(first.x1).toMatchObject({ side: 'BUY', quantity: 2 * lot, status: 'FILLED', filledQuantity: 2 * lot });
    expect(first.x25).toMatchObject({ side: 'BUY', quantity: 5 * lot, status: 'FILLED', filledQuantity: 5 * lot });
    expect(first.rev).toMatchObject({ side: 'SELL', quantity: 2 * lot, status: 'FILLED', filledQuantity: 2 * lot });
    // 0.3 x 130 = 39, less than one lot of 65.
    expect(first.tiny).toMatchObject({ status: 'SKIPPED', quantity: 0, orderTag: null, brokerOrderId: null });
    expect(first.tiny!.reason).toMatch(/rounded to 0 lots/);

    const one = await place(g, { quantity: lot });
    const second = await childrenWhen(g, one.id, settled, 'copies of 1 lot');
    // 2.5 x 65 = 162.5: two whole lots, never three, never a broken lot.
    expect(second.x25).toMatchObject({ side: 'BUY', quantity: 2 * lot, status: 'FILLED' });
    // The copy's life says why it is smaller than 2.5 x the master.
    const created = (await eventsOf(second.x25!.id)).find((e) => e.kind === 'CREATED');
    expect(created?.message).toMatch(/rounded down to 130 in whole lots of 65/);
    expect(second.tiny).toMatchObject({ status: 'SKIPPED' });
    expect(second.tiny!.reason).toMatch(/rounded to 0 lots/);
    // What the broker holds for the x2.5 follower is exactly what Tandem shows.
    const book = await server.tandem.paper.broker(g.followers.x25!.clientCode).orderBook();
    expect(book.map((o) => o.quantity).sort((a, b) => a - b)).toEqual([2 * lot, 5 * lot]);
  });
});

describe('a master modification', () => {
  it('re-sizes and re-prices the open children by their own factors', async () => {
    const g = await group({ x1: { factor: 1 }, x25: { factor: 2.5 }, frozen: { factor: 1, copyModifications: false } });
    const price = restingBuyPrice(0.93);
    const master = await place(g, { orderType: 'LIMIT', quantity: 2 * lot, price });
    expect(master.status).toBe('OPEN');
    const open = await childrenWhen(
      g,
      master.id,
      (c) => Object.values(c).every((x) => x.status === 'OPEN' && x.brokerOrderId),
      'open children',
    );
    expect(open.x25).toMatchObject({ quantity: 5 * lot, price });

    const newPrice = restingBuyPrice(0.92);
    const modified = ok(
      await server.gql<{ modifyOrder: OrderView }>(MODIFY, { id: master.id, i: { quantity: 3 * lot, price: newPrice } }, token),
    ).modifyOrder;
    expect(modified).toMatchObject({ quantity: 3 * lot, price: newPrice, status: 'OPEN' });

    const after = await childrenWhen(g, master.id, (c) => c.x1!.quantity === 3 * lot && c.x25!.price === newPrice, 'children modified');
    expect(after.x1).toMatchObject({ quantity: 3 * lot, price: newPrice, status: 'OPEN' });
    // 2.5 x 195 = 487.5: 7 lots, rounded down.
    expect(after.x25).toMatchObject({ quantity: 7 * lot, price: newPrice, status: 'OPEN' });
    // copyModifications off: the child keeps its terms, and says why.
    expect(after.frozen).toMatchObject({ quantity: 2 * lot, price, status: 'OPEN' });
    expect(after.frozen!.reason).toMatch(/does not copy modifications/);
    // The broker's book agrees with the rows.
    expect(await paperOrder(g.followers.x25!.clientCode, after.x25!.orderTag!)).toMatchObject({
      quantity: 7 * lot,
      price: Math.round(newPrice * 100),
      brokerStatus: 'open',
    });
    expect(await paperOrder(g.followers.frozen!.clientCode, after.frozen!.orderTag!)).toMatchObject({
      quantity: 2 * lot,
      price: Math.round(price * 100),
    });
  });

  it('made at the broker on a detected master is followed too', async () => {
    const g = await group({ x1: { factor: 1 }, x25: { factor: 2.5 } });
    const price = restingBuyPrice(0.93);
    const ack = await atBroker(g.masterCode, { orderTag: 'DESK7', orderType: 'LIMIT', price: Math.round(price * 100), quantity: 2 * lot });
    const master = await detectedMaster(g, ack.brokerOrderId);
    await childrenWhen(g, master.id, (c) => Object.values(c).every((x) => x.status === 'OPEN' && x.brokerOrderId), 'open children');

    const newPrice = restingBuyPrice(0.92);
    await server.tandem.paper.broker(g.masterCode).modifyOrder(ack.brokerOrderId, { quantity: lot, price: Math.round(newPrice * 100) });
    await waitFor(
      async () => (await order(master.id)).quantity === lot || undefined,
      5000,
      'the master row to show the broker-side modification',
    );
    const after = await childrenWhen(g, master.id, (c) => c.x1!.quantity === lot && c.x25!.quantity === 2 * lot, 'children re-sized');
    expect(after.x1).toMatchObject({ quantity: lot, price: newPrice, status: 'OPEN' });
    expect(after.x25).toMatchObject({ quantity: 2 * lot, price: newPrice, status: 'OPEN' });
  });
});

describe('a master cancellation', () => {
  it('cancels the open children, leaves a filled one alone and keeps a child whose multiplier does not copy cancels', async () => {
    // The reverse copy is a SELL LIMIT far below the market: it fills at once, the BUYs rest.
    const g = await group({ x1: { factor: 1 }, x25: { factor: 2.5 }, rev: { factor: -1 }, keep: { factor: 1, copyCancellations: false } });
    const master = await place(g, { orderType: 'LIMIT', quantity: lot, price: restingBuyPrice(0.93) });
    const before = await childrenWhen(
      g,
      master.id,
      (c) => c.rev!.status === 'FILLED' && ['x1', 'x25', 'keep'].every((n) => c[n]!.status === 'OPEN' && c[n]!.brokerOrderId),
      'three open children and one filled',
    );
    expect(before.rev).toMatchObject({ side: 'SELL', filledQuantity: lot });

    const cancelled = ok(await server.gql<{ cancelOrder: OrderView }>(CANCEL, { id: master.id }, token)).cancelOrder;
    expect(cancelled.id).toBe(master.id);
    await waitFor(async () => (await order(master.id)).status === 'CANCELLED' || undefined, 5000, 'master cancelled');
    const after = await childrenWhen(
      g,
      master.id,
      (c) => c.x1!.status === 'CANCELLED' && c.x25!.status === 'CANCELLED',
      'children cancelled',
    );
    expect(after.rev).toMatchObject({ status: 'FILLED', filledQuantity: lot });
    expect(after.keep).toMatchObject({ status: 'OPEN', quantity: lot });
    expect(await paperOrder(g.followers.keep!.clientCode, after.keep!.orderTag!)).toMatchObject({ brokerStatus: 'open' });
    expect(await paperOrder(g.followers.x25!.clientCode, after.x25!.orderTag!)).toMatchObject({ brokerStatus: 'cancelled' });
    expect(await paperOrder(g.followers.rev!.clientCode, after.rev!.orderTag!)).toMatchObject({
      brokerStatus: 'complete',
      filledQuantity: lot,
    });
    // Nobody tried to cancel the filled child.
    expect((await eventsOf(after.rev!.id)).map((e) => e.kind)).not.toContain('CANCEL_FAILED');
  });
});

describe('switches that skip a copy', () => {
  it('skips a paused multiplier, a follower that turned copying off and a follower with its kill switch on, each with its reason', async () => {
    const g = await group({ on: { factor: 1 }, paused: { factor: 1, paused: true }, off: { factor: 1 }, killed: { factor: 1 } });
    ok(
      await server.gql(
        'mutation($id: ID!) { updateAccount(id: $id, input: { copyEnabled: false }) { id } }',
        { id: g.followers.off!.id },
        token,
      ),
    );
    ok(
      await server.gql(
        'mutation($id: ID!) { setKillSwitch(accountId: $id, engaged: true) { engaged } }',
        { id: g.followers.killed!.id },
        token,
      ),
    );

    const master = await place(g, { quantity: lot });
    const children = await childrenWhen(g, master.id, settled, 'children settled');
    expect(children.on).toMatchObject({ status: 'FILLED', quantity: lot });
    expect(children.paused).toMatchObject({ status: 'SKIPPED', reason: 'multiplier is paused' });
    expect(children.off).toMatchObject({ status: 'SKIPPED' });
    expect(children.off!.reason).toMatch(/copying is turned off for follower/);
    expect(children.killed).toMatchObject({ status: 'SKIPPED' });
    expect(children.killed!.reason).toMatch(/kill switch/);
    for (const name of ['paused', 'off', 'killed']) {
      expect(await server.tandem.paper.broker(g.followers[name]!.clientCode).orderBook()).toEqual([]);
    }
  });

  it('with the global kill switch on, refuses new orders and skips every copy of a master placed at the broker', async () => {
    const g = await group({ a: { factor: 1 }, b: { factor: 2.5 } });
    ok(await server.gql('mutation { setKillSwitch(accountId: null, engaged: true) { engaged } }', {}, token));
    try {
      const refused = await server.gql(
        PLACE,
        { i: { accountId: g.masterId, ...FUTURE, productType: 'CARRYFORWARD', orderType: 'MARKET', side: 'BUY', quantity: lot } },
        token,
      );
      expect(refused.errors?.[0]?.message).toMatch(/global kill switch/);
      // The trader places it at the broker anyway: Tandem records it and copies nothing.
      const ack = await atBroker(g.masterCode, { orderTag: 'MANUAL1' });
      const master = await detectedMaster(g, ack.brokerOrderId);
      const children = await childrenWhen(g, master.id, settled, 'children skipped');
      for (const child of Object.values(children))
        expect(child).toMatchObject({ status: 'SKIPPED', reason: 'kill switch engaged (global)' });
    } finally {
      ok(await server.gql('mutation { setKillSwitch(accountId: null, engaged: false) { engaged } }', {}, token));
    }
  });
});

describe('masters placed at the broker', () => {
  it('are detected and copied once, even when the trader reuses a tag; an order with a Tandem tag is never a master', async () => {
    const g = await group({ x1: { factor: 1 }, rev: { factor: -1 } });
    const first = await atBroker(g.masterCode, { orderTag: 'USER1' });
    const master = await detectedMaster(g, first.brokerOrderId);
    expect(master.origin).toBe('broker');
    const children = await childrenWhen(g, master.id, settled, 'copies of the detected master');
    expect(children.x1).toMatchObject({ side: 'BUY', quantity: lot, status: 'FILLED' });
    expect(children.rev).toMatchObject({ side: 'SELL', quantity: lot, status: 'FILLED' });
    expect((await eventsOf(master.id)).find((e) => e.kind === 'DETECTED')?.message).toMatch(
      /seen at the broker \d+ ms after it was placed, tagged USER1/,
    );
    await waitFor(async () => (await order(master.id)).status === 'FILLED' || undefined, 5000, 'master filled');

    // The same tag again (desks tag every order of a strategy alike): a second master, copied once more.
    const second = await atBroker(g.masterCode, { orderTag: 'USER1', quantity: 2 * lot });
    const again = await detectedMaster(g, second.brokerOrderId);
    expect(again.id).not.toBe(master.id);
    const copies = await childrenWhen(g, again.id, settled, 'copies of the second master');
    expect(copies.x1).toMatchObject({ quantity: 2 * lot, status: 'FILLED' });
    expect((await order(master.id)).quantity).toBe(lot); // the first master kept its own terms

    // An order carrying a Tandem child's tag: recorded nowhere, copied to nobody.
    const childTag = children.x1!.orderTag!;
    const looped = await atBroker(g.masterCode, { orderTag: childTag });
    // A later plain order on the same account is handled after it: once it is seen, the tagged one was too.
    const marker = await atBroker(g.masterCode, { orderTag: 'USER2' });
    const markerMaster = await detectedMaster(g, marker.brokerOrderId);
    await childrenWhen(g, markerMaster.id, settled, 'copies of the marker order');
    const em = server.tandem.services.orm.em.fork();
    expect(await em.count(Order, { accountId: g.masterId, brokerOrderId: looped.brokerOrderId })).toBe(0);
    const masters = await em.find(Order, { accountId: g.masterId, masterOrderId: null });
    expect(masters.map((m) => m.brokerOrderId).sort()).toEqual([first.brokerOrderId, second.brokerOrderId, marker.brokerOrderId].sort());
    for (const f of Object.values(g.followers)) {
      expect(await em.count(Order, { accountId: f.id })).toBe(3);
      expect(await server.tandem.paper.broker(f.clientCode).orderBook()).toHaveLength(3);
    }
  });

  it("never folds another broker order that carries a master's Tandem tag into that master", async () => {
    const g = await group({ x1: { factor: 1 } });
    const master = await place(g, { orderType: 'LIMIT', quantity: lot, price: restingBuyPrice(0.93) });
    await childrenWhen(g, master.id, (c) => c.x1!.status === 'OPEN' && Boolean(c.x1!.brokerOrderId), 'an open child');
    const acknowledged = await waitFor(
      async () => ((await order(master.id)).brokerOrderId ? order(master.id) : undefined),
      5000,
      'master acknowledged',
    );
    // Someone places a 3-lot MARKET order at the broker with the master's own tag.
    const stray = await atBroker(g.masterCode, { orderTag: master.orderTag!, quantity: 3 * lot });
    const marker = await atBroker(g.masterCode, { orderTag: 'AFTER' });
    await childrenWhen(g, (await detectedMaster(g, marker.brokerOrderId)).id, settled, 'copies of the marker order');
    expect(await order(master.id)).toMatchObject({
      status: 'OPEN',
      quantity: lot,
      filledQuantity: 0,
      brokerOrderId: acknowledged.brokerOrderId,
    });
    const children = await childrenWhen(g, master.id, () => true, 'the child');
    expect(children.x1).toMatchObject({ status: 'OPEN', quantity: lot });
    expect(await server.tandem.services.orm.em.fork().count(Order, { accountId: g.masterId, brokerOrderId: stray.brokerOrderId })).toBe(0);
  });
});

describe('replicationStats', () => {
  it('has a row of zeros for every linked follower without copies yet', async () => {
    const g = await group({ fresh1: { factor: 1 }, fresh2: { factor: 2 } });
    const stats = ok(
      await server.gql<{
        replicationStats: { followerId: string; copied: number; skipped: number; samples: number; latencyP50Ms: number | null }[];
      }>('query($m: ID) { replicationStats(masterId: $m) { followerId copied skipped samples latencyP50Ms } }', { m: g.masterId }, token),
    ).replicationStats;
    expect(stats.map((s) => s.followerId).sort()).toEqual(
      Object.values(g.followers)
        .map((f) => f.id)
        .sort(),
    );
    for (const s of stats) expect(s).toMatchObject({ copied: 0, skipped: 0, samples: 0, latencyP50Ms: null });
  });

  it("counts each follower's copies and skips and gives latency percentiles", async () => {
    const g = await group({ x1: { factor: 1 }, x25: { factor: 2.5 }, tiny: { factor: 0.3 } });
    for (let i = 0; i < 3; i += 1) {
      const master = await place(g, { quantity: lot });
      await childrenWhen(g, master.id, settled, 'children settled');
    }
    const stats = ok(
      await server.gql<{
        replicationStats: {
          follower: { clientCode: string };
          copied: number;
          failed: number;
          skipped: number;
          inFlight: number;
          samples: number;
          latencyP50Ms: number | null;
          latencyP95Ms: number | null;
          latencyP99Ms: number | null;
        }[];
      }>(
        'query($m: ID) { replicationStats(masterId: $m) { follower { clientCode } copied failed skipped inFlight samples latencyP50Ms latencyP95Ms latencyP99Ms } }',
        { m: g.masterId },
        token,
      ),
    ).replicationStats;
    const byCode = Object.fromEntries(stats.map((s) => [s.follower.clientCode, s]));
    expect(Object.keys(byCode).sort()).toEqual(
      Object.values(g.followers)
        .map((f) => f.clientCode)
        .sort(),
    );
    for (const name of ['x1', 'x25']) {
      const s = byCode[g.followers[name]!.clientCode]!;
      expect(s).toMatchObject({ copied: 3, failed: 0, skipped: 0, inFlight: 0, samples: 3 });
      expect(s.latencyP50Ms).toBeGreaterThanOrEqual(0);
      expect(s.latencyP50Ms!).toBeLessThanOrEqual(s.latencyP95Ms!);
      expect(s.latencyP95Ms!).toBeLessThanOrEqual(s.latencyP99Ms!);
      expect(s.latencyP99Ms!).toBeLessThan(10_000);
    }
    expect(byCode[g.followers.tiny!.clientCode]).toMatchObject({ copied: 0, skipped: 3, samples: 0, latencyP50Ms: null });
  });
});
