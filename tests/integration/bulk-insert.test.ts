import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bulkInsert } from '../../server/src/persistence/bulk-write.ts';
import { initOrm, type Database } from '../../server/src/persistence/db.ts';
import { Account } from '../../server/src/persistence/entities/account.entity.ts';
import { OrderEvent } from '../../server/src/persistence/entities/order-event.entity.ts';
import { Order } from '../../server/src/persistence/entities/order.entity.ts';
import { User } from '../../server/src/persistence/entities/user.entity.ts';
import { scratchDatabase } from '../support/database.ts';

// The fan-out's write path: many rows in one statement, read back exactly as the ORM would write them.
describe('bulkInsert', () => {
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

  it('writes nothing, and fails the transaction, when one row breaks a constraint', async () => {
    const at = new Date();
    const make = (tag: string) =>
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
        createdAt: at,
        updatedAt: at,
      } satisfies Partial<Order>);
    const before = await db.orm.em.fork().count(Order, {});
    await expect(db.orm.em.fork().transactional((tx) => bulkInsert(tx, Order, [make('TDUP1'), make('TDUP1')]))).rejects.toThrow(
      /unique|duplicate/i,
    );
    expect(await db.orm.em.fork().count(Order, {})).toBe(before);
  });
});
