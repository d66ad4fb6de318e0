import { describe, expect, it } from 'vitest';
import {
  formatRupees,
  paiseToRupees,
  rupeesToPaise,
  validateOrderRequest,
  type InstrumentLimits,
  type OrderRequest,
} from '../../server/src/core/order-rules.ts';

const SBIN: InstrumentLimits = { lotSize: 1, tickSize: 5, freezeQuantity: null };
const NIFTY_OPTION: InstrumentLimits = { lotSize: 25, tickSize: 5, freezeQuantity: 1800 };

const market: OrderRequest = {
  side: 'BUY',
  quantity: 10,
  orderType: 'MARKET',
  productType: 'INTRADAY',
  variety: 'NORMAL',
  price: null,
  triggerPrice: null,
};
const limit = (price: number | null, extra: Partial<OrderRequest> = {}): OrderRequest => ({
  ...market,
  orderType: 'LIMIT',
  price,
  ...extra,
});
const stoploss = (
  side: 'BUY' | 'SELL',
  orderType: 'STOPLOSS_LIMIT' | 'STOPLOSS_MARKET',
  price: number | null,
  triggerPrice: number | null,
): OrderRequest => ({
  ...market,
  side,
  orderType,
  variety: 'STOPLOSS',
  price,
  triggerPrice,
});

describe('rupeesToPaise', () => {
  it.each([
    [194.55, 19455],
    [0.05, 5],
    [1061, 106100],
    [954.9, 95490],
    [0.1 + 0.2, 30],
    [1167.1, 116710],
    [-12.5, -1250],
    [0, 0],
  ])('%s rupees is %s paise', (rupees, paise) => {
    expect(rupeesToPaise(rupees)).toBe(paise);
  });

  it.each([194.555, 0.001, 12.3456, Number.NaN, Number.POSITIVE_INFINITY])('%s rupees is not a whole number of paise', (rupees) => {
    expect(rupeesToPaise(rupees)).toBeNaN();
  });

  it('round-trips every paisa of 190.00-200.00 without float error', () => {
    for (let paise = 19000; paise <= 20000; paise += 1) {
      expect(rupeesToPaise(paiseToRupees(paise))).toBe(paise);
    }
  });
});

describe('formatRupees', () => {
  it.each([
    [95490, '954.90'],
    [19455, '194.55'],
    [5, '0.05'],
    [100, '1.00'],
    [-1250, '-12.50'],
  ])('%s paise reads %s', (paise, text) => {
    expect(formatRupees(paise)).toBe(text);
  });
});

describe('validateOrderRequest', () => {
  it.each<[string, OrderRequest, InstrumentLimits]>([
    ['a market order', market, SBIN],
    ['a limit at 194.55 (on the 5-paise tick)', limit(19455), SBIN],
    ['two lots of a 25-lot option', { ...market, quantity: 50 }, NIFTY_OPTION],
    ['exactly the freeze quantity', { ...market, quantity: 1800 }, NIFTY_OPTION],
    ['a market order carrying a broker price of 0', { ...market, price: 0 }, SBIN],
    ['an SL BUY with trigger below the limit', stoploss('BUY', 'STOPLOSS_LIMIT', 19500, 19455), SBIN],
    ['an SL BUY with trigger equal to the limit', stoploss('BUY', 'STOPLOSS_LIMIT', 19500, 19500), SBIN],
    ['an SL SELL with trigger above the limit', stoploss('SELL', 'STOPLOSS_LIMIT', 19400, 19455), SBIN],
    ['an SL-M SELL', stoploss('SELL', 'STOPLOSS_MARKET', null, 19000), SBIN],
    ['an AMO limit', limit(19455, { variety: 'AMO' }), SBIN],
    ['any whole paisa on an index with tick 0', limit(2214537), { lotSize: 1, tickSize: 0, freezeQuantity: null }],
  ])('accepts %s', (_name, req, instrument) => {
    expect(validateOrderRequest(req, instrument)).toEqual([]);
  });

  it.each<[string, OrderRequest, InstrumentLimits, string, string]>([
    ['quantity 0', { ...market, quantity: 0 }, SBIN, 'quantity', 'quantity must be a whole number above 0, got 0'],
    ['a negative quantity', { ...market, quantity: -5 }, SBIN, 'quantity', 'quantity must be a whole number above 0, got -5'],
    ['a fractional quantity', { ...market, quantity: 2.5 }, SBIN, 'quantity', 'quantity must be a whole number above 0, got 2.5'],
    ['30 of a 25 lot', { ...market, quantity: 30 }, NIFTY_OPTION, 'quantity', 'quantity 30 is not a multiple of the lot size 25'],
    ['one unit of a 25 lot', { ...market, quantity: 1 }, NIFTY_OPTION, 'quantity', 'quantity 1 is not a multiple of the lot size 25'],
    [
      'one lot above freeze',
      { ...market, quantity: 1825 },
      NIFTY_OPTION,
      'quantity',
      'quantity 1825 is above the freeze quantity 1800; split it into orders of at most 1800',
    ],
    ['a limit without price', limit(null), SBIN, 'price', 'a LIMIT order needs a price'],
    ['a limit at 0', limit(0), SBIN, 'price', 'price must be above 0, got 0.00'],
    ['a negative limit', limit(-500), SBIN, 'price', 'price must be above 0, got -5.00'],
    ['a limit off the tick', limit(19453), SBIN, 'price', 'price 194.53 is not a multiple of the tick size 0.05'],
    ['a limit with a third decimal (NaN from rupeesToPaise)', limit(Number.NaN), SBIN, 'price', 'price has more than 2 decimals'],
    [
      'a market order with a price',
      { ...market, price: 19455 },
      SBIN,
      'price',
      'a MARKET order takes no price; leave price empty or use a LIMIT type',
    ],
    [
      'an SL-M with a price',
      stoploss('BUY', 'STOPLOSS_MARKET', 19500, 19455),
      SBIN,
      'price',
      'a STOPLOSS_MARKET order takes no price; leave price empty or use a LIMIT type',
    ],
    ['an SL-L without price', stoploss('BUY', 'STOPLOSS_LIMIT', null, 19455), SBIN, 'price', 'a STOPLOSS_LIMIT order needs a price'],
    [
      'an SL without trigger',
      stoploss('SELL', 'STOPLOSS_MARKET', null, null),
      SBIN,
      'triggerPrice',
      'a STOPLOSS_MARKET order needs a triggerPrice',
    ],
    [
      'a trigger off the tick',
      stoploss('SELL', 'STOPLOSS_MARKET', null, 19001),
      SBIN,
      'triggerPrice',
      'triggerPrice 190.01 is not a multiple of the tick size 0.05',
    ],
    [
      'an SL BUY trigger above its limit',
      stoploss('BUY', 'STOPLOSS_LIMIT', 19455, 19460),
      SBIN,
      'triggerPrice',
      'triggerPrice 194.60 of a stop-loss BUY must not be above its price 194.55',
    ],
    [
      'an SL SELL trigger below its limit',
      stoploss('SELL', 'STOPLOSS_LIMIT', 19455, 19450),
      SBIN,
      'triggerPrice',
      'triggerPrice 194.50 of a stop-loss SELL must not be below its price 194.55',
    ],
    [
      'a limit with a trigger',
      limit(19455, { triggerPrice: 19400 }),
      SBIN,
      'triggerPrice',
      'a LIMIT order takes no triggerPrice; use a STOPLOSS type',
    ],
    [
      'an SL order as NORMAL',
      { ...stoploss('BUY', 'STOPLOSS_MARKET', null, 19455), variety: 'NORMAL' },
      SBIN,
      'variety',
      'a STOPLOSS_MARKET order needs variety STOPLOSS, got NORMAL',
    ],
    [
      'an SL order as AMO',
      { ...stoploss('BUY', 'STOPLOSS_MARKET', null, 19455), variety: 'AMO' },
      SBIN,
      'variety',
      'a STOPLOSS_MARKET order needs variety STOPLOSS, got AMO',
    ],
    [
      'variety STOPLOSS on a limit',
      limit(19455, { variety: 'STOPLOSS' }),
      SBIN,
      'orderType',
      'variety STOPLOSS needs orderType STOPLOSS_LIMIT or STOPLOSS_MARKET, got LIMIT',
    ],
  ])('rejects %s', (_name, req, instrument, field, message) => {
    expect(validateOrderRequest(req, instrument)).toEqual([{ field, message }]);
  });

  it('reports every problem at once, not only the first', () => {
    const problems = validateOrderRequest({ ...limit(19453), quantity: 1830, variety: 'STOPLOSS' }, NIFTY_OPTION);
    expect(problems.map((p) => p.field)).toEqual(['quantity', 'quantity', 'price', 'orderType']);
  });
});
