import { describe, expect, it } from 'vitest';
import { orderBoundProblem, orderRowProblem, type OrderBounds, type ValuedOrder } from '../../server/src/core/order-bounds.ts';
import { validateOrderRequest, type OrderRequest } from '../../server/src/core/order-rules.ts';
import { planChildModification, type ReplicationRules } from '../../server/src/core/replication/modification.ts';
import { planChild } from '../../server/src/core/replication/plan.ts';
import type {
  FollowerFacts,
  InstrumentSizing,
  MasterOrderFacts,
  MultiplierRules,
  PlanInput,
} from '../../server/src/core/replication/plan-types.ts';

// MAX_ORDER_QUANTITY 100,000 and MAX_ORDER_VALUE ₹5 crore, the defaults.
const BOUNDS: OrderBounds = { maxQuantity: 100_000, maxValue: 5_000_000_000 };
const EQUITY = { lotSize: 1, freezeQuantity: null, tickSize: 5 } satisfies InstrumentSizing;
const NIFTY_FUT = { lotSize: 65, freezeQuantity: 1800, tickSize: 10 } satisfies InstrumentSizing;

const market = (quantity: number): ValuedOrder => ({ quantity, orderType: 'MARKET', price: null, triggerPrice: null });

describe('orderBoundProblem: the largest order Tandem places', () => {
  it('refuses more shares than MAX_ORDER_QUANTITY of a cash equity, and takes exactly that many', () => {
    expect(orderBoundProblem('copy of 4,294,967,294 shares', market(4_294_967_294), EQUITY, 100, BOUNDS)).toBe(
      'copy of 4,294,967,294 shares exceeds the largest order Tandem places (MAX_ORDER_QUANTITY 100,000)',
    );
    expect(orderBoundProblem('quantity 100,000', market(100_000), EQUITY, 100, BOUNDS)).toBeNull();
    expect(orderBoundProblem('quantity 100,001', market(100_001), EQUITY, 100, BOUNDS)).toMatch(/MAX_ORDER_QUANTITY 100,000/);
  });

  it('values a MARKET order at the reference price, a LIMIT at its price, a stop-loss at its trigger', () => {
    // 60,000 × ₹954.90 is ₹5,72,94,000.
    expect(orderBoundProblem('quantity 60,000', market(60_000), EQUITY, 95_490, BOUNDS)).toBe(
      'quantity 60,000 worth ₹5,72,94,000 at ₹954.90 exceeds the largest order value Tandem places (MAX_ORDER_VALUE ₹5,00,00,000)',
    );
    const limit: ValuedOrder = { quantity: 60_000, orderType: 'LIMIT', price: 80_000, triggerPrice: null };
    expect(orderBoundProblem('quantity 60,000', limit, EQUITY, 95_490, BOUNDS)).toBeNull();
    const stop: ValuedOrder = { quantity: 60_000, orderType: 'STOPLOSS_MARKET', price: null, triggerPrice: 90_000 };
    expect(orderBoundProblem('quantity 60,000', stop, EQUITY, 50_000, BOUNDS)).toMatch(/worth ₹5,40,00,000 at ₹900 exceeds/);
  });

  it('takes an order worth exactly MAX_ORDER_VALUE and refuses one paisa more, even past 2^53 paise', () => {
    expect(orderBoundProblem('q', market(50_000), EQUITY, 100_000, BOUNDS)).toBeNull();
    expect(orderBoundProblem('q', { ...market(50_000), orderType: 'LIMIT', price: 100_001 }, EQUITY, null, BOUNDS)).toMatch(
      /worth ₹5,00,00,500 at ₹1,000.01/,
    );
    // 2^53 + 1 paise would round to 2^53 in floating point and pass.
    const huge: OrderBounds = { maxQuantity: 2_000_000_000, maxValue: 2 ** 53 };
    expect(orderBoundProblem('q', { ...market(1), orderType: 'LIMIT', price: 2 ** 53 }, EQUITY, null, huge)).toBeNull();
    expect(orderBoundProblem('q', { ...market(3), orderType: 'LIMIT', price: 3_002_399_751_580_331 }, EQUITY, null, huge)).toMatch(
      /exceeds/,
    );
  });

  it('with a freeze quantity, bounds the value but not the quantity (legs split at the freeze instead)', () => {
    // 130,000 units of NIFTY at ₹1 each: above MAX_ORDER_QUANTITY, well under MAX_ORDER_VALUE.
    expect(orderBoundProblem('copy', market(130_000), NIFTY_FUT, 100, BOUNDS)).toBeNull();
    expect(orderBoundProblem('copy of 4,355 shares', market(4_355), NIFTY_FUT, 2_415_000, BOUNDS)).toBe(
      'copy of 4,355 shares worth ₹10,51,73,250 at ₹24,150 exceeds the largest order value Tandem places (MAX_ORDER_VALUE ₹5,00,00,000)',
    );
  });

  it('with a freeze quantity and no price to value it, falls back on MAX_ORDER_QUANTITY so the legs stay bounded', () => {
    expect(orderBoundProblem('copy of 130,000 shares', market(130_000), NIFTY_FUT, null, BOUNDS)).toBe(
      'copy of 130,000 shares exceeds the largest order Tandem places (MAX_ORDER_QUANTITY 100,000, as no price is known to value it against MAX_ORDER_VALUE)',
    );
    expect(orderBoundProblem('copy', market(99_970), NIFTY_FUT, null, BOUNDS)).toBeNull();
  });
});

describe('orderRowProblem: what one order row holds', () => {
  it('refuses a leg beyond the int4 quantity column and takes one at its edge', () => {
    expect(orderRowProblem('copy of 3,750,000,000 shares', [3_750_000_000], { price: null, triggerPrice: null })).toBe(
      'copy of 3,750,000,000 shares is more than one order can carry (2,147,483,647 shares)',
    );
    expect(orderRowProblem('copy', [2_147_483_647, 1], { price: null, triggerPrice: null })).toBeNull();
  });

  it('refuses a price that is not whole paise', () => {
    expect(orderRowProblem('copy of 10 shares', [10], { price: 1234.5, triggerPrice: null })).toBe(
      'copy of 10 shares has a price that is not a whole number of paise Tandem can store',
    );
  });
});

const PLACED = new Date('2026-03-02T04:00:00.000Z');
const master: MasterOrderFacts = {
  side: 'BUY',
  quantity: 2_147_483_647,
  orderType: 'MARKET',
  productType: 'INTRADAY',
  variety: 'NORMAL',
  price: null,
  triggerPrice: null,
  exchange: 'NSE',
  symbol: 'SBIN-EQ',
  placedAt: PLACED,
  detectedAt: new Date(PLACED.getTime() + 50),
  masterPositionBefore: 0,
};
const rules: MultiplierRules = {
  mode: 'MULTIPLY',
  factor: '2',
  fixedLots: null,
  maxQuantity: null,
  maxOrderValue: null,
  symbolsAllow: [],
  symbolsDeny: [],
  exchanges: [],
  productType: null,
  copyAmo: true,
  zeroQuantityPolicy: 'SKIP',
  paused: false,
};
const follower: FollowerFacts = {
  killSwitch: false,
  copyEnabled: true,
  label: 'Ravi',
  position: 0,
  ordersToday: 0,
  maxOrdersPerDay: null,
  realisedPnlToday: 0,
  maxLossPerDay: null,
};
const input = (
  change: Partial<PlanInput> & { masterChange?: Partial<MasterOrderFacts>; rulesChange?: Partial<MultiplierRules> },
): PlanInput => ({
  master: { ...master, ...change.masterChange },
  rules: { ...rules, ...change.rulesChange },
  follower,
  instrument: change.instrument ?? EQUITY,
  globalKillSwitch: false,
  referencePrice: change.referencePrice === undefined ? 100_000 : change.referencePrice,
  maxCopyDelaySeconds: 30,
  bounds: change.bounds ?? BOUNDS,
});

describe('planChild: a copy beyond the bounds is skipped with its reason', () => {
  it('the reproduction: x2 of 2,147,483,647 shares is skipped, naming MAX_ORDER_QUANTITY', () => {
    expect(planChild(input({}))).toEqual({
      kind: 'skip',
      reason: 'copy of 4,294,967,294 shares exceeds the largest order Tandem places (MAX_ORDER_QUANTITY 100,000)',
    });
  });

  it('a copy worth more than MAX_ORDER_VALUE is skipped; the same master at x1 is copied', () => {
    // 30,000 at ₹1,000 is ₹3 crore; at x2 ₹6 crore.
    expect(planChild(input({ masterChange: { quantity: 30_000 } }))).toEqual({
      kind: 'skip',
      reason:
        'copy of 60,000 shares worth ₹6,00,00,000 at ₹1,000 exceeds the largest order value Tandem places (MAX_ORDER_VALUE ₹5,00,00,000)',
    });
    expect(planChild(input({ masterChange: { quantity: 30_000 }, rulesChange: { factor: '1' } }))).toMatchObject({
      kind: 'copy',
      legs: [30_000],
    });
  });

  it('above the freeze quantity the copy is still split into legs, within MAX_ORDER_VALUE', () => {
    // 1,755 NIFTY at ₹100 (27 lots) x2 is 3,510: two legs of 1,755, worth ₹3,51,000.
    const nifty = input({
      instrument: NIFTY_FUT,
      referencePrice: 10_000,
      masterChange: { quantity: 1_755, exchange: 'NFO', symbol: 'NIFTY28JUL26FUT' },
    });
    expect(planChild(nifty)).toMatchObject({ kind: 'copy', legs: [1_755, 1_755] });
  });

  it('a copy that would not fit an order row is skipped even if the bounds were set beyond it', () => {
    const beyond: OrderBounds = { maxQuantity: Number.MAX_SAFE_INTEGER, maxValue: Number.MAX_SAFE_INTEGER };
    expect(planChild(input({ bounds: beyond, referencePrice: 1, masterChange: { quantity: 1_875_000_000 } }))).toEqual({
      kind: 'skip',
      reason: 'copy of 3,750,000,000 shares is more than one order can carry (2,147,483,647 shares)',
    });
  });
});

describe('planChildModification: a modification beyond the bounds is not copied', () => {
  it('the master raised to 60,000 at x2 would make the copy 120,000: left as it is, saying why', () => {
    const replicationRules: ReplicationRules = { ...rules, copyModifications: true, copyCancellations: true };
    const plan = planChildModification({
      master: { ...master, quantity: 60_000 },
      rules: replicationRules,
      follower,
      instrument: EQUITY,
      globalKillSwitch: false,
      referencePrice: 100,
      bounds: BOUNDS,
      child: { orderType: 'MARKET', price: null, triggerPrice: null, legs: [{ leg: 0, quantity: 200, filledQuantity: 0, open: true }] },
    });
    expect(plan).toEqual({
      kind: 'skip',
      reason: 'modification not copied: copy of 120,000 shares exceeds the largest order Tandem places (MAX_ORDER_QUANTITY 100,000)',
    });
  });
});

describe("validateOrderRequest with Tandem's bounds (placeOrder)", () => {
  const request = (change: Partial<OrderRequest>): OrderRequest => ({
    side: 'BUY',
    quantity: 10,
    orderType: 'MARKET',
    productType: 'INTRADAY',
    variety: 'NORMAL',
    price: null,
    triggerPrice: null,
    ...change,
  });
  const limits = { bounds: BOUNDS, referencePrice: 101_000 };

  it('refuses the reproduction (2,147,483,647 shares) on quantity', () => {
    expect(validateOrderRequest(request({ quantity: 2_147_483_647 }), EQUITY, limits)).toEqual([
      { field: 'quantity', message: 'quantity 2,147,483,647 exceeds the largest order Tandem places (MAX_ORDER_QUANTITY 100,000)' },
    ]);
  });

  it('refuses a MARKET order worth more than MAX_ORDER_VALUE at the last price, on quantity', () => {
    expect(validateOrderRequest(request({ quantity: 50_000 }), EQUITY, limits)).toEqual([
      {
        field: 'quantity',
        message:
          'quantity 50,000 worth ₹5,05,00,000 at ₹1,010 exceeds the largest order value Tandem places (MAX_ORDER_VALUE ₹5,00,00,000)',
      },
    ]);
    expect(validateOrderRequest(request({ quantity: 49_504 }), EQUITY, limits)).toEqual([]);
  });

  it("reports the exchange's own quantity problem rather than the bound when both apply", () => {
    expect(validateOrderRequest(request({ quantity: 1_000_000 }), NIFTY_FUT, limits).map((p) => p.message)).toEqual([
      'quantity 1000000 is not a multiple of the lot size 65',
      'quantity 1000000 is above the freeze quantity 1800; split it into orders of at most 1800',
    ]);
  });
});
