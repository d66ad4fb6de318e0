import type { Viewer } from '../auth/viewer.ts';
import { parsePeriod } from '../core/date-range.ts';
import { DomainError, parseId } from '../core/errors.ts';
import { istTradingDay } from '../core/market-session.ts';
import { istTime, rupees, type CsvCell } from '../http/csv.ts';
import { EXPORT_PAGE_ROWS, type CsvExport } from '../http/exports.ts';
import { orderExportPage, type OrderExportRow, type OrderExportScope } from '../persistence/repositories/order-export.repository.ts';
import { visibleAccountIds } from './access.ts';
import type { AppServices } from './container.ts';

export const ORDER_EXPORT_PARAMETERS = ['accountId', 'from', 'to'] as const;

const HEADER = [
  'time (IST +05:30)',
  'account',
  'client code',
  'order id',
  'master order id',
  'symbol',
  'side',
  'quantity',
  'filled',
  'average price (rupees)',
  'status',
  'reason',
];

const cells = (order: OrderExportRow): CsvCell[] => [
  istTime(order.createdAt),
  order.accountLabel,
  order.clientCode,
  order.id,
  order.masterOrderId,
  order.symbol,
  order.side,
  order.quantity,
  order.filledQuantity,
  order.averagePrice === null ? null : rupees(order.averagePrice),
  order.status,
  order.reason,
];

async function* pages(services: AppServices, scope: OrderExportScope): AsyncGenerator<CsvCell[][]> {
  const em = services.orm.em.fork();
  let last: OrderExportRow | undefined;
  for (;;) {
    const rows = await orderExportPage(em, scope, last ? { createdAt: last.createdAt, id: last.id } : null, EXPORT_PAGE_ROWS);
    if (rows.length > 0) yield rows.map(cells);
    if (rows.length < EXPORT_PAGE_ROWS) return;
    last = rows.at(-1);
  }
}

/**
 * GET /export/orders.csv: one row per order the viewer may read, newest first, as the orders
 * connection lists them (`accountId`: that account's orders and, for a master, its copies).
 * Sessions of every role, and API tokens with ORDERS_READ.
 */
export async function openOrderExport(services: AppServices, viewer: Viewer, query: URLSearchParams): Promise<CsvExport> {
  if (viewer.apiTokenId !== null && !viewer.scopes?.has('orders:read')) {
    throw new DomainError('FORBIDDEN', 'orders.csv needs an API token with the ORDERS_READ scope', undefined, {
      requiredScope: 'ORDERS_READ',
    });
  }
  const accountIdText = query.get('accountId');
  const accountId = accountIdText ? parseId(accountIdText, 'accountId') : null;
  const { from, before } = parsePeriod(query.get('from') || null, query.get('to') || null);
  const accounts = await visibleAccountIds(services.orm.em.fork(), viewer);
  return {
    filename: `orders-${istTradingDay(services.clock.now())}.csv`,
    header: HEADER,
    pages: pages(services, { accounts, accountId, from, before }),
  };
}
