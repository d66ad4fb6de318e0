import type { SecureContext } from '../context.ts';
import { backendError, backendOk, ERR, type SimResponse } from '../envelope.ts';
import { orderRow, tradeRow } from '../order-row.ts';
import { positionRows } from '../portfolio.ts';

// getOrderBook, details/{uniqueorderid}, getTradeBook, getPosition (docs/smartapi.md §4).

function list(ctx: SecureContext, rows: unknown[]): SimResponse {
  return backendOk(rows.length === 0 && ctx.core.options.emptyListData === 'null' ? null : rows);
}

export function getOrderBook(ctx: SecureContext): SimResponse {
  const { book, market } = ctx.core;
  return list(
    ctx,
    book.ordersOf(ctx.session.clientcode).map((o) => orderRow(o, market)),
  );
}

/** Looked up by uniqueorderid only; an orderid answers AB1007 "Order not found" as it does live. */
export function orderDetails(ctx: SecureContext): SimResponse {
  const { book, market } = ctx.core;
  const order = book.byUniqueOrderId(ctx.session.clientcode, ctx.params.id ?? '');
  return order ? backendOk(orderRow(order, market)) : backendError(ERR.detailsNotFound);
}

export function getTradeBook(ctx: SecureContext): SimResponse {
  const { book, market } = ctx.core;
  return list(
    ctx,
    book.tradesOf(ctx.session.clientcode).map((t) => tradeRow(t, market)),
  );
}

export function getPosition(ctx: SecureContext): SimResponse {
  const { book, market } = ctx.core;
  return list(ctx, positionRows(book, market, ctx.session.clientcode));
}
