// Many orders at once, written by the database itself (generate_series), for tests that need a
// table far bigger than any page: 100,000 rows in one statement instead of 100,000 inserts.
import type { EntityManager } from '@mikro-orm/core';
import { hashPassword } from '../../server/src/auth/passwords.ts';
import { Account, User } from '../../server/src/persistence/entities/index.ts';

/** A user and a paper follower account they own, written directly (no server needed). */
export async function userWithAccount(
  em: EntityManager,
  user: { email: string; password: string; role: 'ADMIN' | 'TRADER' | 'CLIENT' },
  account: { label: string; clientCode: string },
): Promise<{ userId: string; accountId: string }> {
  const owner = em.create(User, { email: user.email, passwordHash: await hashPassword(user.password), role: user.role });
  const created = em.create(Account, {
    label: account.label,
    broker: 'PAPER',
    role: 'FOLLOWER',
    clientCode: account.clientCode,
    ownerId: owner.id,
    createdAt: new Date(),
    updatedAt: new Date(),
  });
  await em.flush();
  return { userId: owner.id, accountId: created.id };
}

/**
 * `count` filled orders on one account, one millisecond apart ending at `newest` (times in whole
 * milliseconds, as Tandem writes them, so cursors taken from them are exact), each with a reason
 * of `reasonLength` characters to give the rows weight. Nothing is left for the engine to do:
 * every order is final and planned.
 */
export async function insertFilledOrders(
  em: EntityManager,
  options: { accountId: string; count: number; reasonLength: number; newest: Date },
): Promise<void> {
  await em.getConnection().execute(
    `insert into orders (id, account_id, leg, exchange, symbol, token, side, quantity, filled_quantity, average_price,
      order_type, product_type, variety, status, reason, origin, detected_at, copy_planned_at, created_at, updated_at)
    select gen_random_uuid(), ?, 0, 'NSE', 'SBIN-EQ', '3045', case when g % 2 = 0 then 'BUY' else 'SELL' end, 10, 10,
      95490 + g % 100, 'MARKET', 'INTRADAY', 'NORMAL', 'FILLED', 'row ' || g || ' ' || repeat('x', ?), 'api', t, t, t, t
    from generate_series(1, ?) as g, lateral (select ?::timestamptz - g * interval '1 millisecond' as t) as at`,
    [options.accountId, options.reasonLength, options.count, options.newest],
  );
}
