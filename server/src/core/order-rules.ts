// The exchange's static rules for one order request: lots, freeze limit, ticks, and which
// prices each order type carries. Checked before any row is written, so a bad order is a
// BAD_USER_INPUT naming the field and never reaches a broker.
import { formatCount, orderBoundProblem, type OrderBounds } from './order-bounds.ts';
import type { InstrumentSpec, OrderTerms, OrderType } from './types.ts';

/** Prices are integer paise; null when the order type carries none. */
export type OrderRequest = OrderTerms;

/** `field` is the PlaceOrderInput field the user has to fix. */
export interface FieldProblem {
  field: string;
  message: string;
}

export type InstrumentLimits = Pick<InstrumentSpec, 'lotSize' | 'tickSize' | 'freezeQuantity'>;

/** Tandem's own bounds (MAX_ORDER_QUANTITY, MAX_ORDER_VALUE) and the price a MARKET order is valued at. */
export interface OrderSizeLimits {
  bounds: OrderBounds;
  /** Paise: the last traded price, else the instrument's reference price; null when none is known. */
  referencePrice: number | null;
}

const STOPLOSS_TYPES: ReadonlySet<OrderType> = new Set(['STOPLOSS_LIMIT', 'STOPLOSS_MARKET']);
const LIMIT_PRICED_TYPES: ReadonlySet<OrderType> = new Set(['LIMIT', 'STOPLOSS_LIMIT']);

export function isStoplossType(orderType: OrderType): boolean {
  return STOPLOSS_TYPES.has(orderType);
}

/**
 * Every problem with the request, in field order; empty when the exchange would take it and,
 * with `limits`, when it is within the largest order Tandem places.
 */
export function validateOrderRequest(req: OrderRequest, instrument: InstrumentLimits, limits?: OrderSizeLimits): FieldProblem[] {
  const quantity = quantityProblems(req.quantity, instrument);
  if (quantity.length === 0 && limits) {
    const tooLarge = orderBoundProblem(`quantity ${formatCount(req.quantity)}`, req, instrument, limits.referencePrice, limits.bounds);
    if (tooLarge) quantity.push({ field: 'quantity', message: tooLarge });
  }
  return [...quantity, ...priceProblems(req, instrument), ...triggerProblems(req, instrument), ...varietyProblems(req)];
}

function quantityProblems(quantity: number, instrument: InstrumentLimits): FieldProblem[] {
  if (!Number.isSafeInteger(quantity) || quantity <= 0) {
    return [{ field: 'quantity', message: `quantity must be a whole number above 0, got ${quantity}` }];
  }
  const problems: FieldProblem[] = [];
  if (instrument.lotSize > 1 && quantity % instrument.lotSize !== 0) {
    problems.push({ field: 'quantity', message: `quantity ${quantity} is not a multiple of the lot size ${instrument.lotSize}` });
  }
  if (instrument.freezeQuantity !== null && quantity > instrument.freezeQuantity) {
    problems.push({
      field: 'quantity',
      message: `quantity ${quantity} is above the freeze quantity ${instrument.freezeQuantity}; split it into orders of at most ${instrument.freezeQuantity}`,
    });
  }
  return problems;
}

function priceProblems(req: OrderRequest, instrument: InstrumentLimits): FieldProblem[] {
  if (!LIMIT_PRICED_TYPES.has(req.orderType)) {
    // Brokers report a market order's price as 0, so a copied 0 is "no price", not an error.
    return isAbsent(req.price)
      ? []
      : [{ field: 'price', message: `a ${req.orderType} order takes no price; leave price empty or use a LIMIT type` }];
  }
  if (req.price === null) return [{ field: 'price', message: `a ${req.orderType} order needs a price` }];
  return pricedFieldProblems('price', req.price, instrument.tickSize);
}

function triggerProblems(req: OrderRequest, instrument: InstrumentLimits): FieldProblem[] {
  if (!isStoplossType(req.orderType)) {
    return isAbsent(req.triggerPrice)
      ? []
      : [{ field: 'triggerPrice', message: `a ${req.orderType} order takes no triggerPrice; use a STOPLOSS type` }];
  }
  if (req.triggerPrice === null) return [{ field: 'triggerPrice', message: `a ${req.orderType} order needs a triggerPrice` }];
  const problems = pricedFieldProblems('triggerPrice', req.triggerPrice, instrument.tickSize);
  if (problems.length > 0 || req.orderType !== 'STOPLOSS_LIMIT' || req.price === null) return problems;
  // A stop-loss BUY fires on the way up and then buys at up to the limit; SELL mirrors it.
  if (req.side === 'BUY' && req.triggerPrice > req.price) {
    return [
      {
        field: 'triggerPrice',
        message: `triggerPrice ${formatRupees(req.triggerPrice)} of a stop-loss BUY must not be above its price ${formatRupees(req.price)}`,
      },
    ];
  }
  if (req.side === 'SELL' && req.triggerPrice < req.price) {
    return [
      {
        field: 'triggerPrice',
        message: `triggerPrice ${formatRupees(req.triggerPrice)} of a stop-loss SELL must not be below its price ${formatRupees(req.price)}`,
      },
    ];
  }
  return [];
}

function varietyProblems(req: OrderRequest): FieldProblem[] {
  const stoplossType = isStoplossType(req.orderType);
  if (stoplossType && req.variety !== 'STOPLOSS') {
    return [{ field: 'variety', message: `a ${req.orderType} order needs variety STOPLOSS, got ${req.variety}` }];
  }
  if (!stoplossType && req.variety === 'STOPLOSS') {
    return [{ field: 'orderType', message: `variety STOPLOSS needs orderType STOPLOSS_LIMIT or STOPLOSS_MARKET, got ${req.orderType}` }];
  }
  return [];
}

function pricedFieldProblems(field: 'price' | 'triggerPrice', paise: number, tickSize: number): FieldProblem[] {
  if (!Number.isSafeInteger(paise)) return [{ field, message: `${field} has more than 2 decimals` }];
  if (paise <= 0) return [{ field, message: `${field} must be above 0, got ${formatRupees(paise)}` }];
  // Index rows in the scrip master carry tick 0; any whole paisa is on such a grid.
  if (tickSize > 0 && paise % tickSize !== 0) {
    return [{ field, message: `${field} ${formatRupees(paise)} is not a multiple of the tick size ${formatRupees(tickSize)}` }];
  }
  return [];
}

function isAbsent(paise: number | null): boolean {
  return paise === null || paise === 0;
}

/**
 * Rupees as the API receives them to integer paise. NaN when the amount is not a whole
 * number of paise (the caller reports "price has more than 2 decimals") or not finite.
 */
export function rupeesToPaise(rupees: number): number {
  if (!Number.isFinite(rupees)) return Number.NaN;
  const scaled = rupees * 100;
  const paise = Math.round(scaled);
  // 194.55 * 100 is 19454.999999999996: a float artefact, not a third decimal.
  if (Math.abs(scaled - paise) > 1e-6 || !Number.isSafeInteger(paise)) return Number.NaN;
  return paise === 0 ? 0 : paise;
}

/** Paise to rupees for the API edge only; never sum the results. */
export function paiseToRupees(paise: number): number {
  return paise / 100;
}

/** "954.90" from 95490, for messages a person reads. */
export function formatRupees(paise: number): string {
  const sign = paise < 0 ? '-' : '';
  const abs = Math.abs(paise);
  return `${sign}${Math.trunc(abs / 100)}.${String(abs % 100).padStart(2, '0')}`;
}
