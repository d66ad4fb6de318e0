import type { Viewer } from '../auth/viewer.ts';
import { badInput, notFound, parseId } from '../core/errors.ts';
import { dateProblem, pageSize, SYMBOL } from '../core/input-rules.ts';
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

export interface OrderPage {
  edges: { cursor: string; node: Order }[];
  pageInfo: { hasNextPage: boolean; hasPreviousPage: boolean; startCursor: string | null; endCursor: string | null };
}

const encodeCursor = (order: Order) => Buffer.from(`${order.createdAt.toISOString()}|${order.id}`).toString('base64url');

function decodeCursor(cursor: string): { createdAt: Date; id: string } {
  const [at, id] = Buffer.from(cursor, 'base64url').toString('utf8').split('|');
  const createdAt = new Date(at ?? '');
  if (!id || dateProblem(createdAt)) throw badInput('after', 'after is not a cursor this connection gave out');
  return { createdAt, id: parseId(id, 'after') };
}

/** Orders the viewer may read, newest first, as a Relay page (keyset on createdAt, id). */
export async function listOrders(
  services: AppServices,
  viewer: Viewer,
  filter: OrderFilter,
  first: number | null | undefined,
  after: string | null | undefined,
): Promise<OrderPage> {
  const size = pageSize(first);
  const symbol = filter.symbol ? filter.symbol.toUpperCase() : null;
  if (symbol !== null && !SYMBOL.test(symbol))
    throw badInput('symbol', 'symbol must be 1 to 64 letters, digits, &, _, . or - as the broker spells it, e.g. SBIN-EQ');
  const accountId = filter.accountId ? parseId(filter.accountId, 'accountId') : null;
  const masterOrderId = filter.masterOrderId ? parseId(filter.masterOrderId, 'masterOrderId') : null;
  const cursor = after ? decodeCursor(after) : null;
  const em = services.orm.em.fork();
  const and: Record<string, unknown>[] = [];
  const visible = await visibleAccountIds(em, viewer);
  if (visible !== null) and.push({ accountId: { $in: visible } });
  // A master's feed includes its children.
  if (accountId) and.push({ $or: [{ accountId }, { masterOrderId: { accountId } }] });
  if (masterOrderId) and.push({ masterOrderId });
  if (filter.mastersOnly) and.push({ masterOrderId: null });
  if (filter.status) and.push({ status: filter.status });
  if (symbol) and.push({ symbol });
  if (cursor) and.push({ $or: [{ createdAt: { $lt: cursor.createdAt } }, { createdAt: cursor.createdAt, id: { $lt: cursor.id } }] });
  const rows = await em.find(Order, and.length ? { $and: and } : {}, { orderBy: { createdAt: 'desc', id: 'desc' }, limit: size + 1 });
  const page = rows.slice(0, size);
  const edges = page.map((node) => ({ cursor: encodeCursor(node), node }));
  return {
    edges,
    pageInfo: {
      hasNextPage: rows.length > size,
      hasPreviousPage: Boolean(after),
      startCursor: edges[0]?.cursor ?? null,
      endCursor: edges.at(-1)?.cursor ?? null,
    },
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
