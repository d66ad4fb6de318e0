import type { EntityManager } from '@mikro-orm/core';
import { istTimeOn } from '../core/clock.ts';
import { realisedPnl } from '../core/replication/fifo-pnl.ts';
import type { Side } from '../core/types.ts';
import { fillsSince, ordersPlacedSince } from '../persistence/repositories/order-facts.repository.ts';

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
export async function dailyActivity(
  em: EntityManager,
  limited: { orders: string[]; loss: string[] },
  now: Date,
): Promise<Map<string, DailyActivity>> {
  const activity = new Map<string, DailyActivity>();
  const entry = (id: string) => {
    const found = activity.get(id);
    if (found) return found;
    const fresh = { ordersToday: 0, realisedPnl: 0 };
    activity.set(id, fresh);
    return fresh;
  };
  const since = istDayStart(now);
  if (limited.orders.length > 0) await countOrdersToday(em, limited.orders, since, entry);
  if (limited.loss.length > 0) await realisedToday(em, limited.loss, since, entry);
  return activity;
}

async function countOrdersToday(em: EntityManager, accountIds: string[], since: Date, entry: (id: string) => DailyActivity): Promise<void> {
  for (const [accountId, count] of await ordersPlacedSince(em, accountIds, since)) entry(accountId).ordersToday = count;
}

async function realisedToday(em: EntityManager, accountIds: string[], since: Date, entry: (id: string) => DailyActivity): Promise<void> {
  const byInstrument = new Map<string, { side: Side; quantity: number; price: number }[]>();
  for (const fill of await fillsSince(em, accountIds, since)) {
    const key = `${fill.accountId}|${fill.token}`;
    const list = byInstrument.get(key) ?? [];
    list.push({ side: fill.side, quantity: fill.quantity, price: fill.price });
    byInstrument.set(key, list);
  }
  for (const [key, list] of byInstrument) entry(key.split('|')[0]!).realisedPnl += realisedPnl(list);
}
