import type { EntityManager } from '@mikro-orm/core';
import type { Viewer } from '../auth/viewer.ts';
import { badInput, notFound, parseId } from '../core/errors.ts';
import { dateProblem, isCountWithin, MAX_PAGE_SIZE, pageSize, SYMBOL } from '../core/input-rules.ts';
import type { OrderStatus } from '../core/types.ts';
import { Order } from '../persistence/entities/order.entity.ts';
import { latestCursor } from '../persistence/repositories/order-event.repository.ts';
import { visibleAccountIds } from './access.ts';
import type { AppServices } from './container.ts';

export interface OrderFilter {
  accountId?: string | null;
  masterOrderId?: string | null;
  mastersOnly?: boolean | null;
  status?: OrderStatus | null;
  symbol?: string | null;
}

/** Relay's paging arguments: `first`/`after` page from the newest, `last`/`before` from the oldest. */
export interface OrderPaging {
  first?: number | null;
  after?: string | null;
  last?: number | null;
  before?: string | null;
}

export interface OrderPage {
  edges: { cursor: string; node: Order }[];
  pageInfo: { hasNextPage: boolean; hasPreviousPage: boolean; startCursor: string | null; endCursor: string | null };
  /** How many orders the filter matches that the viewer may see, paging aside; counted only when called. */
  totalCount: () => Promise<number>;
}

/** Orders in a page when neither `first` nor `last` is given. */
export const ORDERS_PAGE_SIZE = 50;

type Cursor = { createdAt: Date; id: string };
type Where = Record<string, unknown>;

const encodeCursor = (order: Order) => Buffer.from(`${order.createdAt.toISOString()}|${order.id}`).toString('base64url');

function decodeCursor(cursor: string, field: 'after' | 'before'): Cursor {
  const [at, id] = Buffer.from(cursor, 'base64url').toString('utf8').split('|');
  const createdAt = new Date(at ?? '');
  if (!id || dateProblem(createdAt)) throw badInput(field, `${field} is not a cursor this connection gave out`);
  return { createdAt, id: parseId(id, field) };
}

// The list runs newest first on (createdAt, id): "after" a cursor is older, "before" it is newer.
const olderThan = (c: Cursor, orEqual = false): Where => ({
  $or: [{ createdAt: { $lt: c.createdAt } }, { createdAt: c.createdAt, id: { [orEqual ? '$lte' : '$lt']: c.id } }],
});
const newerThan = (c: Cursor, orEqual = false): Where => ({
  $or: [{ createdAt: { $gt: c.createdAt } }, { createdAt: c.createdAt, id: { [orEqual ? '$gte' : '$gt']: c.id } }],
});

function pageSizeOf(paging: OrderPaging): number {
  if (paging.first != null && paging.last != null)
    throw badInput('last', 'pass first (with after) to page from the newest or last (with before) to page from the oldest, not both');
  if (paging.last != null && !isCountWithin(paging.last, MAX_PAGE_SIZE))
    throw badInput('last', `last must be between 1 and ${MAX_PAGE_SIZE}`);
  return pageSize(paging.first ?? paging.last, ORDERS_PAGE_SIZE);
}

/** The viewer's orders that match the filter, as conditions for `$and`. */
async function filterConditions(em: EntityManager, viewer: Viewer, filter: OrderFilter): Promise<Where[]> {
  const symbol = filter.symbol ? filter.symbol.toUpperCase() : null;
  if (symbol !== null && !SYMBOL.test(symbol))
    throw badInput('symbol', 'symbol must be 1 to 64 letters, digits, &, _, . or - as the broker spells it, e.g. SBIN-EQ');
  const accountId = filter.accountId ? parseId(filter.accountId, 'accountId') : null;
  const masterOrderId = filter.masterOrderId ? parseId(filter.masterOrderId, 'masterOrderId') : null;
  const and: Where[] = [];
  const visible = await visibleAccountIds(em, viewer);
  if (visible !== null) and.push({ accountId: { $in: visible } });
  // A master's feed includes its children.
  if (accountId) and.push({ $or: [{ accountId }, { masterOrderId: { accountId } }] });
  if (masterOrderId) and.push({ masterOrderId });
  if (filter.mastersOnly) and.push({ masterOrderId: null });
  if (filter.status) and.push({ status: filter.status });
  if (symbol) and.push({ symbol });
  return and;
}

/**
 * Orders the viewer may read, newest first, as a Relay page (keyset on createdAt, id).
 * `first` (default ORDERS_PAGE_SIZE) takes the newest after `after`; `last`, or `before` alone, takes the
 * oldest before `before`, still newest first within the page. The far side's flag comes from a
 * one-row look-up: whether anything matching lies at or beyond the cursor the page started from.
 */
export async function listOrders(services: AppServices, viewer: Viewer, filter: OrderFilter, paging: OrderPaging): Promise<OrderPage> {
  const size = pageSizeOf(paging);
  const after = paging.after ? decodeCursor(paging.after, 'after') : null;
  const before = paging.before ? decodeCursor(paging.before, 'before') : null;
  const backward = paging.last != null || (paging.first == null && before !== null);
  const em = services.orm.em.fork();
  const filters = await filterConditions(em, viewer, filter);
  const where = (...more: Where[]) => ({ $and: [...filters, ...more] });
  const bounds = [...(after ? [olderThan(after)] : []), ...(before ? [newerThan(before)] : [])];
  const direction = backward ? 'asc' : 'desc';
  const rows = await em.find(Order, where(...bounds), { orderBy: { createdAt: direction, id: direction }, limit: size + 1 });
  const page = rows.slice(0, size);
  if (backward) page.reverse();
  const more = rows.length > size;
  // Anything on the far side of the cursor this page started from, the cursor's own order included.
  const beyond = async (condition: Where) =>
    (await em.find(Order, where(condition), { fields: ['id'], limit: 1, disableIdentityMap: true })).length > 0;
  const edges = page.map((node) => ({ cursor: encodeCursor(node), node }));
  return {
    edges,
    pageInfo: {
      hasNextPage: backward ? (before ? await beyond(olderThan(before, true)) : false) : more,
      hasPreviousPage: backward ? more : after ? await beyond(newerThan(after, true)) : false,
      startCursor: edges[0]?.cursor ?? null,
      endCursor: edges.at(-1)?.cursor ?? null,
    },
    totalCount: () => em.count(Order, where()),
  };
}

export async function getOrder(services: AppServices, viewer: Viewer, rawId: string): Promise<Order> {
  const em = services.orm.em.fork();
  const order = await em.findOne(Order, { id: parseId(rawId, 'id') });
  if (!order) throw notFound('order', 'id');
  const visible = await visibleAccountIds(em, viewer);
  if (visible !== null && !visible.includes(order.accountId)) throw notFound('order', 'id');
  return order;
}

export async function childrenOf(services: AppServices, viewer: Viewer, masterOrderId: string): Promise<Order[]> {
  const em = services.orm.em.fork();
  const visible = await visibleAccountIds(em, viewer);
  const where = visible === null ? { masterOrderId } : { masterOrderId, accountId: { $in: visible } };
  return em.find(Order, where, { orderBy: { createdAt: 'asc', leg: 'asc' } });
}

/**
 * The newest event cursor now, as orderEvents' `after` takes it: subscribing with it goes live
 * from this moment, missing nothing committed after it and repeating nothing before it. The same
 * for every reader (cursors are global; a subscription then shows each reader what it may read).
 */
export async function latestEventCursor(services: AppServices): Promise<string> {
  return String(await latestCursor(services.orm.em.fork()));
}
