import { describe, expect, it } from 'vitest';
import { closingQuantity, planSquareOff, type HeldPosition } from '../../server/src/core/square-off.ts';

const sbin: HeldPosition = { exchange: 'NSE', symbol: 'SBIN-EQ', token: '3045', productType: 'INTRADAY', quantity: 40 };
const nifty: HeldPosition = { exchange: 'NFO', symbol: 'NIFTY28JUL26FUT', token: '35001', productType: 'CARRYFORWARD', quantity: -4000 };
const equity = { lotSize: 1, freezeQuantity: null };
const futures = { lotSize: 75, freezeQuantity: 1800 };
const all = { symbol: null, productType: null };

describe('what a square-off closes', () => {
  it('closes what is held, less what orders on their way will close, never more and never the other way', () => {
    expect(closingQuantity(40, 0)).toBe(40);
    expect(closingQuantity(40, -15)).toBe(25);
    expect(closingQuantity(40, -40)).toBe(0);
    // A first square-off's SELL counted while the broker already shows its fill: nothing, not a BUY.
    expect(closingQuantity(0, -40)).toBe(0);
    expect(closingQuantity(40, -60)).toBe(0);
    // A buy still on its way is not sold ahead of its fill.
    expect(closingQuantity(40, 25)).toBe(40);
    expect(closingQuantity(-30, 10)).toBe(20);
    expect(closingQuantity(-30, -10)).toBe(30);
  });

  it('sells a long and buys back a short, split into whole-lot legs by the freeze quantity', () => {
    const lines = planSquareOff([sbin, nifty], new Map(), all, (p) => (p.exchange === 'NFO' ? futures : equity));
    expect(lines).toEqual([
      expect.objectContaining({ symbol: 'SBIN-EQ', side: 'SELL', closing: 40, kind: 'close', legs: [40] }),
      // Freeze 1800 is 24 lots of 75 at most per leg.
      expect.objectContaining({ symbol: 'NIFTY28JUL26FUT', side: 'BUY', closing: 4000, kind: 'close', legs: [1800, 1800, 400] }),
    ]);
  });

  it('keeps to the symbol (any case, given upper case) and product asked for, and leaves flat positions out', () => {
    const flat = { ...sbin, symbol: 'INFY-EQ', token: '1594', quantity: 0 };
    const delivery = { ...sbin, productType: 'DELIVERY' as const, quantity: 10 };
    const lines = planSquareOff([sbin, delivery, nifty, flat], new Map(), { symbol: 'SBIN-EQ', productType: 'DELIVERY' }, () => equity);
    expect(lines.map((l) => [l.symbol, l.productType, l.closing])).toEqual([['SBIN-EQ', 'DELIVERY', 10]]);
    expect(planSquareOff([flat], new Map(), all, () => equity)).toEqual([]);
  });

  it('skips, saying why, a position on an instrument Tandem does not know or whose freeze is below a lot', () => {
    const lines = planSquareOff([sbin, nifty], new Map(), all, (p) => (p.exchange === 'NSE' ? null : { lotSize: 75, freezeQuantity: 50 }));
    expect(lines[0]).toMatchObject({ kind: 'skip', closing: 40, reason: expect.stringContaining("not in Tandem's instrument list") });
    expect(lines[1]).toMatchObject({ kind: 'skip', closing: 4000, reason: expect.stringContaining('below one lot') });
  });

  it('subtracts in-flight orders by exchange, token and product', () => {
    const inFlight = new Map([
      ['NSE|3045|INTRADAY', -40],
      ['NSE|3045|DELIVERY', -5],
    ]);
    expect(planSquareOff([sbin], inFlight, all, () => equity)).toEqual([]);
  });
});
