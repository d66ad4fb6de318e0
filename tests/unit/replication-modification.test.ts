import { describe, expect, it } from 'vitest';
import {
  planChildModification,
  shouldCopyCancellation,
  shouldCopyModification,
  type ChildLegState,
  type ChildModificationPlan,
  type ModificationInput,
  type ReplicationRules,
} from '../../server/src/core/replication/modification.ts';
import type { OrderBounds } from '../../server/src/core/order-bounds.ts';
import type { FollowerFacts, InstrumentSizing, MasterOrderFacts } from '../../server/src/core/replication/plan-types.ts';

const PLACED = new Date('2026-03-02T04:00:00.000Z');
const EQUITY: InstrumentSizing = { lotSize: 1, freezeQuantity: null, tickSize: 5 };
const NIFTY_FUT: InstrumentSizing = { lotSize: 25, freezeQuantity: 1800, tickSize: 10 };
const NIFTY_OPT: InstrumentSizing = { lotSize: 65, freezeQuantity: 1800, tickSize: 5 };

const baseMaster: MasterOrderFacts = {
  side: 'BUY',
  quantity: 40,
  orderType: 'LIMIT',
  productType: 'INTRADAY',
  variety: 'NORMAL',
  price: 95490,
  triggerPrice: null,
  exchange: 'NSE',
  symbol: 'SBIN-EQ',
  placedAt: PLACED,
  detectedAt: PLACED,
  masterPositionBefore: 0,
};
const baseRules: ReplicationRules = {
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
  copyModifications: true,
  copyCancellations: true,
};
const baseFollower: FollowerFacts = {
  killSwitch: false,
  copyEnabled: true,
  label: 'Ravi',
  position: 0,
  ordersToday: 1,
  maxOrdersPerDay: null,
  realisedPnlToday: 0,
  maxLossPerDay: null,
};
const leg = (index: number, quantity: number, filledQuantity = 0, open = true): ChildLegState => ({
  leg: index,
  quantity,
  filledQuantity,
  open,
});

interface Case {
  master?: Partial<MasterOrderFacts>;
  rules?: Partial<ReplicationRules>;
  follower?: Partial<FollowerFacts>;
  instrument?: InstrumentSizing;
  globalKillSwitch?: boolean;
  legs: ChildLegState[];
  childPrice?: number | null;
  bounds?: OrderBounds;
}

function modify(c: Case): ChildModificationPlan {
  const input: ModificationInput = {
    master: { ...baseMaster, ...c.master },
    rules: { ...baseRules, ...c.rules },
    follower: { ...baseFollower, ...c.follower },
    instrument: c.instrument ?? EQUITY,
    globalKillSwitch: c.globalKillSwitch ?? false,
    referencePrice: 95490,
    bounds: c.bounds ?? { maxQuantity: 100_000, maxValue: 5_000_000_000 },
    child: { orderType: 'LIMIT', price: c.childPrice === undefined ? 95490 : c.childPrice, triggerPrice: null, legs: c.legs },
  };
  return planChildModification(input);
}

describe('shouldCopyModification / shouldCopyCancellation', () => {
  it.each<[Partial<ReplicationRules>, boolean, string | undefined]>([
    [{}, true, undefined],
    [{ copyModifications: false }, false, 'this multiplier does not copy modifications'],
    [{ paused: true }, false, 'multiplier is paused'],
  ])('modification with %o -> %s', (rules, copy, reason) => {
    expect(shouldCopyModification({ ...baseRules, ...rules })).toEqual(copy ? { copy } : { copy, reason });
  });

  it.each<[Partial<ReplicationRules>, boolean]>([
    [{}, true],
    [{ paused: true }, true],
    [{ copyCancellations: false }, false],
  ])('cancellation with %o -> %s: a cancel only takes risk off', (rules, copy) => {
    expect(shouldCopyCancellation({ ...baseRules, ...rules }).copy).toBe(copy);
  });
});

describe('planChildModification: a single-leg child', () => {
  it.each<[string, Case, ChildModificationPlan]>([
    [
      'the master grows: the child takes the new total and price',
      { master: { quantity: 60, price: 95000 }, legs: [leg(0, 40)] },
      {
        kind: 'modify',
        orderType: 'LIMIT',
        price: 95000,
        triggerPrice: null,
        legs: [{ leg: 0, action: 'modify', quantity: 60 }],
        newLegs: [],
        notes: [],
      },
    ],
    [
      'a price-only change keeps the quantity',
      { master: { price: 95500 }, legs: [leg(0, 40)] },
      {
        kind: 'modify',
        orderType: 'LIMIT',
        price: 95500,
        triggerPrice: null,
        legs: [{ leg: 0, action: 'modify', quantity: 40 }],
        newLegs: [],
        notes: [],
      },
    ],
    [
      'a change to MARKET drops the price',
      { master: { orderType: 'MARKET', price: null }, legs: [leg(0, 40)] },
      {
        kind: 'modify',
        orderType: 'MARKET',
        price: null,
        triggerPrice: null,
        legs: [{ leg: 0, action: 'modify', quantity: 40 }],
        newLegs: [],
        notes: [],
      },
    ],
    [
      'the master shrinks to what the child has filled: the rest is cancelled',
      { master: { quantity: 30 }, legs: [leg(0, 40, 30)] },
      {
        kind: 'modify',
        orderType: 'LIMIT',
        price: 95490,
        triggerPrice: null,
        legs: [{ leg: 0, action: 'cancel' }],
        newLegs: [],
        notes: [],
      },
    ],
    [
      're-sized with factor and lots: 2.5 on 100 in lots of 25 is 250',
      { master: { quantity: 100 }, rules: { factor: '2.5' }, instrument: NIFTY_FUT, legs: [leg(0, 175)] },
      {
        kind: 'modify',
        orderType: 'LIMIT',
        price: 95490,
        triggerPrice: null,
        legs: [{ leg: 0, action: 'modify', quantity: 250 }],
        newLegs: [],
        notes: [],
      },
    ],
    [
      're-sized under the same cap',
      { master: { quantity: 100 }, rules: { maxQuantity: 50 }, legs: [leg(0, 40)] },
      {
        kind: 'modify',
        orderType: 'LIMIT',
        price: 95490,
        triggerPrice: null,
        legs: [{ leg: 0, action: 'modify', quantity: 50 }],
        newLegs: [],
        notes: ['capped at maxQuantity 50'],
      },
    ],
    [
      'a reverse copy re-sized on its magnitude',
      { master: { quantity: 50 }, rules: { factor: '-1' }, legs: [leg(0, 40)] },
      {
        kind: 'modify',
        orderType: 'LIMIT',
        price: 95490,
        triggerPrice: null,
        legs: [{ leg: 0, action: 'modify', quantity: 50 }],
        newLegs: [],
        notes: [],
      },
    ],
    [
      'the new size rounds to 0 lots: the unfilled child is cancelled',
      { master: { quantity: 25 }, rules: { factor: '0.5' }, instrument: NIFTY_FUT, legs: [leg(0, 25)] },
      {
        kind: 'modify',
        orderType: 'LIMIT',
        price: 95490,
        triggerPrice: null,
        legs: [{ leg: 0, action: 'cancel' }],
        newLegs: [],
        notes: ['new size rounds to 0 lots; cancelling what is unfilled'],
      },
    ],
    [
      'a master change that rounds to the same lots leaves the child alone',
      { master: { quantity: 60 }, instrument: NIFTY_FUT, legs: [leg(0, 50)] },
      { kind: 'unchanged' },
    ],
  ])('%s', (_name, c, expected) => {
    expect(modify(c)).toEqual(expected);
  });

  it.each<[string, Case, string]>([
    [
      'below what the child has filled',
      { master: { quantity: 20 }, legs: [leg(0, 40, 30)] },
      'cannot reduce below filled: the child has filled 30 and the new size is 20',
    ],
    [
      'to 0 lots after a fill',
      { master: { quantity: 25 }, rules: { factor: '0.5' }, instrument: NIFTY_FUT, legs: [leg(0, 25, 25, true)] },
      'cannot reduce below filled: the child has filled 25 and the new size is 0',
    ],
    [
      'modifications not copied',
      { rules: { copyModifications: false }, legs: [leg(0, 40)] },
      'this multiplier does not copy modifications',
    ],
    ['a paused multiplier', { rules: { paused: true }, legs: [leg(0, 40)] }, 'multiplier is paused'],
    ['the global kill switch', { globalKillSwitch: true, legs: [leg(0, 40)] }, 'kill switch engaged (global)'],
    ['the follower kill switch', { follower: { killSwitch: true }, legs: [leg(0, 40)] }, 'kill switch engaged for follower Ravi'],
    ['copying turned off', { follower: { copyEnabled: false }, legs: [leg(0, 40)] }, 'copying is turned off for follower Ravi'],
    ['nothing open any more', { master: { quantity: 60 }, legs: [leg(0, 40, 40, false)] }, 'the child has no open order left to modify'],
    ['rules that cannot size it', { rules: { factor: null }, legs: [leg(0, 40)] }, 'modification not copied: multiplier has no factor'],
  ])('%s is reported', (_name, c, reason) => {
    expect(modify(c)).toEqual({ kind: 'skip', reason });
  });
});

describe('planChildModification: a child split above the freeze quantity', () => {
  const threeLegs = [leg(0, 1755), leg(1, 1755), leg(2, 390)];
  const on = (quantity: number, legs: ChildLegState[], extra: Partial<Case> = {}) =>
    modify({
      master: { quantity, exchange: 'NFO', symbol: 'NIFTY26MAR24000CE', productType: 'CARRYFORWARD' },
      instrument: NIFTY_OPT,
      legs,
      ...extra,
    });

  it('shrinks by filling legs in order and cancelling what is no longer needed', () => {
    expect(on(2600, threeLegs)).toMatchObject({
      kind: 'modify',
      newLegs: [],
      legs: [
        { leg: 0, action: 'keep' },
        { leg: 1, action: 'modify', quantity: 845 },
        { leg: 2, action: 'cancel' },
      ],
    });
  });

  it('a leg keeps what it filled (cancelled there) and the legs before it take the rest', () => {
    const legs = [leg(0, 1755), leg(1, 1755, 1040), leg(2, 390)];
    expect(on(2600, legs)).toMatchObject({
      legs: [
        { leg: 0, action: 'modify', quantity: 1560 },
        { leg: 1, action: 'cancel' },
        { leg: 2, action: 'cancel' },
      ],
    });
  });

  it('grows the open legs up to the freeze and places new legs for the rest', () => {
    expect(on(5200, threeLegs)).toMatchObject({
      legs: [
        { leg: 0, action: 'keep' },
        { leg: 1, action: 'keep' },
        { leg: 2, action: 'modify', quantity: 1690 },
      ],
      newLegs: [],
    });
    expect(on(6500, threeLegs)).toMatchObject({
      kind: 'modify',
      legs: [
        { leg: 0, action: 'keep' },
        { leg: 1, action: 'keep' },
        { leg: 2, action: 'modify', quantity: 1755 },
      ],
      newLegs: [1235],
      notes: ['1 more order(s) needed above the freeze quantity 1800'],
    });
  });

  it('a filled leg cannot change; the open legs carry the new size', () => {
    const legs = [leg(0, 1755, 1755, false), leg(1, 1755), leg(2, 390)];
    expect(on(1755 + 650, legs)).toMatchObject({
      legs: [
        { leg: 1, action: 'modify', quantity: 650 },
        { leg: 2, action: 'cancel' },
      ],
      newLegs: [],
    });
  });

  it('new legs obey the daily order limit, all or none', () => {
    expect(on(6500, threeLegs, { follower: { ordersToday: 20, maxOrdersPerDay: 20 } })).toEqual({
      kind: 'skip',
      reason: 'daily order limit 20 reached',
    });
    expect(on(3900, threeLegs, { follower: { ordersToday: 20, maxOrdersPerDay: 20 } })).toEqual({ kind: 'unchanged' });
  });
});
