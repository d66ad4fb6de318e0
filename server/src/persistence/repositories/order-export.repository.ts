import type { EntityManager } from '@mikro-orm/core';
import { execute, toNumber } from '../db.ts';
import { uuidArray } from './uuid-array.ts';

/** One order as an export lists it: the order's own columns and its account's label and client code. */
export interface OrderExportRow {
  id: string;
  createdAt: Date;
  accountLabel: string;
  clientCode: string;
  masterOrderId: string | null;
  symbol: string;
  side: string;
  quantity: number;
  filledQuantity: number;
  /** Paise; null before the broker reports one. */
  averagePrice: number | null;
  status: string;
  reason: string | null;
}

/** Which orders an export holds. */
export interface OrderExportScope {
  /** The accounts the reader may see; null for every account (an admin). */
  accounts: string[] | null;
  /** Only this account's orders and, for a master, its copies. */
  accountId: string | null;
  /** created_at >= from */
  from: Date | null;
  /** created_at < before */
  before: Date | null;
}

/** A place in the list, newest first. */
export interface OrderExportCursor {
  createdAt: Date;
  id: string;
}

/**
 * Up to `limit` orders of the scope older than `after` (all when null), newest first
 * (created_at, then id, as the orders connection lists them). Only the columns the export
 * writes are read, so a page costs its rows and nothing else.
 */
export async function orderExportPage(
  em: EntityManager,
  scope: OrderExportScope,
  after: OrderExportCursor | null,
  limit: number,
): Promise<OrderExportRow[]> {
  const sql: string[] = [];
  const params: unknown[] = [];
  if (scope.accounts !== null) {
    sql.push('o.account_id = any(?::uuid[])');
    params.push(uuidArray(scope.accounts));
  }
  if (scope.accountId !== null) {
    // A master's own orders and its copies, as the orders connection filters them.
    sql.push('(o.account_id = ? or o.master_order_id in (select m.id from orders m where m.account_id = ?))');
    params.push(scope.accountId, scope.accountId);
  }
  if (scope.from !== null) {
    sql.push('o.created_at >= ?');
    params.push(scope.from);
  }
  if (scope.before !== null) {
    sql.push('o.created_at < ?');
    params.push(scope.before);
  }
  if (after !== null) {
    sql.push('(o.created_at, o.id) < (?, ?)');
    params.push(after.createdAt, after.id);
  }
  const rows = await execute(
    em,
    `select o.id, o.created_at, a.label, a.client_code, o.master_order_id, o.symbol, o.side, o.quantity,
      o.filled_quantity, o.average_price, o.status, o.reason
    from orders o join accounts a on a.id = o.account_id
    ${sql.length > 0 ? `where ${sql.join(' and ')}` : ''}
    order by o.created_at desc, o.id desc
    limit ?`,
    [...params, limit],
  );
  return rows.map((row) => ({
    id: String(row.id),
    createdAt: new Date(row.created_at as string | Date),
    accountLabel: String(row.label),
    clientCode: String(row.client_code),
    masterOrderId: row.master_order_id === null ? null : String(row.master_order_id),
    symbol: String(row.symbol),
    side: String(row.side),
    quantity: toNumber(row.quantity),
    filledQuantity: toNumber(row.filled_quantity),
    averagePrice: row.average_price === null ? null : toNumber(row.average_price),
    status: String(row.status),
    reason: row.reason === null ? null : String(row.reason),
  }));
}
