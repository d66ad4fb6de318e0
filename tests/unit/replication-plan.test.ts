import { describe, expect, it } from 'vitest';
import type { OrderBounds } from '../../server/src/core/order-bounds.ts';
import { planChild } from '../../server/src/core/replication/plan.ts';
import type {
  ChildPlan,
  FollowerFacts,
  InstrumentSizing,
  MasterOrderFacts,
  MultiplierRules,
  PlanInput,
} from '../../server/src/core/replication/plan-types.ts';

const PLACED = new Date('2026-03-02T04:00:00.000Z');
const afterPlaced = (ms: number) => new Date(PLACED.getTime() + ms);

/** The defaults: MAX_ORDER_QUANTITY 100,000 and MAX_ORDER_VALUE ₹5 crore. */
const DEFAULT_BOUNDS: OrderBounds = { maxQuantity: 100_000, maxValue: 5_000_000_000 };
const EQUITY: InstrumentSizing = { lotSize: 1, freezeQuantity: null, tickSize: 5 };
const NIFTY_FUT: InstrumentSizing = { lotSize: 25, freezeQuantity: 1800, tickSize: 10 };
const NIFTY_OPT: InstrumentSizing = { lotSize: 65, freezeQuantity: 1800, tickSize: 5 };

const baseMaster: MasterOrderFacts = {
  side: 'BUY',
  quantity: 40,
  orderType: 'MARKET',
  productType: 'INTRADAY',
  variety: 'NORMAL',
  price: null,
  triggerPrice: null,
  exchange: 'NSE',
  symbol: 'SBIN-EQ',
  placedAt: PLACED,
  detectedAt: afterPlaced(400),
  masterPositionBefore: 0,
  unsupportedKind: null,
};
const baseRules: MultiplierRules = {
  mode: 'MULTIPLY',
  factor: '1',
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
const baseFollower: FollowerFacts = {
  killSwitch: false,
  copyEnabled: true,
  label: 'Ravi',
  position: 0,
  ordersToday: 0,
  maxOrdersPerDay: null,
  realisedPnlToday: 0,
  maxLossPerDay: null,
};

interface Case {
  master?: Partial<MasterOrderFacts>;
  rules?: Partial<MultiplierRules>;
  follower?: Partial<FollowerFacts>;
  instrument?: InstrumentSizing;
  globalKillSwitch?: boolean;
  referencePrice?: number | null;
  maxCopyDelaySeconds?: number;
  bounds?: OrderBounds;
}

function inputOf(c: Case): PlanInput {
  return {
    master: { ...baseMaster, ...c.master },
    rules: { ...baseRules, ...c.rules },
    follower: { ...baseFollower, ...c.follower },
    instrument: c.instrument ?? EQUITY,
    globalKillSwitch: c.globalKillSwitch ?? false,
    referencePrice: c.referencePrice === undefined ? 95490 : c.referencePrice,
    maxCopyDelaySeconds: c.maxCopyDelaySeconds ?? 30,
    bounds: c.bounds ?? DEFAULT_BOUNDS,
  };
}

const plan = (c: Case): ChildPlan => planChild(inputOf(c));

function copied(c: Case): { side: string; productType: string; legs: number[]; notes: string[] } {
  const result = plan(c);
  if (result.kind !== 'copy') throw new Error(`expected a copy, got skip: ${result.reason}`);
  return result;
}

function skipped(c: Case): string {
  const result = plan(c);
  if (result.kind !== 'skip') throw new Error(`expected a skip, got ${result.side} ${result.legs.join('+')}`);
  return result.reason;
}

describe('planChild: the issue cases', () => {
  it('a paper master with 3 followers (1, 2.5, -1): master BUY 40 of a lot-1 stock yields BUY 40, BUY 100, SELL 40', () => {
    const children = ['1', '2.5', '-1'].map((factor) => copied({ rules: { factor } }));
    expect(children.map((c) => [c.side, c.legs])).toEqual([
      ['BUY', [40]],
      ['BUY', [100]],
      ['SELL', [40]],
    ]);
  });

  it.each([
    {
      master: 75,
      factors: ['1', '2.5', '-1'],
      expected: [
        ['BUY', [75]],
        ['BUY', [175]],
        ['SELL', [75]],
      ],
    },
    {
      master: 50,
      factors: ['1', '2.5', '-1'],
      expected: [
        ['BUY', [50]],
        ['BUY', [125]],
        ['SELL', [50]],
      ],
    },
    { master: 25, factors: ['0.5', '1.5', '-2.2'], expected: [null, ['BUY', [25]], ['SELL', [50]]] },
  ])('for a 25-lot index future, master BUY $master rounds each follower down to lots', ({ master, factors, expected }) => {
    const results = factors.map((factor) =>
      plan({
        master: { quantity: master, exchange: 'NFO', symbol: 'NIFTY26MARFUT', productType: 'CARRYFORWARD' },
        rules: { factor },
        instrument: NIFTY_FUT,
      }),
    );
    expect(results.map((r) => (r.kind === 'copy' ? [r.side, r.legs] : null))).toEqual(expected);
  });

  it('factor 0.57 on 100 is 57, not the 56 a float product gives', () => {
    expect(copied({ master: { quantity: 100 }, rules: { factor: '0.57' } }).legs).toEqual([57]);
  });

  it('reverse + lots + freeze split + caps together', () => {
    const child = copied({
      master: {
        side: 'BUY',
        quantity: 1300,
        orderType: 'LIMIT',
        price: 12000,
        exchange: 'NFO',
        symbol: 'NIFTY26MAR24000CE',
        productType: 'CARRYFORWARD',
      },
      rules: { factor: '-2.5', maxQuantity: 3000 },
      instrument: NIFTY_OPT,
    });
    // 1300 x 2.5 = 3250 (50 lots); maxQuantity 3000 leaves 46 lots = 2990; freeze 1800 gives legs of 27 lots.
    expect(child).toEqual({
      kind: 'copy',
      side: 'SELL',
      productType: 'CARRYFORWARD',
      legs: [1755, 1235],
      notes: ['capped at maxQuantity 3000: 2990 in whole lots of 65', 'split into 2 orders of at most 1755 (freeze quantity 1800)'],
    });
  });

  it('reverse + lots + freeze split + value cap together, with the value cap binding harder', () => {
    const child = copied({
      master: {
        side: 'SELL',
        quantity: 1950,
        orderType: 'LIMIT',
        price: 10000,
        exchange: 'NFO',
        symbol: 'NIFTY26MAR24000PE',
        productType: 'CARRYFORWARD',
      },
      rules: { factor: '-3', maxQuantity: 6000, maxOrderValue: 40_000_000 },
      instrument: NIFTY_OPT,
    });
    // 5850 wanted; 400000.00 at 100.00 buys 4000, i.e. 61 lots = 3965.
    expect(child.side).toBe('BUY');
    expect(child.legs).toEqual([1755, 1755, 455]);
    expect(child.notes).toContain('capped at maxOrderValue 400000.00 at 100.00: 3965');
  });
});

describe('planChild: checks, each with the reason a person reads', () => {
  it.each<[string, Case, string]>([
    ['detected late', { master: { detectedAt: afterPlaced(95_000) } }, 'detected 95 s late (limit 30 s)'],
    ['detected a fraction late', { master: { detectedAt: afterPlaced(30_040) } }, 'detected 30.1 s late (limit 30 s)'],
    [
      'seen in time, planned late (a restart)',
      { master: { plannedAt: afterPlaced(3_600_000) } },
      'copy would go out 3600 s after the master was placed (limit 30 s)',
    ],
    ['an unsupported kind', { master: { unsupportedKind: 'BO' } }, 'BO orders are not copied'],
    ['the global kill switch', { globalKillSwitch: true }, 'kill switch engaged (global)'],
    ['the follower kill switch', { follower: { killSwitch: true } }, 'kill switch engaged for follower Ravi'],
    ['copying turned off', { follower: { copyEnabled: false } }, 'copying is turned off for follower Ravi'],
    ['a paused multiplier', { rules: { paused: true } }, 'multiplier is paused'],
    ['another exchange', { rules: { exchanges: ['NFO', 'BSE'] } }, "exchange NSE is not among this multiplier's exchanges (NFO, BSE)"],
    ['not on the allow list', { rules: { symbolsAllow: ['RELIANCE-EQ'] } }, "SBIN-EQ is not on this multiplier's allow list"],
    ['on the deny list', { rules: { symbolsDeny: ['sbin-eq'] } }, "SBIN-EQ is on this multiplier's deny list"],
    ['an AMO not copied', { master: { variety: 'AMO' }, rules: { copyAmo: false } }, 'AMO orders are not copied by this multiplier'],
    ['the daily order limit', { follower: { ordersToday: 20, maxOrdersPerDay: 20 } }, 'daily order limit 20 reached'],
    [
      'the daily loss limit',
      { follower: { realisedPnlToday: -500_000, maxLossPerDay: 500_000 } },
      'daily loss limit 5000.00 reached; copying halted for today',
    ],
    [
      'a loss beyond the limit',
      { follower: { realisedPnlToday: -612_345, maxLossPerDay: 500_000 } },
      'daily loss limit 5000.00 reached; copying halted for today',
    ],
  ])('%s skips', (_name, c, reason) => {
    expect(skipped(c)).toBe(reason);
  });

  it.each<[string, Case]>([
    ['detected exactly at the limit', { master: { detectedAt: afterPlaced(30_000) } }],
    ['planned exactly at the limit', { master: { plannedAt: afterPlaced(30_000) } }],
    ['an exchange in the list, any case', { rules: { exchanges: ['nse'] } }],
    ['on the allow list', { rules: { symbolsAllow: ['SBIN-EQ', 'RELIANCE-EQ'] } }],
    ['someone else on the deny list', { rules: { symbolsDeny: ['RELIANCE-EQ'] } }],
    ['an AMO with copyAmo on', { master: { variety: 'AMO' } }],
    ['one order left today', { follower: { ordersToday: 19, maxOrdersPerDay: 20 } }],
    ['a loss just inside the limit', { follower: { realisedPnlToday: -499_999, maxLossPerDay: 500_000 } }],
    ['a profit', { follower: { realisedPnlToday: 1_000_000, maxLossPerDay: 500_000 } }],
  ])('%s copies', (_name, c) => {
    expect(copied(c).legs).toEqual([40]);
  });

  // Every check failing at once; fixing them one by one reveals each reason in the documented order.
  const fixes: [string, Case][] = [
    ['detected 95 s late (limit 30 s)', { master: { detectedAt: afterPlaced(100) } }],
    ['ROBO orders are not copied', { master: { unsupportedKind: null } }],
    ['kill switch engaged (global)', { globalKillSwitch: false }],
    ['kill switch engaged for follower Ravi', { follower: { killSwitch: false } }],
    ['copying is turned off for follower Ravi', { follower: { copyEnabled: true } }],
    ['multiplier is paused', { rules: { paused: false } }],
    ["exchange NSE is not among this multiplier's exchanges (BSE)", { rules: { exchanges: [] } }],
    ["SBIN-EQ is not on this multiplier's allow list", { rules: { symbolsAllow: [] } }],
    ["SBIN-EQ is on this multiplier's deny list", { rules: { symbolsDeny: [] } }],
    ['AMO orders are not copied by this multiplier', { rules: { copyAmo: true } }],
    ['daily order limit 5 reached', { follower: { ordersToday: 0 } }],
    ['daily loss limit 100.00 reached; copying halted for today', { follower: { realisedPnlToday: 0 } }],
    ['rounded to 0 lots; policy SKIP', { rules: { factor: '1' } }],
  ];
  it('checks run in the documented order: the first that fails gives the reason', () => {
    let c: Required<Pick<Case, 'master' | 'rules' | 'follower'>> & Case = {
      master: { detectedAt: afterPlaced(95_000), unsupportedKind: 'ROBO', variety: 'AMO' },
      rules: { paused: true, exchanges: ['BSE'], symbolsAllow: ['TCS-EQ'], symbolsDeny: ['SBIN-EQ'], copyAmo: false, factor: '0.01' },
      follower: {
        killSwitch: true,
        copyEnabled: false,
        ordersToday: 5,
        maxOrdersPerDay: 5,
        realisedPnlToday: -10_000,
        maxLossPerDay: 10_000,
      },
      globalKillSwitch: true,
    };
    const reasons: string[] = [];
    for (const [, fix] of fixes) {
      reasons.push(skipped(c));
      c = {
        ...c,
        ...fix,
        master: { ...c.master, ...fix.master },
        rules: { ...c.rules, ...fix.rules },
        follower: { ...c.follower, ...fix.follower },
      };
    }
    expect(reasons).toEqual(fixes.map(([reason]) => reason));
    expect(copied(c).legs).toEqual([40]);
  });
});

describe('planChild: sizing', () => {
  it.each<[string, Case, string, number[]]>([
    [
      'FIXED_LOTS ignores the master quantity',
      { rules: { mode: 'FIXED_LOTS', fixedLots: 2 }, instrument: NIFTY_FUT, master: { quantity: 500 } },
      'BUY',
      [50],
    ],
    ['FIXED_LOTS keeps the side', { rules: { mode: 'FIXED_LOTS', fixedLots: 3, factor: '-1' }, master: { side: 'SELL' } }, 'SELL', [3]],
    ['MULTIPLY floors the magnitude', { rules: { factor: '0.333333' }, master: { quantity: 10 } }, 'BUY', [3]],
    ['a negative factor reverses SELL to BUY', { rules: { factor: '-1.5' }, master: { side: 'SELL', quantity: 10 } }, 'BUY', [15]],
    ['a factor stored with six decimals', { rules: { factor: '2.500000' } }, 'BUY', [100]],
  ])('%s', (_name, c, side, legs) => {
    const child = copied(c);
    expect([child.side, child.legs]).toEqual([side, legs]);
  });

  it.each<[string, Case, string]>([
    ['no factor', { rules: { factor: null } }, 'multiplier has no factor'],
    ['factor 0', { rules: { factor: '0.000000' } }, 'factor 0 copies nothing'],
    ['a malformed factor', { rules: { factor: 'two' } }, 'factor "two" is not a decimal number such as 2.5 or -1'],
    ['FIXED_LOTS without a count', { rules: { mode: 'FIXED_LOTS', fixedLots: null } }, 'multiplier has no fixed lot count above 0'],
    ['FIXED_LOTS of 0', { rules: { mode: 'FIXED_LOTS', fixedLots: 0 } }, 'multiplier has no fixed lot count above 0'],
    ['a master without quantity', { master: { quantity: 0 } }, 'master order quantity 0 is not a whole number above 0'],
  ])('%s skips', (_name, c, reason) => {
    expect(skipped(c)).toBe(reason);
  });

  it('notes a quantity rounded down to lots', () => {
    expect(copied({ master: { quantity: 75 }, rules: { factor: '2.5' }, instrument: NIFTY_FUT }).notes).toEqual([
      'factor 2.5 on 75 is 187; rounded down to 175 in whole lots of 25',
    ]);
  });

  describe('zero-quantity policy', () => {
    const tiny: Case = { master: { quantity: 25 }, rules: { factor: '0.5' }, instrument: NIFTY_FUT };
    it('SKIP: rounded to 0 lots is skipped', () => {
      expect(skipped(tiny)).toBe('rounded to 0 lots; policy SKIP');
    });
    it('MIN_ONE_LOT: one lot, noted', () => {
      const child = copied({ ...tiny, rules: { ...tiny.rules, zeroQuantityPolicy: 'MIN_ONE_LOT' } });
      expect(child.legs).toEqual([25]);
      expect(child.notes).toEqual(['factor 0.5 on 25 is 12; rounded to 0 lots; copied one lot (25) under policy MIN_ONE_LOT']);
    });
    it('MIN_ONE_LOT still obeys a cap below one lot, naming the cap', () => {
      expect(skipped({ ...tiny, rules: { ...tiny.rules, zeroQuantityPolicy: 'MIN_ONE_LOT', maxQuantity: 10 } })).toBe(
        'maxQuantity 10 is less than one lot (25)',
      );
    });
    it('MIN_ONE_LOT on a lot-1 stock copies 1', () => {
      expect(copied({ master: { quantity: 1 }, rules: { factor: '0.5', zeroQuantityPolicy: 'MIN_ONE_LOT' } }).legs).toEqual([1]);
    });
  });

  it('the productType override sets the child product', () => {
    expect(copied({ master: { productType: 'DELIVERY' }, rules: { productType: 'INTRADAY' } }).productType).toBe('INTRADAY');
    expect(copied({ master: { productType: 'DELIVERY' } }).productType).toBe('DELIVERY');
  });
});

describe('planChild: caps', () => {
  it.each<[string, Case, number[], string[]]>([
    ['maxQuantity on a lot-1 stock', { master: { quantity: 100 }, rules: { maxQuantity: 50 } }, [50], ['capped at maxQuantity 50']],
    ['maxQuantity not reached', { master: { quantity: 50 }, rules: { maxQuantity: 50 } }, [50], []],
    [
      'maxQuantity rounds down to lots',
      { master: { quantity: 200 }, rules: { maxQuantity: 60 }, instrument: NIFTY_FUT },
      [50],
      ['capped at maxQuantity 60: 50 in whole lots of 25'],
    ],
    [
      'maxOrderValue at the LIMIT price',
      { master: { quantity: 100, orderType: 'LIMIT', price: 95490 }, rules: { maxOrderValue: 5_000_000 } },
      [52],
      ['capped at maxOrderValue 50000.00 at 954.90: 52'],
    ],
    [
      'maxOrderValue exactly met',
      { master: { quantity: 100, orderType: 'LIMIT', price: 50000 }, rules: { maxOrderValue: 5_000_000 } },
      [100],
      [],
    ],
    [
      'maxOrderValue of a MARKET order at the reference price',
      { master: { quantity: 100 }, rules: { maxOrderValue: 1_000_000 }, referencePrice: 20000 },
      [50],
      ['capped at maxOrderValue 10000.00 at 200.00: 50'],
    ],
    [
      'maxOrderValue of a STOPLOSS_MARKET order at its trigger',
      {
        master: { quantity: 100, orderType: 'STOPLOSS_MARKET', variety: 'STOPLOSS', triggerPrice: 25000 },
        rules: { maxOrderValue: 1_000_000 },
      },
      [40],
      ['capped at maxOrderValue 10000.00 at 250.00: 40'],
    ],
    [
      'maxOrderValue of a STOPLOSS_LIMIT order at its price',
      {
        master: { quantity: 100, orderType: 'STOPLOSS_LIMIT', variety: 'STOPLOSS', price: 20000, triggerPrice: 19900 },
        rules: { maxOrderValue: 1_000_000 },
      },
      [50],
      ['capped at maxOrderValue 10000.00 at 200.00: 50'],
    ],
    [
      'maxOrderValue in lots',
      { master: { quantity: 500 }, rules: { maxOrderValue: 1_000_000 }, referencePrice: 10000, instrument: NIFTY_FUT },
      [100],
      ['capped at maxOrderValue 10000.00 at 100.00: 100'],
    ],
    [
      'both caps: the tighter wins',
      { master: { quantity: 500 }, rules: { maxQuantity: 80, maxOrderValue: 1_000_000 }, referencePrice: 20000 },
      [50],
      ['capped at maxQuantity 80', 'capped at maxOrderValue 10000.00 at 200.00: 50'],
    ],
  ])('%s', (_name, c, legs, notes) => {
    const child = copied(c);
    expect([child.legs, child.notes]).toEqual([legs, notes]);
  });

  it.each<[string, Case, string]>([
    [
      'a MARKET order with no reference price',
      { rules: { maxOrderValue: 5_000_000 }, referencePrice: null },
      'no price known to value this MARKET order against maxOrderValue 50000.00',
    ],
    [
      'a reference price of 0',
      { rules: { maxOrderValue: 5_000_000 }, referencePrice: 0 },
      'no price known to value this MARKET order against maxOrderValue 50000.00',
    ],
    [
      'maxOrderValue below one lot',
      { rules: { maxOrderValue: 100_000 }, referencePrice: 2_000_000, instrument: NIFTY_FUT, master: { quantity: 50 } },
      'maxOrderValue 1000.00 is less than one lot (25) at 20000.00',
    ],
    [
      'maxQuantity below one lot',
      { rules: { maxQuantity: 20 }, instrument: NIFTY_FUT, master: { quantity: 50 } },
      'maxQuantity 20 is less than one lot (25)',
    ],
  ])('%s skips', (_name, c, reason) => {
    expect(skipped(c)).toBe(reason);
  });

  it('a MARKET order needs no price when no value cap is set', () => {
    expect(copied({ referencePrice: null }).legs).toEqual([40]);
  });
});

describe('planChild: exits never sell more than the follower holds', () => {
  const exitOf = (side: 'BUY' | 'SELL', quantity: number, masterPositionBefore: number) => ({ side, quantity, masterPositionBefore });

  it.each<[string, Case, string, number[]]>([
    ['a partial exit the follower can cover', { master: exitOf('SELL', 40, 100), follower: { position: 100 } }, 'SELL', [40]],
    ['an exit larger than the holding', { master: exitOf('SELL', 40, 100), follower: { position: 30 } }, 'SELL', [30]],
    [
      'a scaled exit capped at the holding',
      { master: exitOf('SELL', 40, 40), rules: { factor: '2.5' }, follower: { position: 90 } },
      'SELL',
      [90],
    ],
    ['a short buy-back capped at the short', { master: exitOf('BUY', 40, -100), follower: { position: -20 } }, 'BUY', [20]],
    [
      'a reverse exit buys back the follower short',
      { master: exitOf('SELL', 40, 40), rules: { factor: '-1' }, follower: { position: -40 } },
      'BUY',
      [40],
    ],
    [
      'a reverse exit capped at the follower short',
      { master: exitOf('SELL', 40, 40), rules: { factor: '-1' }, follower: { position: -15 } },
      'BUY',
      [15],
    ],
    [
      'an exit in lots capped at the lots held',
      {
        master: { ...exitOf('SELL', 100, 100), symbol: 'NIFTY26MARFUT' },
        instrument: NIFTY_FUT,
        rules: { factor: '2' },
        follower: { position: 150 },
      },
      'SELL',
      [150],
    ],
    [
      'an exit with MIN_ONE_LOT sells the one lot held',
      {
        master: { ...exitOf('SELL', 25, 100), symbol: 'NIFTY26MARFUT' },
        instrument: NIFTY_FUT,
        rules: { factor: '0.1', zeroQuantityPolicy: 'MIN_ONE_LOT' },
        follower: { position: 25 },
      },
      'SELL',
      [25],
    ],
    [
      'a cap shrinks an exit and never turns it',
      { master: exitOf('SELL', 100, 100), rules: { maxQuantity: 30 }, follower: { position: 100 } },
      'SELL',
      [30],
    ],
  ])('%s', (_name, c, side, legs) => {
    const child = copied(c);
    expect([child.side, child.legs]).toEqual([side, legs]);
  });

  it('says so when the exit was capped at the holding', () => {
    expect(copied({ master: exitOf('SELL', 40, 100), follower: { position: 30 } }).notes).toEqual([
      'exit capped at what the follower can close: 30 (follower holds 30 SBIN-EQ in INTRADAY)',
    ]);
  });

  it.each<[string, Case, string]>([
    ['nothing to sell', { master: exitOf('SELL', 40, 100), follower: { position: 0 } }, 'follower holds no SBIN-EQ to sell in INTRADAY'],
    [
      'short while the master sells its long',
      { master: exitOf('SELL', 40, 100), follower: { position: -50 } },
      'follower holds no SBIN-EQ to sell in INTRADAY',
    ],
    [
      'nothing to buy back',
      { master: exitOf('BUY', 40, -100), follower: { position: 0 } },
      'follower has no short SBIN-EQ position to buy back in INTRADAY',
    ],
    [
      'a reverse exit with the follower long',
      { master: exitOf('SELL', 40, 40), rules: { factor: '-1' }, follower: { position: 40 } },
      'follower has no short SBIN-EQ position to buy back in INTRADAY',
    ],
    [
      'the holding is in another product',
      { master: exitOf('SELL', 40, 40), rules: { productType: 'MARGIN' }, follower: { position: 0 } },
      'follower holds no SBIN-EQ to sell in MARGIN',
    ],
    [
      'less than a lot held',
      {
        master: { ...exitOf('SELL', 50, 50), symbol: 'NIFTY26MARFUT', productType: 'CARRYFORWARD' },
        instrument: NIFTY_FUT,
        follower: { position: 10 },
      },
      'follower holds 10 NIFTY26MARFUT in CARRYFORWARD, less than one lot (25)',
    ],
    [
      'an exit that rounds to 0 lots',
      {
        master: { ...exitOf('SELL', 25, 100), symbol: 'NIFTY26MARFUT' },
        instrument: NIFTY_FUT,
        rules: { factor: '0.1' },
        follower: { position: 25 },
      },
      'rounded to 0 lots; policy SKIP',
    ],
  ])('%s skips', (_name, c, reason) => {
    expect(skipped(c)).toBe(reason);
  });

  describe('a master order that flips the master position: closing part capped, opening part sized on its own', () => {
    const flip = exitOf('SELL', 60, 40);
    it.each<[string, Case, number[]]>([
      ['follower holds its full share', { master: flip, follower: { position: 40 } }, [60]],
      ['follower holds less: it closes what it holds and opens the master-sized short', { master: flip, follower: { position: 10 } }, [30]],
      ['follower holds nothing: it only opens', { master: flip, follower: { position: 0 } }, [20]],
      ['follower holds more than its share: only its share closes', { master: flip, follower: { position: 100 } }, [60]],
      ['scaled 2.5: 100 closes and 50 opens', { master: flip, rules: { factor: '2.5' }, follower: { position: 100 } }, [150]],
      [
        'reverse: the follower buys back its short and goes long',
        { master: flip, rules: { factor: '-1' }, follower: { position: -40 } },
        [60],
      ],
      [
        'FIXED_LOTS: one lot closes and one lot opens',
        {
          master: { ...flip, quantity: 100, masterPositionBefore: 50 },
          instrument: NIFTY_FUT,
          rules: { mode: 'FIXED_LOTS', fixedLots: 1 },
          follower: { position: 25 },
        },
        [50],
      ],
    ])('%s', (_name, c, legs) => {
      expect(copied(c).legs).toEqual(legs);
    });

    it('notes the split and the cap', () => {
      expect(copied({ master: flip, follower: { position: 10 } }).notes).toEqual([
        'master position turns from 40 to -20: closing 40 and opening 20 sized separately',
        'exit capped at what the follower can close: 10 (follower holds 10 SBIN-EQ in INTRADAY)',
      ]);
    });

    it('a flip that rounds to nothing on both sides is skipped', () => {
      expect(skipped({ master: { ...flip, symbol: 'NIFTY26MARFUT' }, instrument: NIFTY_FUT, follower: { position: 0 } })).toBe(
        'rounded to 0 lots; policy SKIP',
      );
    });
  });

  it('caps and rounding never flip the follower: every exit leaves the follower flat or on the same side', () => {
    const problems: string[] = [];
    for (const instrument of [EQUITY, NIFTY_FUT]) {
      for (const factor of ['0.3', '1', '2.5', '-1', '-2.5']) {
        for (const zeroQuantityPolicy of ['SKIP', 'MIN_ONE_LOT'] as const) {
          for (const maxQuantity of [null, 30, 100]) {
            for (let position = -200; position <= 200; position += 5) {
              for (const [side, masterBefore] of [
                ['SELL', 100],
                ['BUY', -100],
              ] as const) {
                const result = plan({
                  master: { side, quantity: 50, masterPositionBefore: masterBefore },
                  rules: { factor, zeroQuantityPolicy, maxQuantity },
                  follower: { position },
                  instrument,
                });
                if (result.kind !== 'copy') continue;
                const total = result.legs.reduce((a, b) => a + b, 0);
                const after = position + (result.side === 'BUY' ? total : -total);
                if (Math.sign(after) === -Math.sign(position) || (position === 0 && after !== 0)) {
                  problems.push(`${factor} ${zeroQuantityPolicy} cap ${maxQuantity} lot ${instrument.lotSize}: ${position} -> ${after}`);
                }
                if (result.legs.some((leg) => leg <= 0 || leg % instrument.lotSize !== 0))
                  problems.push(`bad legs ${result.legs.join(',')}`);
              }
            }
          }
        }
      }
    }
    expect(problems).toEqual([]);
  });
});

describe('planChild: DELIVERY stock the follower does not hold is never sold', () => {
  const delivery = { productType: 'DELIVERY' as const };
  it.each<[string, Case, string]>([
    [
      'a reverse copy of a DELIVERY buy',
      { master: delivery, rules: { factor: '-1' } },
      'reverse copy would sell DELIVERY stock the follower does not hold',
    ],
    [
      'a reverse copy while the follower is short',
      { master: delivery, rules: { factor: '-1' }, follower: { position: -10 } },
      'reverse copy would sell DELIVERY stock the follower does not hold',
    ],
    [
      'a DELIVERY short sale by the master',
      { master: { ...delivery, side: 'SELL' } },
      'copy would sell DELIVERY stock the follower does not hold',
    ],
    [
      'a DELIVERY flip the follower cannot close',
      { master: { ...delivery, side: 'SELL', quantity: 60, masterPositionBefore: 40 } },
      'copy would sell DELIVERY stock the follower does not hold',
    ],
    [
      'an override into DELIVERY',
      { rules: { factor: '-1', productType: 'DELIVERY' } },
      'reverse copy would sell DELIVERY stock the follower does not hold',
    ],
  ])('%s skips', (_name, c, reason) => {
    expect(skipped(c)).toBe(reason);
  });

  it('a reverse copy overridden to INTRADAY copies', () => {
    expect(copied({ master: delivery, rules: { factor: '-1', productType: 'INTRADAY' } })).toMatchObject({
      side: 'SELL',
      productType: 'INTRADAY',
      legs: [40],
    });
  });

  it.each<[string, Case, number[], string[]]>([
    [
      'a reverse copy sells at most the DELIVERY holding',
      { master: delivery, rules: { factor: '-1' }, follower: { position: 10 } },
      [10],
      ['capped at the 10 SBIN-EQ in DELIVERY the follower holds'],
    ],
    [
      'a DELIVERY flip sells at most the holding',
      { master: { ...delivery, side: 'SELL', quantity: 60, masterPositionBefore: 40 }, follower: { position: 40 } },
      [40],
      [
        'master position turns from 40 to -20: closing 40 and opening 20 sized separately',
        'capped at the 40 SBIN-EQ in DELIVERY the follower holds',
      ],
    ],
  ])('%s', (_name, c, legs, notes) => {
    const child = copied(c);
    expect([child.side, child.legs, child.notes]).toEqual(['SELL', legs, notes]);
  });
});

describe('planChild: legs above the freeze quantity', () => {
  it.each<[string, number, InstrumentSizing, number[]]>([
    ['freeze 1800, lot 65: legs of 1755', 3900, NIFTY_OPT, [1755, 1755, 390]],
    ['exactly one full leg', 1755, NIFTY_OPT, [1755]],
    ['just above one leg', 1820, NIFTY_OPT, [1755, 65]],
    ['freeze 1800, lot 25: legs of 1800', 5000, NIFTY_FUT, [1800, 1800, 1400]],
    ['exactly at the freeze', 1800, NIFTY_FUT, [1800]],
    ['no freeze: one order', 50_000, EQUITY, [50_000]],
    ['a lot-1 stock with a freeze', 25_001, { lotSize: 1, freezeQuantity: 10_000, tickSize: 5 }, [10_000, 10_000, 5_001]],
  ])('%s', (_name, quantity, instrument, legs) => {
    const child = copied({ master: { quantity }, instrument });
    expect(child.legs).toEqual(legs);
    expect(child.legs.reduce((a, b) => a + b, 0)).toBe(quantity);
  });

  it('notes the split', () => {
    expect(copied({ master: { quantity: 3900 }, instrument: NIFTY_OPT }).notes).toEqual([
      'split into 3 orders of at most 1755 (freeze quantity 1800)',
    ]);
  });

  it('a freeze quantity below one lot cannot be split and is skipped', () => {
    expect(skipped({ master: { quantity: 50 }, instrument: { lotSize: 25, freezeQuantity: 20, tickSize: 5 } })).toBe(
      'freeze quantity 20 is less than one lot (25)',
    );
  });

  it.each<[number, number, 'copy' | 'skip']>([
    [17, 20, 'copy'],
    [18, 20, 'skip'],
  ])('all legs or none: %s orders today of %s and a 3-leg copy -> %s', (ordersToday, maxOrdersPerDay, kind) => {
    const result = plan({ master: { quantity: 3900 }, instrument: NIFTY_OPT, follower: { ordersToday, maxOrdersPerDay } });
    expect(result.kind).toBe(kind);
    if (result.kind === 'skip') expect(result.reason).toBe('daily order limit 20 reached: 18 orders placed today and this copy needs 3');
  });
});
