import { describe, expect, it } from 'vitest';
import { holdingFromRow, positionFromRow, positionsFromAnswers } from '../../server/src/brokers/smartapi/position-mapping.ts';

/** A getPosition row as SmartAPI shows it (docs/smartapi.md §4.3): every field a string. */
const positionRow = (over: Record<string, string> = {}): Record<string, string> => ({
  exchange: 'NSE',
  symboltoken: '3045',
  producttype: 'INTRADAY',
  tradingsymbol: 'SBIN-EQ',
  symbolname: 'SBIN',
  instrumenttype: '',
  lotsize: '1',
  buyqty: '10',
  sellqty: '4',
  buyamount: '8000.00',
  sellamount: '3280.00',
  buyavgprice: '800.00',
  sellavgprice: '820.00',
  cfbuyqty: '0',
  cfsellqty: '0',
  cfbuyamount: '0.00',
  cfsellamount: '0.00',
  cfbuyavgprice: '0.00',
  cfsellavgprice: '0.00',
  totalbuyavgprice: '800.00',
  totalsellavgprice: '820.00',
  avgnetprice: '800.00',
  netprice: '800.00',
  netvalue: '-4720.00',
  netqty: '6',
  ...over,
});

/** A getHolding row as Angel's sample shows it: numbers for quantities and amounts. */
const holdingRow = (over: Record<string, unknown> = {}): Record<string, unknown> => ({
  tradingsymbol: 'SBIN-EQ',
  exchange: 'NSE',
  isin: 'INE062A01020',
  t1quantity: 0,
  realisedquantity: 20,
  quantity: 20,
  authorisedquantity: 0,
  product: 'DELIVERY',
  collateralquantity: null,
  collateraltype: null,
  haircut: 0.0,
  averageprice: 790.5,
  ltp: 812.35,
  symboltoken: '3045',
  close: 810.0,
  profitandloss: 437,
  pnlpercentage: 2.76,
  ...over,
});

describe('SmartAPI getPosition rows', () => {
  it('reads quantities, the average of the open side and the realised P&L of a partial exit, in paise', () => {
    expect(positionFromRow(positionRow())).toEqual({
      exchange: 'NSE',
      symbol: 'SBIN-EQ',
      token: '3045',
      productType: 'INTRADAY',
      quantity: 6,
      averagePrice: 80000,
      realisedPnl: 4 * 2000,
      lastPrice: null,
      holdingQuantity: 0,
    });
  });

  it("takes the row's own realised and ltp where it has them (seen in captures)", () => {
    const position = positionFromRow(positionRow({ realised: '75.50', ltp: '815.05' }));
    expect(position).toMatchObject({ realisedPnl: 7550, lastPrice: 81505 });
  });

  it('averages a short on its sells, counts carried-forward trades and reads old product names', () => {
    const short = positionFromRow(
      positionRow({
        producttype: 'NRML',
        buyqty: '0',
        sellqty: '75',
        cfsellqty: '75',
        buyavgprice: '0.00',
        sellavgprice: '22010.00',
        totalbuyavgprice: '0.00',
        totalsellavgprice: '22005.00',
        netqty: '-150',
      }),
    );
    expect(short).toMatchObject({ productType: 'CARRYFORWARD', quantity: -150, averagePrice: 2200500, realisedPnl: 0 });
  });

  it('shows a position closed today as flat with no average and its realised P&L', () => {
    const flat = positionFromRow(positionRow({ sellqty: '10', netqty: '0', totalsellavgprice: '795.00', sellavgprice: '795.00' }));
    expect(flat).toMatchObject({ quantity: 0, averagePrice: null, realisedPnl: 10 * -500 });
  });

  it('skips a row without an instrument', () => {
    expect(positionFromRow(positionRow({ symboltoken: '' }))).toBeNull();
  });
});

describe('SmartAPI getHolding rows', () => {
  it('reads units (settled and T1), the average and the last price, numbers or strings', () => {
    expect(holdingFromRow(holdingRow({ t1quantity: '5' }))).toEqual({
      exchange: 'NSE',
      symbol: 'SBIN-EQ',
      token: '3045',
      quantity: 25,
      averagePrice: 79050,
      lastPrice: 81235,
    });
    expect(holdingFromRow(holdingRow({ quantity: '0', t1quantity: '0' }))).toBeNull();
  });
});

describe('positions and holdings together', () => {
  it('shows a holding with no trade today as a DELIVERY position held from earlier days', () => {
    expect(positionsFromAnswers(null, [holdingRow()])).toEqual([
      {
        exchange: 'NSE',
        symbol: 'SBIN-EQ',
        token: '3045',
        productType: 'DELIVERY',
        quantity: 20,
        averagePrice: 79050,
        realisedPnl: 0,
        lastPrice: 81235,
        holdingQuantity: 20,
      },
    ]);
  });

  it("adds the day's DELIVERY buys to the holding, averaging the two, and keeps other products apart", () => {
    const bought = positionRow({ producttype: 'DELIVERY', sellqty: '0', netqty: '10', realised: '0.00', ltp: '815.00' });
    const intraday = positionRow();
    const positions = positionsFromAnswers([bought, intraday], { holdings: [holdingRow()] });
    expect(positions).toHaveLength(2);
    expect(positions.find((p) => p.productType === 'DELIVERY')).toEqual({
      exchange: 'NSE',
      symbol: 'SBIN-EQ',
      token: '3045',
      productType: 'DELIVERY',
      quantity: 30,
      averagePrice: Math.round((20 * 79050 + 10 * 80000) / 30),
      realisedPnl: 0,
      lastPrice: 81500,
      holdingQuantity: 20,
    });
    expect(positions.find((p) => p.productType === 'INTRADAY')).toMatchObject({ quantity: 6, holdingQuantity: 0 });
  });

  it("keeps the holding's average when part of it is sold today", () => {
    const sold = positionRow({
      producttype: 'DELIVERY',
      buyqty: '0',
      sellqty: '5',
      buyavgprice: '0.00',
      totalbuyavgprice: '0.00',
      netqty: '-5',
      realised: '0.00',
    });
    expect(positionsFromAnswers([sold], [holdingRow()])[0]).toMatchObject({ quantity: 15, averagePrice: 79050, holdingQuantity: 20 });
  });

  it('reads empty answers (null, [] or no holdings) as nothing held', () => {
    expect(positionsFromAnswers(null, null)).toEqual([]);
    expect(positionsFromAnswers([], { holdings: null, totalholding: null })).toEqual([]);
  });
});
