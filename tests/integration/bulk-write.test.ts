import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OrderEventKind } from '../../server/src/core/types.ts';
import { bulkInsert } from '../../server/src/persistence/bulk-write.ts';
import { appendOrderEvents, latestCursor, type OrderEventDraft } from '../../server/src/persistence/repositories/order-event.repository.ts';
import { LockMode } from '@mikro-orm/core';
import { initOrm, type Database } from '../../server/src/persistence/db.ts';
import { Account } from '../../server/src/persistence/entities/account.entity.ts';
import { OrderEvent } from '../../server/src/persistence/entities/order-event.entity.ts';
import { Order } from '../../server/src/persistence/entities/order.entity.ts';
import { User } from '../../server/src/persistence/entities/user.entity.ts';
import { scratchDatabase } from '../support/database.ts';

// The fan-out's write path: many rows in one statement, read back exactly as the ORM would write them.
describe('bulk writes', () => {
  let database: Awaited<ReturnType<typeof scratchDatabase>>;
  let db: Database;
  let accountId: string;

  beforeAll(async () => {
    database = await scratchDatabase();
    db = await initOrm(database.target, { migrate: true });
    const em = db.orm.em.fork();
    const owner = em.create(User, { email: 'bulk@test.local', passwordHash: 'x', role: 'ADMIN' } as never);
    const account = em.create(Account, {
      label: 'Bulk',
      broker: 'PAPER',
      clientCode: 'BULK1',
      role: 'FOLLOWER',
      ownerId: owner.id,
    } as never);
    await em.flush();
    accountId = account.id;
  });

  afterAll(async () => {
    await db.close();
    await database.drop();
  });

  it('writes every column of many orders, nulls, dates, bigints and quotes included, in one transaction', async () => {
    const at = new Date('2026-11-25T09:20:01.123Z');
    const orders = Array.from({ length: 250 }, (_, index) =>
      Object.assign(new Order(), {
        accountId,
        exchange: 'NSE',
        symbol: 'SBIN-EQ',
        token: '3045',
        side: index % 2 ? 'SELL' : 'BUY',
        quantity: index + 1,
        orderType: 'LIMIT',
        productType: 'INTRADAY',
        price: 81_235_00 + index,
        triggerPrice: null,
        orderTag: `TBULK${index}`,
        reason: index === 7 ? `it's "quoted" and ? marked` : null,
        status: 'SENT',
        sentAt: at,
        createdAt: at,
        updatedAt: at,
      } satisfies Partial<Order>),
    );
    await db.orm.em.fork().transactional((tx) => bulkInsert(tx, Order, orders));

    const rows = await db.orm.em.fork().find(Order, { accountId }, { orderBy: { quantity: 'asc' } });
    expect(rows).toHaveLength(250);
    expect(rows.map((r) => r.id)).toEqual(orders.map((o) => o.id));
    expect(rows[7]).toMatchObject({
      reason: `it's "quoted" and ? marked`,
      side: 'SELL',
      quantity: 8,
      price: 81_235_07,
      triggerPrice: null,
      leg: 0,
      variety: 'NORMAL',
      masterOrderId: null,
    });
    expect(rows[0]!.sentAt!.toISOString()).toBe(at.toISOString());
    expect(rows[0]!.acknowledgedAt).toBeNull();
  });

  it('keeps a JSON column as the object it was', async () => {
    const snapshot = { nested: { list: [1, 'two', null] }, text: 'a "b" c', at: '2026-11-25T09:20:01.123Z' };
    const event = Object.assign(new OrderEvent(), {
      cursor: 9_000_000_001,
      orderId: '00000000-0000-4000-8000-000000000001',
      accountId,
      status: 'OPEN',
      kind: 'CREATED',
      snapshot,
      at: new Date(),
    });
    await db.orm.em.fork().transactional((tx) => bulkInsert(tx, OrderEvent, [event]));
    const row = await db.orm.em.fork().findOneOrFail(OrderEvent, { cursor: 9_000_000_001 });
    expect(row.snapshot).toEqual(snapshot);
    expect(row.masterAccountId).toBeNull();
  });

  const order = (tag: string, at: Date) =>
    Object.assign(new Order(), {
      accountId,
      exchange: 'NSE',
      symbol: 'SBIN-EQ',
      token: '3045',
      side: 'BUY',
      quantity: 1,
      orderType: 'MARKET',
      productType: 'INTRADAY',
      orderTag: tag,
      status: 'SENT',
      createdAt: at,
      updatedAt: at,
    } satisfies Partial<Order>);

  it('writes nothing, and fails the transaction, when one row breaks a constraint', async () => {
    const at = new Date();
    const before = await db.orm.em.fork().count(Order, {});
    await expect(db.orm.em.fork().transactional((tx) => bulkInsert(tx, Order, [order('TDUP1', at), order('TDUP1', at)]))).rejects.toThrow(
      /unique|duplicate/i,
    );
    expect(await db.orm.em.fork().count(Order, {})).toBe(before);
  });

  const draftOf = (o: Order, kind: OrderEventKind): OrderEventDraft => ({
    orderId: o.id,
    accountId: o.accountId,
    masterOrderId: null,
    masterAccountId: o.accountId,
    status: o.status,
    kind,
    message: null,
    snapshot: { id: o.id, status: o.status },
  });

  it('inserts rows and their events in one statement, the events numbered in order from the counter', async () => {
    const at = new Date('2026-11-25T09:20:02.000Z');
    const rows = Array.from({ length: 120 }, (_, index) => order(`TALONG${index}`, at));
    const head = await latestCursor(db.orm.em.fork());
    const events = await db.orm.em.fork().transactional((tx) =>
      appendOrderEvents(
        tx,
        rows.map((o) => draftOf(o, 'CREATED')),
        at,
        { inserts: [{ entity: Order, rows }], updates: [] },
      ),
    );
    expect(events.map((e) => e.cursor)).toEqual(rows.map((_, index) => head + index + 1));
    expect(await latestCursor(db.orm.em.fork())).toBe(head + rows.length);
    const stored = await db.orm.em
      .fork()
      .find(OrderEvent, { cursor: { $gt: head, $lte: head + rows.length } }, { orderBy: { cursor: 'asc' } });
    expect(stored.map((e) => [e.cursor, e.orderId])).toEqual(events.map((e) => [e.cursor, e.orderId]));
    expect(await db.orm.em.fork().count(Order, { orderTag: { $like: 'TALONG%' } })).toBe(rows.length);
  });

  it("updates rows read whole, each to its own values, in the events' statement, and leaves the rest as they were", async () => {
    const at = new Date('2026-11-25T09:20:03.000Z');
    const rows = Array.from({ length: 60 }, (_, index) => order(`TUPD${index}`, at));
    await db.orm.em.fork().transactional((tx) => bulkInsert(tx, Order, rows));
    const acked = new Date('2026-11-25T09:20:03.456Z');
    await db.orm.em.fork().transactional(async (tx) => {
      const read = await tx.find(
        Order,
        { orderTag: { $like: 'TUPD%' } },
        { lockMode: LockMode.PESSIMISTIC_WRITE, disableIdentityMap: true, orderBy: { orderTag: 'asc' } },
      );
      // Every other row changes: its own broker id, OPEN, acknowledged; a reason with quotes on one.
      const changed = read.filter((row) => Number(row.orderTag!.slice(4)) % 2 === 0);
      for (const row of changed) {
        Object.assign(row, { status: 'OPEN', brokerOrderId: `B-${row.orderTag}`, acknowledgedAt: acked, updatedAt: acked });
        if (row.orderTag === 'TUPD0') row.reason = `it's "quoted"`;
      }
      return appendOrderEvents(
        tx,
        changed.map((row) => draftOf(row, 'ACKNOWLEDGED')),
        acked,
        { inserts: [], updates: [{ entity: Order, rows: changed }] },
      );
    });
    const after = await db.orm.em.fork().find(Order, { orderTag: { $like: 'TUPD%' } });
    expect(after).toHaveLength(60);
    for (const row of after) {
      const even = Number(row.orderTag!.slice(4)) % 2 === 0;
      expect(row.status).toBe(even ? 'OPEN' : 'SENT');
      expect(row.brokerOrderId).toBe(even ? `B-${row.orderTag}` : null);
      expect(row.acknowledgedAt?.toISOString() ?? null).toBe(even ? acked.toISOString() : null);
      expect(row.createdAt.toISOString()).toBe(at.toISOString());
      expect(row.quantity).toBe(1);
    }
    expect(after.find((row) => row.orderTag === 'TUPD0')!.reason).toBe(`it's "quoted"`);
  });

  it('writes neither rows nor events, and leaves the counter, when a row written along breaks a constraint', async () => {
    const at = new Date();
    const rows = [order('TALONGDUP', at), order('TALONGDUP', at)];
    const head = await latestCursor(db.orm.em.fork());
    await expect(
      db.orm.em.fork().transactional((tx) =>
        appendOrderEvents(
          tx,
          rows.map((o) => draftOf(o, 'CREATED')),
          at,
          { inserts: [{ entity: Order, rows }], updates: [] },
        ),
      ),
    ).rejects.toThrow(/unique|duplicate/i);
    expect(await latestCursor(db.orm.em.fork())).toBe(head);
    expect(await db.orm.em.fork().count(OrderEvent, { cursor: { $gt: head, $lte: head + rows.length } })).toBe(0);
    expect(await db.orm.em.fork().count(Order, { orderTag: 'TALONGDUP' })).toBe(0);
  });
});
