import { describe, expect, it } from 'vitest';
import { differsByMoreThanALot, netPositions, unrealisedPnl, type PositionFill } from '../../server/src/core/position-figures.ts';

// 2026-01-05 00:00 IST is 2026-01-04T18:30Z.
const DAY_START = new Date('2026-01-04T18:30:00Z');
const TODAY = (hhmm: string) => new Date(`2026-01-05T${hhmm}:00+05:30`);
const YESTERDAY = (hhmm: string) => new Date(`2026-01-04T${hhmm}:00+05:30`);

const fill = (side: 'BUY' | 'SELL', quantity: number, price: number, at: Date, over: Partial<PositionFill> = {}): PositionFill => ({
  exchange: 'NSE',
  symbol: 'SBIN-EQ',
  token: '3045',
  productType: 'INTRADAY',
  side,
  quantity,
  price,
  at,
  ...over,
});

describe('net positions from fills', () => {
  it('nets a partial exit by FIFO: the rest at the average of the lots still open, the exit realised', () => {
    const [position] = netPositions(
      [fill('BUY', 10, 80000, TODAY('09:20')), fill('BUY', 10, 82000, TODAY('09:30')), fill('SELL', 12, 83000, TODAY('10:00'))],
      DAY_START,
    );
    expect(position).toEqual({
      exchange: 'NSE',
      symbol: 'SBIN-EQ',
      token: '3045',
      productType: 'INTRADAY',
      quantity: 8,
      averagePrice: 82000,
      realisedPnl: 10 * 3000 + 2 * 1000,
      holdingQuantity: 0,
      lastFillAt: TODAY('10:00'),
    });
  });

  it("counts only today's realised P&L, against lots opened on earlier days, and calls DELIVERY units carried in holdings", () => {
    const [position] = netPositions(
      [
        fill('BUY', 20, 79000, YESTERDAY('10:00'), { productType: 'DELIVERY' }),
        fill('SELL', 5, 78000, YESTERDAY('14:00'), { productType: 'DELIVERY' }),
        fill('SELL', 5, 81000, TODAY('09:45'), { productType: 'DELIVERY' }),
      ],
      DAY_START,
    );
    expect(position).toMatchObject({ quantity: 10, averagePrice: 79000, realisedPnl: 5 * 2000, holdingQuantity: 15 });
  });

  it('keeps one position per exchange, token and product, in any order of fills', () => {
    const positions = netPositions(
      [
        fill('SELL', 4, 81000, TODAY('10:00')),
        fill('BUY', 4, 80000, TODAY('09:00')),
        fill('BUY', 75, 2200000, TODAY('09:30'), { exchange: 'NFO', symbol: 'NIFTY26JANFUT', token: '35863', productType: 'CARRYFORWARD' }),
      ],
      DAY_START,
    );
    expect(positions.map((p) => [p.token, p.quantity, p.averagePrice, p.realisedPnl])).toEqual([
      ['3045', 0, null, 4 * 1000],
      ['35863', 75, 2200000, 0],
    ]);
  });

  it('leaves out a position flat since an earlier day, and keeps one closed today', () => {
    const closedYesterday = [fill('BUY', 1, 100, YESTERDAY('10:00')), fill('SELL', 1, 110, YESTERDAY('11:00'))];
    expect(netPositions(closedYesterday, DAY_START)).toEqual([]);
    expect(netPositions([...closedYesterday, fill('BUY', 1, 100, TODAY('09:16')), fill('SELL', 1, 90, TODAY('09:17'))], DAY_START)).toEqual(
      [expect.objectContaining({ quantity: 0, realisedPnl: -10 })],
    );
  });

  it('values the open quantity at the last price, long or short, and not without one', () => {
    expect(unrealisedPnl({ quantity: 8, averagePrice: 82000 }, 82550)).toBe(8 * 550);
    expect(unrealisedPnl({ quantity: -75, averagePrice: 2200000 }, 2190000)).toBe(75 * 10000);
    expect(unrealisedPnl({ quantity: 0, averagePrice: null }, 82550)).toBe(0);
    expect(unrealisedPnl({ quantity: 8, averagePrice: 82000 }, null)).toBeNull();
  });

  it('flags a difference above one lot only', () => {
    expect(differsByMoreThanALot(10, 9, 1)).toBe(false);
    expect(differsByMoreThanALot(10, 8, 1)).toBe(true);
    expect(differsByMoreThanALot(150, 75, 75)).toBe(false);
    expect(differsByMoreThanALot(150, 0, 75)).toBe(true);
    expect(differsByMoreThanALot(-75, 76, 75)).toBe(true);
  });
});
