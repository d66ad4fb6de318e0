import { istTimeOn } from '../clock.ts';
import type { SecureContext } from '../context.ts';
import { backendError, backendOk, ERR, type SimResponse } from '../envelope.ts';
import { holdingRows } from '../holdings.ts';
import { orderRow, tradeRow } from '../order-row.ts';
import { positionRows } from '../portfolio.ts';

// getOrderBook, details/{uniqueorderid}, getTradeBook, getPosition, getHolding (docs/smartapi.md §4).

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

/** The IST day the simulator's clock is in: fills before it are carried forward or held. */
const dayStart = (ctx: SecureContext): Date => istTimeOn(ctx.core.clock.now(), 0, 0);

export function getPosition(ctx: SecureContext): SimResponse {
  const { book, market } = ctx.core;
  return list(ctx, positionRows(book, market, ctx.session.clientcode, dayStart(ctx)));
}

export function getHolding(ctx: SecureContext): SimResponse {
  const { book, holdings, market } = ctx.core;
  return list(ctx, holdingRows(book, holdings, market, ctx.session.clientcode, dayStart(ctx)));
}
