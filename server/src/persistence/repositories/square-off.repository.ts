// What square-off reads and locks: the orders already on their way, its own orders so far, and
// the account row that serialises square-offs of one account across instances.
import type { EntityManager } from '@mikro-orm/core';
import type { ProductType } from '../../core/types.ts';
import { execute, toNumber } from '../db.ts';

/**
 * orders.origin of a square-off order. It is written with copy_planned_at already set, so the
 * replicator never plans it (a master's square-off is never copied: its followers are squared
 * off themselves).
 */
export const SQUARE_OFF_ORIGIN = 'square-off';

/** Statuses of an order the broker may still fill, or that is still on its way there. */
const UNSETTLED = ['PENDING', 'SENT', 'OPEN', 'PARTIALLY_FILLED', 'TRIGGER_PENDING', 'AMO_QUEUED'];

export interface InFlight {
  exchange: string;
  token: string;
  productType: ProductType;
  /** What the unfilled rest of the account's unsettled orders would add to the position: +buy / -sell. */
  remaining: number;
}

/** Per instrument and product, the unfilled rest of one account's unsettled orders, signed. */
export async function unsettledRemaining(em: EntityManager, accountId: string): Promise<InFlight[]> {
  const rows = await execute<{ exchange: string; token: string; product_type: ProductType; remaining: unknown }[]>(
    em,
    `select exchange, token, product_type,
            sum(case when side = 'BUY' then greatest(quantity - filled_quantity, 0) else -greatest(quantity - filled_quantity, 0) end) as remaining
       from orders
      where account_id = ? and status in (${UNSETTLED.map(() => '?').join(', ')})
      group by exchange, token, product_type`,
    [accountId, ...UNSETTLED],
  );
  return rows.map((row) => ({
    exchange: row.exchange,
    token: row.token,
    productType: row.product_type,
    remaining: toNumber(row.remaining),
  }));
}

/**
 * How many square-off orders the account has ever had. Read before a square-off looks at the
 * positions and again under the account's lock: a change means another square-off recorded
 * orders meanwhile, and what was read may not count them.
 */
export async function squareOffOrderCount(em: EntityManager, accountId: string): Promise<number> {
  const rows = await execute<{ n: unknown }[]>(em, 'select count(*) as n from orders where account_id = ? and origin = ?', [
    accountId,
    SQUARE_OFF_ORIGIN,
  ]);
  return toNumber(rows[0]?.n);
}

/**
 * Locks the account's row until the caller's transaction ends, so square-offs of one account
 * record their orders one at a time on every instance. FOR NO KEY UPDATE: it excludes another
 * square-off, not the copies and updates that only reference the account. False when the account
 * no longer exists.
 */
export async function lockAccountForSquareOff(tx: EntityManager, accountId: string): Promise<boolean> {
  const rows = await execute<unknown[]>(tx, 'select id from accounts where id = ? for no key update', [accountId]);
  return rows.length > 0;
}
