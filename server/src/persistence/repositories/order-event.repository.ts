import type { EntityManager } from '@mikro-orm/core';
import { bulkInsert } from '../bulk-insert.ts';
import { execute, toNumber } from '../db.ts';
import type { OrderStatus } from '../../core/types.ts';
import { OrderEvent } from '../entities/order-event.entity.ts';

/** An event as emitted: the order's state is captured then, not when the transaction ends. */
export interface OrderEventDraft {
  orderId: string;
  accountId: string;
  masterOrderId: string | null;
  masterAccountId: string | null;
  status: OrderStatus;
  kind: string;
  message: string | null;
  snapshot: Record<string, unknown>;
}

/**
 * Must be the transaction's last statements: the counter row lock is held until commit,
 * so cursors are handed out in commit order and never leave a gap.
 */
export async function appendOrderEvents(em: EntityManager, drafts: OrderEventDraft[], at: Date): Promise<OrderEvent[]> {
  if (drafts.length === 0) return [];
  await em.flush();
  const rows = await execute<{ value: unknown }[]>(em, 'update event_counter set value = value + ? where id = 1 returning value', [
    drafts.length,
  ]);
  const last = toNumber(rows[0]?.value);
  const first = last - drafts.length + 1;
  const events = drafts.map(({ masterOrderId: _master, ...fields }, index) =>
    Object.assign(new OrderEvent(), fields, { cursor: first + index, at }),
  );
  await bulkInsert(em, OrderEvent, events);
  return events;
}

/** Events with after < cursor <= upTo, oldest first; accountIds narrows to those accounts and their children. */
export async function eventsBetween(
  em: EntityManager,
  after: number,
  upTo: number,
  accountIds: string[] | null,
  limit: number,
): Promise<OrderEvent[]> {
  const range = { cursor: { $gt: after, $lte: upTo } };
  const where =
    accountIds === null ? range : { ...range, $or: [{ accountId: { $in: accountIds } }, { masterAccountId: { $in: accountIds } }] };
  return em.find(OrderEvent, where, { orderBy: { cursor: 'asc' }, limit });
}

export async function latestCursor(em: EntityManager): Promise<number> {
  const rows = await execute<{ value: unknown }[]>(em, 'select value from event_counter where id = 1');
  return toNumber(rows[0]?.value ?? 0);
}

/**
 * The oldest cursor a replay can still deliver: the first event kept or, once every event has
 * been pruned, the next one to come, so a subscriber resuming from a pruned cursor is told it
 * missed events whether or not any are left.
 */
export async function oldestRetainedCursor(em: EntityManager): Promise<number | null> {
  const rows = await execute<{ oldest: unknown }[]>(
    em,
    'select coalesce((select min(cursor) from order_events), (select value + 1 from event_counter where id = 1)) as oldest',
  );
  const value = rows[0]?.oldest;
  return value === null || value === undefined ? null : toNumber(value);
}

/**
 * Deletes the events stamped before `before` and every event below them, so what is kept is
 * always each cursor from the oldest on: `at` is stamped before the cursor is handed out and may
 * run a little out of cursor order, and a hole below a kept cursor would let a subscriber
 * resuming there skip it unnoticed. Subscribers asking for a cursor before what is kept get a
 * clear error.
 */
export async function pruneOrderEvents(em: EntityManager, before: Date): Promise<number> {
  const rows = await execute<{ last: unknown }[]>(em, 'select max(cursor) as last from order_events where at < ?::timestamptz', [
    before.toISOString(),
  ]);
  const last = rows[0]?.last;
  if (last === null || last === undefined) return 0;
  return em.nativeDelete(OrderEvent, { cursor: { $lte: toNumber(last) } });
}
