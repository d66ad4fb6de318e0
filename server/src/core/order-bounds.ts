// The largest order Tandem places (MAX_ORDER_QUANTITY, MAX_ORDER_VALUE), and what one order
// row can hold. Checked before a row is written: by placeOrder, and by the planner for each
// follower's copy before all of a master's copies are written ahead in one insert, so one
// follower's out-of-proportion copy is skipped with its reason instead of failing the insert
// that carries every follower's copy.
import type { OrderType } from './types.ts';

export interface OrderBounds {
  /** Units per order where the instrument has no freeze quantity (cash equities). */
  maxQuantity: number;
  /** Paise, for all legs of one order together. */
  maxValue: number;
}

/** From the configuration: MAX_ORDER_VALUE is in rupees there. */
export function orderBoundsFrom(config: { MAX_ORDER_QUANTITY: number; MAX_ORDER_VALUE: number }): OrderBounds {
  return { maxQuantity: config.MAX_ORDER_QUANTITY, maxValue: config.MAX_ORDER_VALUE * 100 };
}

/** The orders table: quantity and leg are int4; prices are int8 paise, read into JS numbers. */
export const ORDER_ROW_MAX_QUANTITY = 2_147_483_647;

export interface ValuedOrder {
  quantity: number;
  orderType: OrderType;
  price: number | null;
  triggerPrice: number | null;
}

/**
 * The price an order is valued at: a limit order's own price, a stop-loss order's trigger,
 * else the reference price (last traded) a MARKET order will roughly fill at. Null when none
 * is known.
 */
export function valuationPrice(
  order: Pick<ValuedOrder, 'orderType' | 'price' | 'triggerPrice'>,
  referencePrice: number | null,
): number | null {
  const limitPrice = order.orderType === 'LIMIT' || order.orderType === 'STOPLOSS_LIMIT' ? positive(order.price) : null;
  const trigger = order.orderType === 'STOPLOSS_LIMIT' || order.orderType === 'STOPLOSS_MARKET' ? positive(order.triggerPrice) : null;
  return limitPrice ?? trigger ?? positive(referencePrice);
}

/**
 * Why an order (all its legs together) is larger than Tandem places, or null. `subject`
 * opens the sentence ("copy of 4,294,967,294 shares", "quantity 2,147,483,647").
 *
 * MAX_ORDER_QUANTITY bounds instruments without a freeze quantity; where the exchange sets
 * one, the order is split into legs at it instead, and MAX_ORDER_QUANTITY applies only when
 * no price is known to value the order (else nothing would bound the number of legs).
 * MAX_ORDER_VALUE bounds every order whose price is known.
 */
export function orderBoundProblem(
  subject: string,
  order: ValuedOrder,
  instrument: { freezeQuantity: number | null },
  referencePrice: number | null,
  bounds: OrderBounds,
): string | null {
  const price = valuationPrice(order, referencePrice);
  const quantityBound = `MAX_ORDER_QUANTITY ${formatCount(bounds.maxQuantity)}`;
  if (instrument.freezeQuantity === null && order.quantity > bounds.maxQuantity) {
    return `${subject} exceeds the largest order Tandem places (${quantityBound})`;
  }
  if (price === null) {
    if (order.quantity <= bounds.maxQuantity) return null;
    return `${subject} exceeds the largest order Tandem places (${quantityBound}, as no price is known to value it against MAX_ORDER_VALUE)`;
  }
  // bigint: quantity times price can pass 2^53 and lose the paise that decide the boundary.
  const value = BigInt(order.quantity) * BigInt(price);
  if (value <= BigInt(bounds.maxValue)) return null;
  return `${subject} worth ${formatPaise(value)} at ${formatPaise(BigInt(price))} exceeds the largest order value Tandem places (MAX_ORDER_VALUE ${formatPaise(BigInt(bounds.maxValue))})`;
}

/**
 * Why these legs cannot be stored as order rows, or null. The bounds above keep every order
 * well inside the columns; this is the last check before the one insert that carries every
 * follower's copy, so a row the database would refuse is never handed to it.
 */
export function orderRowProblem(
  subject: string,
  legs: readonly number[],
  prices: Pick<ValuedOrder, 'price' | 'triggerPrice'>,
): string | null {
  const tooLarge = legs.find((quantity) => !Number.isSafeInteger(quantity) || quantity > ORDER_ROW_MAX_QUANTITY);
  if (tooLarge !== undefined) return `${subject} is more than one order can carry (${formatCount(ORDER_ROW_MAX_QUANTITY)} shares)`;
  for (const [field, paise] of [
    ['price', prices.price],
    ['triggerPrice', prices.triggerPrice],
  ] as const) {
    if (paise !== null && !Number.isSafeInteger(paise))
      return `${subject} has a ${field} that is not a whole number of paise Tandem can store`;
  }
  return null;
}

/** "4,294,967,294 shares", for messages a person reads. */
export function formatShares(quantity: number): string {
  return `${formatCount(quantity)} ${quantity === 1 ? 'share' : 'shares'}`;
}

export function formatCount(quantity: number): string {
  return COUNT.format(quantity);
}

/** "₹5,00,00,000" or "₹2,400.50": rupees grouped the Indian way, paise only when there are some. */
export function formatPaise(paise: bigint): string {
  const sign = paise < 0n ? '-' : '';
  const abs = paise < 0n ? -paise : paise;
  const rupees = RUPEES.format(abs / 100n);
  const rest = abs % 100n;
  return `${sign}₹${rupees}${rest === 0n ? '' : `.${String(rest).padStart(2, '0')}`}`;
}

const COUNT = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });
const RUPEES = new Intl.NumberFormat('en-IN', { maximumFractionDigits: 0 });

// Brokers report a market order's price as 0: that is "no price", not a free order.
function positive(paise: number | null): number | null {
  return paise !== null && paise > 0 ? paise : null;
}
