import type { EntityManager } from '@mikro-orm/core';
import { insertStatement, type Rows, updateStatement } from '../bulk-write.ts';
import { execute, toNumber } from '../db.ts';
import type { OrderEventKind, OrderStatus } from '../../core/types.ts';
import { OrderEvent } from '../entities/order-event.entity.ts';

/** An event as emitted: the order's state is captured then, not when the transaction ends. */
export interface OrderEventDraft {
  orderId: string;
  accountId: string;
  masterOrderId: string | null;
  masterAccountId: string | null;
  status: OrderStatus;
  kind: OrderEventKind;
  message: string | null;
  snapshot: Record<string, unknown>;
}

/** Rows the events describe, written by the events' own statement (see appendOrderEvents). */
export interface WrittenAlong {
  inserts: Rows[];
  /** Rows read whole and changed, not managed by the ORM (`disableIdentityMap`), so written only here. */
  updates: Rows[];
}

/**
 * Must be the transaction's last statement: the counter row lock is held until commit, so
 * cursors are handed out in commit order and never leave a gap. `along`: rows the events
 * describe, inserted or updated by the same statement (one round trip for a fan-out's children
 * and their events, or a batch of replies and theirs).
 */
export async function appendOrderEvents(
  em: EntityManager,
  drafts: OrderEventDraft[],
  at: Date,
  along: WrittenAlong = { inserts: [], updates: [] },
): Promise<OrderEvent[]> {
  await em.flush();
  const writes = [
    ...along.inserts.filter((a) => a.rows.length > 0).map((a) => insertStatement(em, a)),
    ...along.updates.filter((a) => a.rows.length > 0).map((a) => updateStatement(em, a)),
  ];
  const withWrites = writes.map((write, index) => `written${index} as (${write.sql})`);
  const params = writes.map((write) => write.param);
  if (drafts.length === 0) {
    if (writes.length > 0) await execute(em, `with ${withWrites.join(', ')} select 1`, params);
    return [];
  }
  // Each event's cursor goes in as its position (1..n) and comes out as counter - n + position.
  const events = drafts.map(({ masterOrderId: _master, ...fields }, index) =>
    Object.assign(new OrderEvent(), fields, { cursor: index + 1, at }),
  );
  const n = drafts.length;
  const insertEvents = insertStatement(
    em,
    { entity: OrderEvent, rows: events },
    { from: 'counter', computed: { cursor: `counter.value - ${n} + r."cursor"` } },
  );
  const rows = await execute<{ cursor: unknown }[]>(
    em,
    `with ${[...withWrites, 'counter as (update event_counter set value = value + ? where id = 1 returning value)'].join(', ')}
     ${insertEvents.sql} returning "cursor"`,
    [...params, n, insertEvents.param],
  );
  const last = Math.max(...rows.map((row) => toNumber(row.cursor)));
  for (const [index, event] of events.entries()) event.cursor = last - n + index + 1;
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
