import type { EntityManager } from '@mikro-orm/core';
import { istTimeOn } from '../core/clock.ts';
import { realisedPnl } from '../core/replication/fifo-pnl.ts';
import type { ProductType, Side } from '../core/types.ts';
import { execute, toNumber } from '../persistence/db.ts';

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

/** The IST trading day's start, the boundary of every daily limit. */
export function istDayStart(at: Date): Date {
  return istTimeOn(at, 0, 0);
}

export interface DailyActivity {
  ordersToday: number;
  /** Realised P&L of today's fills in paise, FIFO per instrument. */
  realisedPnl: number;
}

/**
 * For the daily limits: copies placed today (not skipped) for the followers with an order
 * limit, and today's realised P&L for those with a loss limit. Followers without limits cost
 * nothing, so a busy day does not slow every fan-out down.
 */
export async function dailyActivity(em: EntityManager, limited: { orders: string[]; loss: string[] }, now: Date): Promise<Map<string, DailyActivity>> {
  const activity = new Map<string, DailyActivity>();
  const entry = (id: string) => {
    let found = activity.get(id);
    if (!found) activity.set(id, (found = { ordersToday: 0, realisedPnl: 0 }));
    return found;
  };
  const since = istDayStart(now);
  if (limited.orders.length > 0) await countOrdersToday(em, limited.orders, since, entry);
  if (limited.loss.length > 0) await realisedToday(em, limited.loss, since, entry);
  return activity;
}

async function countOrdersToday(em: EntityManager, accountIds: string[], since: Date, entry: (id: string) => DailyActivity): Promise<void> {
  const counts = await execute<{ account_id: string; n: unknown }[]>(em,
    `select account_id, count(*) as n from orders
      where account_id in (${placeholders(accountIds)}) and created_at >= ? and status not in ('SKIPPED', 'FAILED', 'REJECTED') group by account_id`,
    [...accountIds, since]);
  for (const row of counts) entry(row.account_id).ordersToday = toNumber(row.n);
}

async function realisedToday(em: EntityManager, accountIds: string[], since: Date, entry: (id: string) => DailyActivity): Promise<void> {
  const fills = await execute<{ account_id: string; side: Side; filled_quantity: unknown; average_price: unknown; token: string }[]>(em,
    `select account_id, side, filled_quantity, average_price, token from orders
      where account_id in (${placeholders(accountIds)}) and created_at >= ? and filled_quantity > 0 and average_price is not null order by updated_at`,
    [...accountIds, since]);
  const byInstrument = new Map<string, { side: Side; quantity: number; price: number }[]>();
  for (const row of fills) {
    const key = `${row.account_id}|${row.token}`;
    const list = byInstrument.get(key) ?? [];
    list.push({ side: row.side, quantity: toNumber(row.filled_quantity), price: toNumber(row.average_price) });
    byInstrument.set(key, list);
  }
  for (const [key, list] of byInstrument) entry(key.split('|')[0]!).realisedPnl += realisedPnl(list);
}

