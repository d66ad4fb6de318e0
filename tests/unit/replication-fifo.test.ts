import { describe, expect, it } from 'vitest';
import { netPosition, openLots, realisedPnl, type Fill } from '../../server/src/core/replication/fifo-pnl.ts';

const buy = (quantity: number, price: number): Fill => ({ side: 'BUY', quantity, price });
const sell = (quantity: number, price: number): Fill => ({ side: 'SELL', quantity, price });

describe('realisedPnl (FIFO, paise)', () => {
  it.each<[string, Fill[], number, number]>([
    ['no fills', [], 0, 0],
    ['an open long realises nothing', [buy(10, 10000)], 0, 10],
    ['a long closed at a profit', [buy(10, 10000), sell(10, 11000)], 10 * 1000, 0],
    ['a long closed at a loss', [buy(10, 10000), sell(10, 9550)], -10 * 450, 0],
    ['a short closed at a profit', [sell(10, 20000), buy(10, 18000)], 10 * 2000, 0],
    ['a short closed at a loss', [sell(10, 20000), buy(10, 20500)], -10 * 500, 0],
    ['the oldest buy closes first', [buy(10, 10000), buy(10, 12000), sell(15, 13000)], 10 * 3000 + 5 * 1000, 5],
    ['FIFO, not LIFO and not average', [buy(1, 10000), buy(1, 20000), sell(1, 15000)], 5000, 1],
    ['a sell that flips long to short', [buy(10, 10000), sell(15, 11000), buy(5, 10000)], 10 * 1000 + 5 * 1000, 0],
    ['a buy that flips short to long', [sell(5, 10000), buy(8, 9000), sell(3, 9500)], 5 * 1000 + 3 * 500, 0],
    [
      'partial closes across several lots',
      [buy(3, 100), buy(3, 200), buy(3, 300), sell(4, 400), sell(4, 100)],
      3 * 300 + 1 * 200 + (2 * -100 + 2 * -200),
      1,
    ],
    ['a round trip in the day: SBIN-EQ 954.90 to 961.35', [buy(40, 95490), sell(40, 96135)], 40 * 645, 0],
    ['zero-quantity fills change nothing', [buy(0, 10000), buy(10, 10000), sell(0, 1), sell(10, 10100)], 1000, 0],
  ])('%s', (_name, fills, pnl, net) => {
    expect(realisedPnl(fills)).toBe(pnl);
    expect(netPosition(fills)).toBe(net);
  });

  it('leaves the later lots open after a partial close', () => {
    expect(openLots([buy(10, 10000), buy(10, 12000), sell(15, 13000)])).toEqual([{ quantity: 5, price: 12000 }]);
    expect(openLots([buy(10, 10000), sell(15, 11000)])).toEqual([{ quantity: -5, price: 11000 }]);
  });

  it('stays exact on sums that floats get wrong in rupees', () => {
    // 0.1 + 0.2 rupees, a thousand times over: in paise it is whole numbers throughout.
    const fills = Array.from({ length: 1000 }, () => [buy(1, 10), sell(1, 30)]).flat();
    expect(realisedPnl(fills)).toBe(20_000);
  });

  it.each<[string, Fill]>([
    ['a negative quantity', buy(-5, 100)],
    ['a fractional quantity', sell(1.5, 100)],
    ['a fractional price', buy(1, 100.5)],
  ])('refuses %s', (_name, fill) => {
    expect(() => realisedPnl([fill])).toThrow(RangeError);
  });
});
