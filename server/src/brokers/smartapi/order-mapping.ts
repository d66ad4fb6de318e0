// Tandem's orders <-> SmartAPI's order bodies and order-book rows (docs/smartapi.md §3, §4, §6).
// SmartAPI dropped the AMO variety: an AMO goes out as NORMAL (STOPLOSS for stop-loss types)
// and the broker makes it an after-market order by the clock (§3.3). Coming back, an order
// the broker holds as an after-market order reads as variety AMO, so its copies are AMOs too.
import { ORDER_TYPES, PRODUCT_TYPES, type OrderType, type ProductType, type Variety } from '../../core/types.ts';
import type { BrokerOrder, BrokerOrderChanges, BrokerOrderRequest } from '../port.ts';
import { toOrderStatus } from './order-status.ts';
import { paiseOf, parseIstTime, quantityOf, rupeesText, textOf } from './wire-values.ts';

const AMO_STATUSES: ReadonlySet<string> = new Set([
  'after market order req received',
  'modify after market order req received',
  'cancelled after market order',
]);

const isStoploss = (orderType: OrderType) => orderType === 'STOPLOSS_LIMIT' || orderType === 'STOPLOSS_MARKET';

/** SmartAPI's variety for an order: STOPLOSS for stop-loss types, NORMAL for the rest (AMO included). */
export function wireVariety(orderType: OrderType): 'NORMAL' | 'STOPLOSS' {
  return isStoploss(orderType) ? 'STOPLOSS' : 'NORMAL';
}

const priceText = (orderType: OrderType, price: number | null) =>
  orderType === 'LIMIT' || orderType === 'STOPLOSS_LIMIT' ? rupeesText(price ?? 0) : '0';

export function placeOrderBody(request: BrokerOrderRequest): Record<string, string> {
  return {
    variety: wireVariety(request.orderType),
    tradingsymbol: request.symbol,
    symboltoken: request.token,
    transactiontype: request.side,
    exchange: request.exchange,
    ordertype: request.orderType,
    producttype: request.productType,
    duration: 'DAY',
    price: priceText(request.orderType, request.price),
    ...(isStoploss(request.orderType) ? { triggerprice: rupeesText(request.triggerPrice ?? 0) } : {}),
    squareoff: '0',
    stoploss: '0',
    quantity: String(request.quantity),
    ...(request.orderTag ? { ordertag: request.orderTag } : {}),
  };
}

/** SmartAPI wants the whole order on a modify; `current` supplies what `changes` leaves out. */
export function modifyOrderBody(current: BrokerOrder, changes: BrokerOrderChanges): Record<string, string> {
  const orderType = changes.orderType ?? current.orderType;
  const price = changes.price === undefined ? current.price : changes.price;
  const triggerPrice = changes.triggerPrice === undefined ? current.triggerPrice : changes.triggerPrice;
  return {
    variety: wireVariety(orderType),
    orderid: current.brokerOrderId,
    ordertype: orderType,
    producttype: current.productType,
    duration: 'DAY',
    price: priceText(orderType, price),
    ...(isStoploss(orderType) ? { triggerprice: rupeesText(triggerPrice ?? 0) } : {}),
    quantity: String(changes.quantity ?? current.quantity),
    tradingsymbol: current.symbol,
    symboltoken: current.token,
    exchange: current.exchange,
  };
}

export function cancelOrderBody(brokerOrderId: string, orderType: OrderType | null): Record<string, string> {
  return { variety: orderType ? wireVariety(orderType) : 'NORMAL', orderid: brokerOrderId };
}

/**
 * The broker's word for the order's state. `status` may read 'modified' while `orderstatus`
 * says what the order is now ('open', 'trigger pending'); order-status.ts wants the latter.
 */
export function brokerStatusOf(row: Record<string, unknown>): string {
  const status = textOf(row.status).toLowerCase();
  const orderStatus = textOf(row.orderstatus).toLowerCase();
  if (!status) return orderStatus;
  return status === 'modified' && orderStatus ? orderStatus : status;
}

function oneOf<T extends string>(value: string, allowed: readonly T[], fallback: T): T {
  return allowed.find((a) => a === value) ?? fallback;
}

/** An order-book row (or the socket's orderData) as a BrokerOrder; null for a row without an order id (the AB00 ack). */
export function brokerOrderFromRow(row: Record<string, unknown>, now: Date): BrokerOrder | null {
  const brokerOrderId = textOf(row.orderid);
  if (!brokerOrderId) return null;
  const brokerStatus = brokerStatusOf(row);
  const orderType = oneOf(textOf(row.ordertype), ORDER_TYPES, 'MARKET');
  const averagePrice = paiseOf(row.averageprice);
  const updatedAt = parseIstTime(row.updatetime) ?? now;
  const quantity = quantityOf(row.quantity);
  const filledQuantity = quantityOf(row.filledshares);
  const variety: Variety = AMO_STATUSES.has(brokerStatus) ? 'AMO' : isStoploss(orderType) ? 'STOPLOSS' : 'NORMAL';
  return {
    brokerOrderId,
    orderTag: textOf(row.ordertag) || null,
    exchange: textOf(row.exchange),
    symbol: textOf(row.tradingsymbol),
    token: textOf(row.symboltoken),
    side: textOf(row.transactiontype).toUpperCase() === 'SELL' ? 'SELL' : 'BUY',
    quantity,
    filledQuantity,
    averagePrice: averagePrice !== null && averagePrice > 0 ? averagePrice : null,
    orderType,
    productType: productTypeOf(textOf(row.producttype)),
    variety,
    price: orderType === 'LIMIT' || orderType === 'STOPLOSS_LIMIT' ? paiseOf(row.price) : null,
    triggerPrice: isStoploss(orderType) ? paiseOf(row.triggerprice) : null,
    status: toOrderStatus(brokerStatus, filledQuantity, quantity),
    brokerStatus,
    statusMessage: textOf(row.text) || null,
    placedAt: parseIstTime(row.exchtime) ?? updatedAt,
    updatedAt,
  };
}

/** Angel's older product names (CNC, MIS, NRML) read as today's. */
export function productTypeOf(value: string): ProductType {
  const aliases: Record<string, ProductType> = { CNC: 'DELIVERY', MIS: 'INTRADAY', NRML: 'CARRYFORWARD' };
  return aliases[value.toUpperCase()] ?? oneOf(value.toUpperCase(), PRODUCT_TYPES, 'INTRADAY');
}
