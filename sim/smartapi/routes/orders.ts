import type { SecureContext } from '../context.ts';
import { backendError, backendOk, ERR, type SimResponse } from '../envelope.ts';
import { parseModifyOrder, parsePlaceOrder } from '../order-request.ts';

// placeOrder, modifyOrder, cancelOrder (docs/smartapi.md §3.1, §3.2). An accepted order always gets
// its orderid; what the exchange or RMS makes of it shows up later in the book and on the socket.

export function placeOrder(ctx: SecureContext): SimResponse {
  const { options, exchange } = ctx.core;
  const parsed = parsePlaceOrder(ctx.body, { maxOrderTagLength: options.maxOrderTagLength, acceptAmoVariety: options.acceptAmoVariety });
  if (!parsed.ok) return backendError(parsed.error);
  const order = exchange.place(ctx.session.clientcode, parsed.value);
  return backendOk({ script: order.tradingsymbol, orderid: order.orderid, uniqueorderid: order.uniqueorderid });
}

export function modifyOrder(ctx: SecureContext): SimResponse {
  const parsed = parseModifyOrder(ctx.body);
  if (!parsed.ok) return backendError(parsed.error);
  const result = ctx.core.exchange.modify(ctx.session.clientcode, parsed.value);
  if ('code' in result) return backendError(result);
  return backendOk({ orderid: result.orderid, uniqueorderid: result.uniqueorderid });
}

export function cancelOrder(ctx: SecureContext): SimResponse {
  const orderid = typeof ctx.body.orderid === 'string' ? ctx.body.orderid.trim() : '';
  if (!orderid) return backendError(ERR.orderNotFound);
  const result = ctx.core.exchange.cancel(ctx.session.clientcode, orderid);
  if ('code' in result) return backendError(result);
  return backendOk({ orderid: result.orderid, uniqueorderid: result.uniqueorderid });
}
