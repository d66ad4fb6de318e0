import { describe, expect, it } from 'vitest';
import { expectedPositions, type MasterFill } from '../../server/src/core/replication/drift.ts';
import type { InstrumentSizing, MultiplierRules } from '../../server/src/core/replication/plan-types.ts';

const EQUITY: InstrumentSizing = { lotSize: 1, freezeQuantity: null, tickSize: 5 };
const FUTURE: InstrumentSizing = { lotSize: 25, freezeQuantity: 1800, tickSize: 10 };
const instruments: Record<string, InstrumentSizing> = { 'SBIN-EQ': EQUITY, NIFTY26DECFUT: FUTURE };
const instrumentOf = (_exchange: string, symbol: string) => instruments[symbol] ?? null;

const rules = (changes: Partial<MultiplierRules> = {}): MultiplierRules => ({
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
  ...changes,
});

let minute = 0;
function fill(changes: Partial<MasterFill> & Pick<MasterFill, 'side' | 'filledQuantity'>): MasterFill {
  minute += 1;
  return {
    exchange: 'NSE',
    symbol: 'SBIN-EQ',
    quantity: changes.filledQuantity,
    orderType: 'MARKET',
    productType: 'INTRADAY',
    variety: 'NORMAL',
    price: null,
    triggerPrice: null,
    averagePrice: 80_000,
    masterPositionBefore: 0,
    placedAt: new Date(Date.UTC(2026, 11, 3, 4, minute)),
    ...changes,
  };
}

describe('expectedPositions: what a follower should hold by its rules', () => {
  it('sizes each fill by the factor and nets buys and sells', () => {
    const fills = [fill({ side: 'BUY', filledQuantity: 10 }), fill({ side: 'SELL', filledQuantity: 4, masterPositionBefore: 10 })];
    expect(expectedPositions(fills, rules(), instrumentOf)).toEqual([
      { exchange: 'NSE', symbol: 'SBIN-EQ', productType: 'INTRADAY', expected: 12 },
    ]);
  });

  it('sizes what filled, not what was ordered: a master filled 6 of 10 owes 12, not 20', () => {
    expect(expectedPositions([fill({ side: 'BUY', quantity: 10, filledQuantity: 6 })], rules(), instrumentOf)[0]?.expected).toBe(12);
  });

  it('does not expect an exit of a position held before the link: the follower never had it', () => {
    // The master held 50 before the follower was linked and sells them after: nothing to close.
    const fills = [fill({ side: 'SELL', filledQuantity: 50, masterPositionBefore: 50 })];
    expect(expectedPositions(fills, rules(), instrumentOf)[0]?.expected).toBe(0);
  });

  it('leaves out what the filters exclude, but not what a pause stops (that is drift)', () => {
    const fills = [fill({ side: 'BUY', filledQuantity: 10 })];
    expect(expectedPositions(fills, rules({ symbolsDeny: ['SBIN-EQ'] }), instrumentOf)).toEqual([]);
    expect(expectedPositions(fills, rules({ exchanges: ['NFO'] }), instrumentOf)).toEqual([]);
    expect(expectedPositions(fills, rules({ paused: true }), instrumentOf)[0]?.expected).toBe(20);
  });

  it('applies lots, the zero-quantity policy and the caps as a live copy would', () => {
    const future = (side: 'BUY' | 'SELL', filledQuantity: number, masterPositionBefore = 0) =>
      fill({ side, filledQuantity, masterPositionBefore, exchange: 'NFO', symbol: 'NIFTY26DECFUT' });
    // 0.5 x 75 = 37.5: one lot of 25.
    expect(expectedPositions([future('BUY', 75)], rules({ factor: '0.5' }), instrumentOf)[0]?.expected).toBe(25);
    // 0.1 x 25 rounds to no lots: nothing under SKIP, one lot under MIN_ONE_LOT.
    expect(expectedPositions([future('BUY', 25)], rules({ factor: '0.1' }), instrumentOf)[0]?.expected).toBe(0);
    expect(
      expectedPositions([future('BUY', 25)], rules({ factor: '0.1', zeroQuantityPolicy: 'MIN_ONE_LOT' }), instrumentOf)[0]?.expected,
    ).toBe(25);
    // maxQuantity caps each copy.
    expect(expectedPositions([future('BUY', 100)], rules({ maxQuantity: 50 }), instrumentOf)[0]?.expected).toBe(50);
  });

  it('reverses with a negative factor and books the copy under the multiplier product', () => {
    const fills = [fill({ side: 'BUY', filledQuantity: 10 })];
    expect(expectedPositions(fills, rules({ factor: '-1' }), instrumentOf)[0]?.expected).toBe(-10);
    // In DELIVERY the reverse copy would sell stock the follower does not hold: none is expected.
    expect(expectedPositions(fills, rules({ factor: '-1', productType: 'DELIVERY' }), instrumentOf)).toEqual([
      { exchange: 'NSE', symbol: 'SBIN-EQ', productType: 'DELIVERY', expected: 0 },
    ]);
  });

  it('caps an exit at what the follower would hold, in the order the fills were placed', () => {
    const buy = fill({ side: 'BUY', filledQuantity: 10 });
    const sell = fill({ side: 'SELL', filledQuantity: 10, masterPositionBefore: 10 });
    // Given out of order, the sell still comes after the buy: 20 in, 20 out.
    expect(expectedPositions([sell, buy], rules(), instrumentOf)[0]?.expected).toBe(0);
    // MIN_ONE_LOT sized the entry at one lot; the exit at 0.1 x 10 is also one lot: flat again, never short.
    const small = rules({ factor: '0.1', zeroQuantityPolicy: 'MIN_ONE_LOT' });
    expect(
      expectedPositions(
        [fill({ side: 'BUY', filledQuantity: 5 }), fill({ side: 'SELL', filledQuantity: 5, masterPositionBefore: 5 })],
        small,
        instrumentOf,
      )[0]?.expected,
    ).toBe(0);
  });

  it('leaves out an instrument it cannot size', () => {
    expect(expectedPositions([fill({ side: 'BUY', filledQuantity: 10, symbol: 'UNKNOWN-EQ' })], rules(), instrumentOf)).toEqual([]);
  });
});
