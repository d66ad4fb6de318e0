// The live order blotter's state, free of any framework so it is tested as plain functions:
// master orders with their children, fed by a page of the `orders` connection and by
// `orderEvents`. Applying the same event twice changes nothing, so a resumed subscription that
// replays what was already seen never shows anything twice.

export type OrderStatus =
  | 'PENDING'
  | 'SENT'
  | 'OPEN'
  | 'TRIGGER_PENDING'
  | 'AMO_QUEUED'
  | 'PARTIALLY_FILLED'
  | 'FILLED'
  | 'CANCELLED'
  | 'REJECTED'
  | 'FAILED'
  | 'SKIPPED';

export const ORDER_STATUSES: readonly OrderStatus[] = [
  'PENDING',
  'SENT',
  'OPEN',
  'TRIGGER_PENDING',
  'AMO_QUEUED',
  'PARTIALLY_FILLED',
  'FILLED',
  'CANCELLED',
  'REJECTED',
  'FAILED',
  'SKIPPED',
];

/** The account an order is on, as the blotter shows it. */
export interface BlotterAccount {
  id: string;
  label: string;
  clientCode: string;
}

/** An order as the blotter's GraphQL documents select it. */
export interface BlotterOrder {
  id: string;
  /** The master order's id for a child; null for a master (or a manual order). */
  master: { id: string } | null;
  /** null where the viewer may not see the account. */
  account: BlotterAccount | null;
  exchange: string;
  symbol: string;
  side: 'BUY' | 'SELL';
  quantity: number;
  filledQuantity: number;
  averagePrice: number | null;
  status: OrderStatus;
  reason: string | null;
  latencyMs: number | null;
  leg: number;
  createdAt: string;
  updatedAt: string;
}

/** A master order from the `orders` connection, with the children it had when it was read. */
export interface BlotterMasterOrder extends BlotterOrder {
  children?: BlotterOrder[];
}

export interface BlotterEvent {
  cursor: string;
  status: OrderStatus;
  order: BlotterOrder;
}

export interface BlotterRow {
  master: BlotterOrder;
  children: BlotterOrder[];
}

export interface BlotterFilter {
  accountId?: string | null;
  status?: OrderStatus | null;
  symbol?: string | null;
}

/** Cursors are decimal integers as strings, possibly beyond 2^53: compare them as such. */
export function compareCursors(a: string, b: string): number {
  const x = a.replace(/^0+(?=\d)/, '');
  const y = b.replace(/^0+(?=\d)/, '');
  if (x.length !== y.length) return x.length < y.length ? -1 : 1;
  return x < y ? -1 : x > y ? 1 : 0;
}

const newestFirst = (a: BlotterOrder, b: BlotterOrder) =>
  b.createdAt.localeCompare(a.createdAt) || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0);

const placementOrder = (a: BlotterOrder, b: BlotterOrder) =>
  a.createdAt.localeCompare(b.createdAt) || a.leg - b.leg || (a.account?.label ?? '').localeCompare(b.account?.label ?? '');

/**
 * Every order seen, by id, and which children belong to which master. A snapshot replaces the
 * one held only when it is at least as recent (updatedAt), so a page read a moment ago never
 * rolls back a status an event already brought, nor the other way round.
 */
export class Blotter {
  private readonly orders = new Map<string, BlotterOrder>();
  private readonly childIds = new Map<string, Set<string>>();
  private cursor: string | null = null;

  /** The newest event cursor applied: where a resumed subscription starts. */
  get lastCursor(): string | null {
    return this.cursor;
  }

  get size(): number {
    return this.orders.size;
  }

  /** Applies one event; false when it was already applied (or older than one that was). */
  applyEvent(event: BlotterEvent): boolean {
    if (this.cursor !== null && compareCursors(event.cursor, this.cursor) <= 0) return false;
    this.cursor = event.cursor;
    this.upsert({ ...event.order, status: event.status });
    return true;
  }

  /** Adds a page read from the `orders` connection: master orders with their children (or, flat, any orders). */
  addPage(orders: readonly BlotterMasterOrder[]): void {
    for (const { children, ...order } of orders) {
      this.upsert(order);
      for (const child of children ?? []) this.upsert(child);
    }
  }

  /** Adds one order read on its own (a master fetched because a child's event named it). */
  addOrder(order: BlotterOrder): void {
    this.upsert(order);
  }

  get(id: string): BlotterOrder | undefined {
    return this.orders.get(id);
  }

  /** Masters some child points at that have not been read yet: fetch them to show the row. */
  missingMasters(): string[] {
    return [...this.childIds.keys()].filter((id) => !this.orders.has(id));
  }

  /**
   * Master rows, newest first, each with its children in the order they were placed, filtered.
   * `flat` makes every order a row of its own: for a viewer who may read copies into their
   * account but not the masters they copy (a CLIENT).
   */
  rows(filter: BlotterFilter = {}, flat = false): BlotterRow[] {
    const symbol = filter.symbol?.trim().toUpperCase() || null;
    const rows: BlotterRow[] = [];
    for (const order of this.orders.values()) {
      if (order.master !== null && !flat) continue;
      const children = flat ? [] : [...(this.childIds.get(order.id) ?? [])].map((id) => this.orders.get(id)!).sort(placementOrder);
      const row = { master: order, children };
      if (matches(row, filter.accountId ?? null, filter.status ?? null, symbol)) rows.push(row);
    }
    return rows.sort((a, b) => newestFirst(a.master, b.master));
  }

  /** Every account seen on a master or a child, for the account filter. */
  accounts(): BlotterAccount[] {
    const byId = new Map<string, BlotterAccount>();
    for (const { account } of this.orders.values()) if (account) byId.set(account.id, account);
    return [...byId.values()].sort((a, b) => a.label.localeCompare(b.label));
  }

  private upsert(order: BlotterOrder): void {
    const held = this.orders.get(order.id);
    if (held && order.updatedAt < held.updatedAt) return;
    this.orders.set(order.id, order);
    if (order.master !== null) {
      const siblings = this.childIds.get(order.master.id) ?? new Set<string>();
      siblings.add(order.id);
      this.childIds.set(order.master.id, siblings);
    }
  }
}

/**
 * A row matches an account when the master or any child is on it, a status when the master or
 * any child has it (a failed copy under a filled master is what a desk filters for), and a
 * symbol when the master's symbol is it.
 */
function matches(row: BlotterRow, accountId: string | null, status: OrderStatus | null, symbol: string | null): boolean {
  const orders = [row.master, ...row.children];
  if (accountId !== null && !orders.some((o) => o.account?.id === accountId)) return false;
  if (status !== null && !orders.some((o) => o.status === status)) return false;
  if (symbol !== null && row.master.symbol.toUpperCase() !== symbol) return false;
  return true;
}

/** The children a row shows under an account filter: only that follower's, unless it is the master's account. */
export function visibleChildren(row: BlotterRow, accountId: string | null | undefined): BlotterOrder[] {
  if (!accountId || row.master.account?.id === accountId) return row.children;
  return row.children.filter((c) => c.account?.id === accountId);
}

/** "2 filled, 1 skipped": how a master's copies stand, for the collapsed row. */
export function childSummary(children: readonly BlotterOrder[]): string {
  if (children.length === 0) return 'no copies yet';
  const counts = new Map<OrderStatus, number>();
  for (const child of children) counts.set(child.status, (counts.get(child.status) ?? 0) + 1);
  return ORDER_STATUSES.filter((s) => counts.has(s))
    .map((s) => `${counts.get(s)} ${s.toLowerCase().replace(/_/g, ' ')}`)
    .join(', ');
}
