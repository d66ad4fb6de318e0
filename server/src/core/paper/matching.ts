// The paper exchange's decisions, as pure functions of an order, the last price and the day's
// band. The exchange around them stores the order, applies the decision and emits the event.
// Statuses are SmartAPI's lower-case words, so the paper broker reads like the real one.
import { formatRupees, isStoplossType } from '../order-rules.ts';
import type { MarketHoursMode } from '../market-session.ts';
import type { OrderType, Side, Variety } from '../types.ts';
import { isWithinBand, type PriceBand } from './price-walk.ts';

export type PaperOrderStatus = 'open' | 'trigger pending' | 'amo queued' | 'complete' | 'rejected' | 'cancelled';

/** What the exchange needs to know of an order to place it; prices in paise. */
export interface PaperOrderTerms {
  side: Side;
  orderType: OrderType;
  price: number | null;
  triggerPrice: number | null;
}

export interface PaperOrder extends PaperOrderTerms {
  quantity: number;
  filledQuantity: number;
  status: PaperOrderStatus;
}

export type PlacementDecision = { kind: 'accept'; status: 'open' | 'trigger pending' | 'amo queued' } | { kind: 'reject'; reason: string };

/** `fill` is for the whole unfilled remainder, at `price` paise. */
export type MatchDecision =
  | { kind: 'fill'; price: number; quantity: number }
  | { kind: 'trigger' }
  | { kind: 'reject'; reason: string }
  | { kind: 'rest' };

export const MARKET_CLOSED_REASON =
  'The market is closed (NSE trades 09:15-15:30 IST, Monday to Friday). Place the order as AMO to queue it for the next session.';

/**
 * The initial state of a new order, or why the exchange refuses it.
 *
 * - A NORMAL or STOPLOSS order while the market is closed (nse mode only) is rejected and
 *   the reason says to use AMO.
 * - An AMO order is queued ('amo queued') while the market is closed, and always in
 *   `always` mode, where the exchange releases it after PAPER_AMO_DELAY_MS.
 * - An AMO order while the NSE session is open goes straight to the book, as Angel now
 *   treats the variety by the clock. A follower's copy of a master AMO placed at 09:14:59
 *   then still lands at 09:15:01 instead of failing on the boundary.
 * - Prices outside the day's band, and a stop-loss whose trigger the last price has
 *   already crossed, are rejected as NSE does.
 */
export function acceptOnPlacement(
  order: PaperOrderTerms,
  last: number,
  band: PriceBand,
  marketOpen: boolean,
  variety: Variety,
  mode: MarketHoursMode,
): PlacementDecision {
  if (!marketOpen && variety !== 'AMO') return { kind: 'reject', reason: MARKET_CLOSED_REASON };
  if (variety === 'AMO' && (mode === 'always' || !marketOpen)) {
    const bandProblem = bandReason(order, band);
    return bandProblem ? { kind: 'reject', reason: bandProblem } : { kind: 'accept', status: 'amo queued' };
  }
  return enterBook(order, last, band);
}

/** Where a queued AMO order goes when the session opens (or its demo delay ends). */
export function releaseAmo(order: PaperOrderTerms, last: number, band: PriceBand): PlacementDecision {
  return enterBook(order, last, band);
}

function enterBook(order: PaperOrderTerms, last: number, band: PriceBand): PlacementDecision {
  const bandProblem = bandReason(order, band);
  if (bandProblem) return { kind: 'reject', reason: bandProblem };
  if (!isStoplossType(order.orderType)) return { kind: 'accept', status: 'open' };
  if (order.triggerPrice === null) return { kind: 'reject', reason: 'A stop-loss order needs a trigger price' };
  if (triggerCrossed(order.side, order.triggerPrice, last)) {
    const direction = order.side === 'BUY' ? 'above' : 'below';
    return {
      kind: 'reject',
      reason: `Trigger price ${formatRupees(order.triggerPrice)} of a stop-loss ${order.side} must be ${direction} the last price ${formatRupees(last)}`,
    };
  }
  return { kind: 'accept', status: 'trigger pending' };
}

/**
 * What a resting order does at `last`. A stop-loss that triggers comes back as `trigger`;
 * the exchange marks it 'open' and asks again, when it matches as MARKET (SL-M) or LIMIT (SL-L).
 * Queued AMO and finished orders rest: releasing an AMO is a decision about time, not price.
 */
export function matchOrder(order: PaperOrder, last: number, band: PriceBand): MatchDecision {
  if (order.status === 'trigger pending') {
    if (order.triggerPrice === null) return { kind: 'reject', reason: 'A stop-loss order needs a trigger price' };
    return triggerCrossed(order.side, order.triggerPrice, last) ? { kind: 'trigger' } : { kind: 'rest' };
  }
  if (order.status !== 'open') return { kind: 'rest' };
  const quantity = order.quantity - order.filledQuantity;
  if (quantity <= 0) return { kind: 'rest' };
  if (order.orderType === 'MARKET' || order.orderType === 'STOPLOSS_MARKET') return { kind: 'fill', price: last, quantity };
  if (order.price === null) return { kind: 'reject', reason: `A ${order.orderType} order needs a price` };
  // A modified order comes back through here; its new price must respect the band too.
  const bandProblem = bandReason(order, band);
  if (bandProblem) return { kind: 'reject', reason: bandProblem };
  if (order.side === 'BUY') return last <= order.price ? { kind: 'fill', price: Math.min(last, order.price), quantity } : { kind: 'rest' };
  return last >= order.price ? { kind: 'fill', price: Math.max(last, order.price), quantity } : { kind: 'rest' };
}

/** A stop-loss BUY fires when the price rises to its trigger; a SELL when it falls to it. */
function triggerCrossed(side: Side, triggerPrice: number, last: number): boolean {
  return side === 'BUY' ? last >= triggerPrice : last <= triggerPrice;
}

function bandReason(order: PaperOrderTerms, band: PriceBand): string | null {
  const range = `${formatRupees(band.low)}-${formatRupees(band.high)}`;
  if ((order.orderType === 'LIMIT' || order.orderType === 'STOPLOSS_LIMIT') && order.price !== null && !isWithinBand(order.price, band)) {
    return `Price ${formatRupees(order.price)} is outside the day's band ${range}`;
  }
  if (isStoplossType(order.orderType) && order.triggerPrice !== null && !isWithinBand(order.triggerPrice, band)) {
    return `Trigger price ${formatRupees(order.triggerPrice)} is outside the day's band ${range}`;
  }
  return null;
}
