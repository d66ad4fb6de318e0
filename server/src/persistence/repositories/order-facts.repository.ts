import type { EntityManager } from '@mikro-orm/core';
import type { OrderStatus, ProductType, Side } from '../../core/types.ts';
import { execute, toNumber } from '../db.ts';

// The query builder would expand an array parameter into a list; spell the list out instead.
const placeholders = (values: unknown[]) => values.map(() => '?').join(', ');

/** Signed filled quantity (+long, -short) per account and product in one instrument, from Tandem's own orders. */
export async function positionsByAccount(em: EntityManager, accountIds: string[], token: string, excludeOrderIds: string[] = []): Promise<Map<string, Map<ProductType, number>>> {
  const positions = new Map<string, Map<ProductType, number>>();
  if (accountIds.length === 0) return positions;
  const excluded = excludeOrderIds.length > 0 ? `and id not in (${placeholders(excludeOrderIds)})` : '';
  const rows = await execute<{ account_id: string; product_type: ProductType; net: unknown }[]>(em,
    `select account_id, product_type, sum(case when side = 'BUY' then filled_quantity else -filled_quantity end) as net
       from orders where account_id in (${placeholders(accountIds)}) and token = ? and filled_quantity > 0 ${excluded}
      group by account_id, product_type`,
    [...accountIds, token, ...excludeOrderIds]);
  for (const row of rows) {
    const byProduct = positions.get(row.account_id) ?? new Map<ProductType, number>();
    byProduct.set(row.product_type, toNumber(row.net));
    positions.set(row.account_id, byProduct);
  }
  return positions;
}

/** Per account, the orders created since `since` that were not skipped, failed or rejected. */
export async function ordersPlacedSince(em: EntityManager, accountIds: string[], since: Date): Promise<Map<string, number>> {
  if (accountIds.length === 0) return new Map();
  const counts = await execute<{ account_id: string; n: unknown }[]>(em,
    `select account_id, count(*) as n from orders
      where account_id in (${placeholders(accountIds)}) and created_at >= ? and status not in ('SKIPPED', 'FAILED', 'REJECTED') group by account_id`,
    [...accountIds, since]);
  return new Map(counts.map((row) => [row.account_id, toNumber(row.n)]));
}

export interface Fill {
  accountId: string;
  token: string;
  side: Side;
  quantity: number;
  /** Average price in paise. */
  price: number;
}

/** The fills of orders created since `since`, in the order they were last updated. */
export async function fillsSince(em: EntityManager, accountIds: string[], since: Date): Promise<Fill[]> {
  if (accountIds.length === 0) return [];
  const rows = await execute<{ account_id: string; side: Side; filled_quantity: unknown; average_price: unknown; token: string }[]>(em,
    `select account_id, side, filled_quantity, average_price, token from orders
      where account_id in (${placeholders(accountIds)}) and created_at >= ? and filled_quantity > 0 and average_price is not null order by updated_at`,
    [...accountIds, since]);
  return rows.map((row) => ({
    accountId: row.account_id, token: row.token, side: row.side, quantity: toNumber(row.filled_quantity), price: toNumber(row.average_price),
  }));
}

/** The ids of the children in `status` of the masters of these accounts. */
export async function childIdsOfMasters(em: EntityManager, masterAccountIds: string[], status: OrderStatus): Promise<string[]> {
  if (masterAccountIds.length === 0) return [];
  const rows = await execute<{ id: string }[]>(em,
    `select c.id from orders c join orders m on m.id = c.master_order_id
      where c.status = ? and m.account_id in (${placeholders(masterAccountIds)})`,
    [status, ...masterAccountIds]);
  return rows.map((row) => row.id);
}
