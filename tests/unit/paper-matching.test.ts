import { describe, expect, it } from 'vitest';
import {
  acceptOnPlacement,
  matchOrder,
  MARKET_CLOSED_REASON,
  releaseAmo,
  type MatchDecision,
  type PaperOrder,
  type PaperOrderTerms,
  type PlacementDecision,
} from '../../server/src/core/paper/matching.ts';
import { createPriceWalk, mulberry32, priceBand } from '../../server/src/core/paper/price-walk.ts';

// Reference 1061.00: the day's band is 954.90-1167.10.
const BAND = priceBand(106100);
const LAST = 106100;

const terms = (over: Partial<PaperOrderTerms>): PaperOrderTerms => ({
  side: 'BUY',
  orderType: 'MARKET',
  price: null,
  triggerPrice: null,
  ...over,
});
const resting = (over: Partial<PaperOrder>): PaperOrder => ({
  side: 'BUY',
  orderType: 'LIMIT',
  price: 106000,
  triggerPrice: null,
  quantity: 10,
  filledQuantity: 0,
  status: 'open',
  ...over,
});

describe('priceBand', () => {
  it.each([
    [106100, 10, 5, { low: 95490, high: 116710 }],
    [19455, 10, 5, { low: 17510, high: 21400 }],
    [19455, 20, 5, { low: 15565, high: 23345 }],
    [1000, 5, 1, { low: 950, high: 1050 }],
    [5, 10, 5, { low: 5, high: 5 }],
  ])('%s paise at %s%% on a %s-paise tick is %o', (reference, pct, tick, band) => {
    expect(priceBand(reference, pct, tick)).toEqual(band);
  });
});

describe('acceptOnPlacement', () => {
  it.each<[string, PaperOrderTerms, boolean, 'NORMAL' | 'STOPLOSS' | 'AMO', 'always' | 'nse', PlacementDecision]>([
    ['a market order in session', terms({}), true, 'NORMAL', 'nse', { kind: 'accept', status: 'open' }],
    ['a limit at the band low', terms({ orderType: 'LIMIT', price: 95490 }), true, 'NORMAL', 'nse', { kind: 'accept', status: 'open' }],
    [
      'a limit at the band high',
      terms({ orderType: 'LIMIT', side: 'SELL', price: 116710 }),
      true,
      'NORMAL',
      'always',
      { kind: 'accept', status: 'open' },
    ],
    [
      'a limit below the band',
      terms({ orderType: 'LIMIT', price: 90000 }),
      true,
      'NORMAL',
      'nse',
      { kind: 'reject', reason: "Price 900.00 is outside the day's band 954.90-1167.10" },
    ],
    [
      'a limit one tick above the band',
      terms({ orderType: 'LIMIT', price: 116715 }),
      true,
      'NORMAL',
      'nse',
      { kind: 'reject', reason: "Price 1167.15 is outside the day's band 954.90-1167.10" },
    ],
    [
      'an SL-M trigger outside the band',
      terms({ orderType: 'STOPLOSS_MARKET', triggerPrice: 120000 }),
      true,
      'STOPLOSS',
      'nse',
      { kind: 'reject', reason: "Trigger price 1200.00 is outside the day's band 954.90-1167.10" },
    ],
    [
      'an SL BUY triggering above the last price',
      terms({ orderType: 'STOPLOSS_MARKET', triggerPrice: 107000 }),
      true,
      'STOPLOSS',
      'nse',
      { kind: 'accept', status: 'trigger pending' },
    ],
    [
      'an SL BUY whose trigger the price already passed',
      terms({ orderType: 'STOPLOSS_LIMIT', price: 106000, triggerPrice: 105000 }),
      true,
      'STOPLOSS',
      'nse',
      { kind: 'reject', reason: 'Trigger price 1050.00 of a stop-loss BUY must be above the last price 1061.00' },
    ],
    [
      'an SL SELL at the last price',
      terms({ side: 'SELL', orderType: 'STOPLOSS_MARKET', triggerPrice: LAST }),
      true,
      'STOPLOSS',
      'nse',
      { kind: 'reject', reason: 'Trigger price 1061.00 of a stop-loss SELL must be below the last price 1061.00' },
    ],
    [
      'an SL SELL triggering below the last price',
      terms({ side: 'SELL', orderType: 'STOPLOSS_LIMIT', price: 104000, triggerPrice: 105000 }),
      true,
      'STOPLOSS',
      'nse',
      { kind: 'accept', status: 'trigger pending' },
    ],
    ['a NORMAL order after hours', terms({}), false, 'NORMAL', 'nse', { kind: 'reject', reason: MARKET_CLOSED_REASON }],
    [
      'a STOPLOSS order after hours',
      terms({ orderType: 'STOPLOSS_MARKET', triggerPrice: 107000 }),
      false,
      'STOPLOSS',
      'nse',
      { kind: 'reject', reason: MARKET_CLOSED_REASON },
    ],
    ['an AMO after hours', terms({ orderType: 'LIMIT', price: 106000 }), false, 'AMO', 'nse', { kind: 'accept', status: 'amo queued' }],
    [
      'an AMO outside the band after hours',
      terms({ orderType: 'LIMIT', price: 90000 }),
      false,
      'AMO',
      'nse',
      { kind: 'reject', reason: "Price 900.00 is outside the day's band 954.90-1167.10" },
    ],
    ['an AMO in always mode (held for the demo delay)', terms({}), true, 'AMO', 'always', { kind: 'accept', status: 'amo queued' }],
    ['an AMO during the NSE session (goes to the book)', terms({}), true, 'AMO', 'nse', { kind: 'accept', status: 'open' }],
  ])('%s', (_name, order, marketOpen, variety, mode, decision) => {
    expect(acceptOnPlacement(order, LAST, BAND, marketOpen, variety, mode)).toEqual(decision);
  });
});

describe('releaseAmo', () => {
  it('puts a queued order on the book when the session opens', () => {
    expect(releaseAmo(terms({ orderType: 'LIMIT', price: 106000 }), LAST, BAND)).toEqual({ kind: 'accept', status: 'open' });
  });

  it("rejects a queued limit that falls outside the new day's band", () => {
    expect(releaseAmo(terms({ orderType: 'LIMIT', price: 106000 }), 94000, priceBand(94000))).toEqual({
      kind: 'reject',
      reason: "Price 1060.00 is outside the day's band 846.00-1034.00",
    });
  });
});

describe('matchOrder', () => {
  it.each<[string, PaperOrder, number, MatchDecision]>([
    [
      'a market BUY fills at the last price',
      resting({ orderType: 'MARKET', price: null }),
      106135,
      { kind: 'fill', price: 106135, quantity: 10 },
    ],
    [
      'a market SELL fills the unfilled remainder',
      resting({ side: 'SELL', orderType: 'MARKET', price: null, filledQuantity: 4 }),
      106135,
      { kind: 'fill', price: 106135, quantity: 6 },
    ],
    [
      'a limit BUY above the market fills at the better last price',
      resting({ price: 106000 }),
      105950,
      { kind: 'fill', price: 105950, quantity: 10 },
    ],
    ['a limit BUY fills when last equals the limit', resting({ price: 106000 }), 106000, { kind: 'fill', price: 106000, quantity: 10 }],
    ['a limit BUY rests one tick above', resting({ price: 106000 }), 106005, { kind: 'rest' }],
    [
      'a limit SELL fills at the better last price',
      resting({ side: 'SELL', price: 106000 }),
      106050,
      { kind: 'fill', price: 106050, quantity: 10 },
    ],
    [
      'a limit SELL fills when last equals the limit',
      resting({ side: 'SELL', price: 106000 }),
      106000,
      { kind: 'fill', price: 106000, quantity: 10 },
    ],
    ['a limit SELL rests one tick below', resting({ side: 'SELL', price: 106000 }), 105995, { kind: 'rest' }],
    [
      'a modified limit outside the band is rejected',
      resting({ price: 120000 }),
      LAST,
      { kind: 'reject', reason: "Price 1200.00 is outside the day's band 954.90-1167.10" },
    ],
    [
      'an SL BUY triggers when last reaches the trigger',
      resting({ orderType: 'STOPLOSS_MARKET', price: null, triggerPrice: 107000, status: 'trigger pending' }),
      107000,
      { kind: 'trigger' },
    ],
    [
      'an SL BUY triggers when last jumps past the trigger',
      resting({ orderType: 'STOPLOSS_LIMIT', price: 107500, triggerPrice: 107000, status: 'trigger pending' }),
      107200,
      { kind: 'trigger' },
    ],
    [
      'an SL BUY waits one tick below the trigger',
      resting({ orderType: 'STOPLOSS_MARKET', price: null, triggerPrice: 107000, status: 'trigger pending' }),
      106995,
      { kind: 'rest' },
    ],
    [
      'an SL SELL triggers when last reaches the trigger',
      resting({ side: 'SELL', orderType: 'STOPLOSS_MARKET', price: null, triggerPrice: 105000, status: 'trigger pending' }),
      105000,
      { kind: 'trigger' },
    ],
    [
      'an SL SELL triggers when last gaps below the trigger',
      resting({ side: 'SELL', orderType: 'STOPLOSS_LIMIT', price: 104500, triggerPrice: 105000, status: 'trigger pending' }),
      104000,
      { kind: 'trigger' },
    ],
    [
      'an SL SELL waits one tick above the trigger',
      resting({ side: 'SELL', orderType: 'STOPLOSS_MARKET', price: null, triggerPrice: 105000, status: 'trigger pending' }),
      105005,
      { kind: 'rest' },
    ],
    [
      'a triggered SL-M BUY fills as market',
      resting({ orderType: 'STOPLOSS_MARKET', price: null, triggerPrice: 107000 }),
      107300,
      { kind: 'fill', price: 107300, quantity: 10 },
    ],
    [
      'a triggered SL-L BUY fills as a limit',
      resting({ orderType: 'STOPLOSS_LIMIT', price: 107500, triggerPrice: 107000 }),
      107200,
      { kind: 'fill', price: 107200, quantity: 10 },
    ],
    [
      'a triggered SL-L BUY rests when the market ran past its limit',
      resting({ orderType: 'STOPLOSS_LIMIT', price: 107500, triggerPrice: 107000 }),
      107600,
      { kind: 'rest' },
    ],
    [
      'a triggered SL-L SELL rests when the market fell past its limit',
      resting({ side: 'SELL', orderType: 'STOPLOSS_LIMIT', price: 104500, triggerPrice: 105000 }),
      104000,
      { kind: 'rest' },
    ],
    [
      'a queued AMO waits for its release whatever the price',
      resting({ orderType: 'MARKET', price: null, status: 'amo queued' }),
      LAST,
      { kind: 'rest' },
    ],
    [
      'a complete order does nothing',
      resting({ orderType: 'MARKET', price: null, filledQuantity: 10, status: 'complete' }),
      LAST,
      { kind: 'rest' },
    ],
    ['a cancelled order does nothing', resting({ status: 'cancelled' }), 100000, { kind: 'rest' }],
  ])('%s', (_name, order, last, decision) => {
    expect(matchOrder(order, last, BAND)).toEqual(decision);
  });
});

describe('price walk', () => {
  const referencePrices = new Map([
    ['3045', 19455],
    ['2885', 106100],
    ['35863', 2214500],
  ]);
  const tickSizes = new Map([
    ['3045', 5],
    ['2885', 5],
    ['35863', 5],
  ]);
  const run = (seed: number, prices = referencePrices, steps = 500): string[] => {
    const walk = createPriceWalk({ seed, referencePrices: prices, tickSizes });
    const seen: string[] = [];
    for (let i = 0; i < steps; i += 1) {
      walk.step();
      seen.push(['3045', '2885', '35863'].map((token) => walk.price(token)).join(','));
    }
    return seen;
  };

  it('replays the same prices for the same seed', () => {
    expect(run(42)).toEqual(run(42));
  });

  it('gives another path for another seed', () => {
    expect(run(43)).not.toEqual(run(42));
  });

  it('does not depend on the order the instruments were listed in', () => {
    expect(run(7, new Map([...referencePrices].reverse()))).toEqual(run(7));
  });

  it('starts at the reference price and actually moves', () => {
    const walk = createPriceWalk({ seed: 1, referencePrices, tickSizes });
    expect(walk.price('3045')).toBe(19455);
    const seen = new Set<number | undefined>();
    for (let i = 0; i < 50; i += 1) {
      walk.step();
      seen.add(walk.price('3045'));
    }
    expect(seen.size).toBeGreaterThan(3);
  });

  it('stays on the tick, above one tick and within 5% of the reference over a long run', () => {
    const walk = createPriceWalk({
      seed: 9,
      referencePrices: new Map([
        ['A', 19455],
        ['B', 10],
      ]),
      tickSizes: new Map([
        ['A', 5],
        ['B', 5],
      ]),
      maxStepBps: 500,
    });
    for (let i = 0; i < 20_000; i += 1) {
      walk.step();
      const a = walk.price('A') ?? Number.NaN;
      const b = walk.price('B') ?? Number.NaN;
      expect(a % 5).toBe(0);
      expect(a).toBeGreaterThanOrEqual(18485);
      expect(a).toBeLessThanOrEqual(20425);
      expect(b).toBeGreaterThanOrEqual(5);
    }
  });

  it('knows nothing of an unlisted token', () => {
    const walk = createPriceWalk({ seed: 1, referencePrices, tickSizes });
    expect(walk.price('99999')).toBeUndefined();
    expect(walk.band('99999')).toBeUndefined();
  });

  it("reports each instrument's band around its reference", () => {
    const walk = createPriceWalk({ seed: 1, referencePrices, tickSizes });
    expect(walk.band('2885')).toEqual({ low: 95490, high: 116710 });
  });

  it('lets a test move the price onto a trigger, and refuses one off the tick or outside the band', () => {
    const walk = createPriceWalk({ seed: 1, referencePrices, tickSizes });
    walk.setPrice('2885', 116710);
    expect(walk.price('2885')).toBe(116710);
    walk.step();
    expect(walk.price('2885')).toBeLessThanOrEqual(116710);
    expect(() => walk.setPrice('2885', 106102)).toThrow(RangeError);
    expect(() => walk.setPrice('2885', 116715)).toThrow(RangeError);
    expect(() => walk.setPrice('99999', 100)).toThrow(RangeError);
  });

  it('draws numbers in [0, 1) from mulberry32, the same for the same seed', () => {
    const a = mulberry32(123);
    const b = mulberry32(123);
    for (let i = 0; i < 1000; i += 1) {
      const x = a();
      expect(x).toBe(b());
      expect(x).toBeGreaterThanOrEqual(0);
      expect(x).toBeLessThan(1);
    }
  });
});
