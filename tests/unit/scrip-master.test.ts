import { describe, it, expect } from 'vitest';
import {
  parseScripMaster,
  shippedFreezeTable,
  shippedInstruments,
  type FreezeTable,
  type ShippedInstrument,
} from '../../server/src/instruments/scrip-master.ts';

// A table of its own, so these cases do not move when NSE revises the shipped one.
const FREEZE: FreezeTable = {
  effectiveFrom: '2026-02-01',
  source: 'test',
  limits: { NIFTY: 1800, BANKNIFTY: 600, FINNIFTY: 1800 },
};

const row = (fields: Record<string, string>) => ({
  token: '',
  symbol: '',
  name: '',
  expiry: '',
  strike: '-1.000000',
  lotsize: '1',
  instrumenttype: '',
  exch_seg: 'NSE',
  tick_size: '5.000000',
  ...fields,
});

// Shaped like rows of the real file (docs/smartapi.md §11), plus rows the parser must refuse.
const SAMPLE: unknown[] = [
  row({ token: '2885', symbol: 'RELIANCE-EQ', name: 'RELIANCE' }),
  row({ token: '3045', symbol: 'SBIN-EQ', name: 'SBIN', tick_size: '10.000000' }),
  row({
    token: '61093',
    symbol: 'NIFTY28JUL26FUT',
    name: 'NIFTY',
    expiry: '28JUL2026',
    lotsize: '65',
    instrumenttype: 'FUTIDX',
    exch_seg: 'NFO',
    tick_size: '10.000000',
  }),
  row({
    token: '63915',
    symbol: 'NIFTY28JUL2623500CE',
    name: 'NIFTY',
    expiry: '28JUL2026',
    strike: '2350000.000000',
    lotsize: '65',
    instrumenttype: 'OPTIDX',
    exch_seg: 'NFO',
  }),
  row({
    token: '35040',
    symbol: 'FINNIFTY19DEC2321750CE',
    name: 'FINNIFTY',
    expiry: '19Dec2023',
    strike: '2175000.000000',
    lotsize: '40',
    instrumenttype: 'OPTIDX',
    exch_seg: 'NFO',
  }),
  row({
    token: '61120',
    symbol: 'SBIN28JUL26FUT',
    name: 'SBIN',
    expiry: '28JUL2026',
    lotsize: '750',
    instrumenttype: 'FUTSTK',
    exch_seg: 'NFO',
    tick_size: '10.000000',
  }),
  row({ token: '99926009', symbol: 'Nifty Bank', name: 'BANKNIFTY', strike: '0.000000', instrumenttype: 'AMXIDX', tick_size: '0.000000' }),
  null,
  row({ token: '', symbol: 'NOTOKEN-EQ', name: 'NOTOKEN' }),
  row({ token: '1594', symbol: 'INFY-EQ', name: 'INFY', lotsize: '0' }),
  row({
    token: '1156',
    symbol: 'USDINR28JUL26FUT',
    name: 'USDINR',
    expiry: '28JUL2026',
    instrumenttype: 'FUTCUR',
    exch_seg: 'CDS',
    tick_size: '0.250000',
  }),
  row({
    token: '70001',
    symbol: 'NIFTY31FEB2623000CE',
    name: 'NIFTY',
    expiry: '31FEB2026',
    strike: '2300000.000000',
    lotsize: '65',
    instrumenttype: 'OPTIDX',
    exch_seg: 'NFO',
  }),
  row({
    token: '70002',
    symbol: 'NIFTY28JUL26XCE',
    name: 'NIFTY',
    expiry: '28JUL2026',
    lotsize: '65',
    instrumenttype: 'OPTIDX',
    exch_seg: 'NFO',
  }),
  row({ token: '70003', symbol: 'NIFTYFUT', name: 'NIFTY', lotsize: '65', instrumenttype: 'FUTIDX', exch_seg: 'NFO' }),
  row({ token: '2885', symbol: 'RELIANCE-BE', name: 'RELIANCE' }),
];

describe('parseScripMaster', () => {
  const { instruments, skipped } = parseScripMaster(SAMPLE, FREEZE);
  const bySymbol = new Map(instruments.map((i) => [i.symbol, i]));

  it('keeps the good rows and skips every bad one with its row number and a reason', () => {
    expect(instruments.map((i) => i.symbol)).toEqual([
      'RELIANCE-EQ',
      'SBIN-EQ',
      'NIFTY28JUL26FUT',
      'NIFTY28JUL2623500CE',
      'FINNIFTY19DEC2321750CE',
      'SBIN28JUL26FUT',
    ]);
    expect(skipped.map((s) => s.index)).toEqual([6, 7, 8, 9, 10, 11, 12, 13, 14]);
    const reasons = skipped.map((s) => s.reason);
    expect(reasons[0]).toMatch(/Nifty Bank is an index/);
    expect(reasons[1]).toMatch(/not an object/);
    expect(reasons[2]).toMatch(/token "" is not a number/);
    expect(reasons[3]).toMatch(/INFY-EQ: lot size "0"/);
    expect(reasons[4]).toMatch(/exchange segment "CDS"/);
    expect(reasons[5]).toMatch(/expiry "31FEB2026"/);
    expect(reasons[6]).toMatch(/strike "-1.000000"/);
    expect(reasons[7]).toMatch(/FUTIDX row has no expiry/);
    expect(reasons[8]).toMatch(/token 2885 on NSE repeats row 0/);
  });

  it('reads a cash row as an EQ instrument with its tick in paise and no freeze limit', () => {
    expect(bySymbol.get('RELIANCE-EQ')).toEqual({
      token: '2885',
      symbol: 'RELIANCE-EQ',
      name: 'RELIANCE',
      exchange: 'NSE',
      instrumentType: 'EQ',
      lotSize: 1,
      tickSize: 5,
      freezeQuantity: null,
      expiry: null,
      strike: null,
    });
    expect(bySymbol.get('SBIN-EQ')?.tickSize).toBe(10);
  });

  it('takes tick size and strike as paise already, without scaling them', () => {
    const call = bySymbol.get('NIFTY28JUL2623500CE');
    expect(call?.strike).toBe(2_350_000); // Rs 23,500
    expect(call?.tickSize).toBe(5); // Rs 0.05
    expect(bySymbol.get('NIFTY28JUL26FUT')?.strike).toBeNull();
  });

  it('turns DDMMMYYYY expiries, in any letter case, into ISO dates', () => {
    expect(bySymbol.get('NIFTY28JUL26FUT')?.expiry).toBe('2026-07-28');
    expect(bySymbol.get('FINNIFTY19DEC2321750CE')?.expiry).toBe('2023-12-19');
  });

  it('gives index futures and options the freeze limit of their underlying, and nothing else one', () => {
    expect(bySymbol.get('NIFTY28JUL26FUT')?.freezeQuantity).toBe(1800);
    expect(bySymbol.get('FINNIFTY19DEC2321750CE')?.freezeQuantity).toBe(1800);
    expect(bySymbol.get('SBIN28JUL26FUT')?.freezeQuantity).toBeNull();
    const other = parseScripMaster(SAMPLE, { ...FREEZE, limits: { NIFTY: 1755 } });
    expect(other.instruments.find((i) => i.symbol === 'NIFTY28JUL26FUT')?.freezeQuantity).toBe(1755);
    expect(other.instruments.find((i) => i.symbol === 'FINNIFTY19DEC2321750CE')?.freezeQuantity).toBeNull();
  });

  it('reports input that is not an array instead of throwing', () => {
    expect(parseScripMaster({ data: [] }, FREEZE)).toEqual({
      instruments: [],
      skipped: [{ index: -1, reason: 'the scrip master is not a JSON array' }],
    });
  });
});

// The NIFTY 50 after the 2025-09-30 reconstitution, unchanged at the 2026-03-30 review.
const NIFTY_50 = [
  'ADANIENT',
  'ADANIPORTS',
  'APOLLOHOSP',
  'ASIANPAINT',
  'AXISBANK',
  'BAJAJ-AUTO',
  'BAJAJFINSV',
  'BAJFINANCE',
  'BEL',
  'BHARTIARTL',
  'CIPLA',
  'COALINDIA',
  'DRREDDY',
  'EICHERMOT',
  'ETERNAL',
  'GRASIM',
  'HCLTECH',
  'HDFCBANK',
  'HDFCLIFE',
  'HINDALCO',
  'HINDUNILVR',
  'ICICIBANK',
  'INDIGO',
  'INFY',
  'ITC',
  'JIOFIN',
  'JSWSTEEL',
  'KOTAKBANK',
  'LT',
  'M&M',
  'MARUTI',
  'MAXHEALTH',
  'NESTLEIND',
  'NTPC',
  'ONGC',
  'POWERGRID',
  'RELIANCE',
  'SBILIFE',
  'SBIN',
  'SHRIRAMFIN',
  'SUNPHARMA',
  'TATACONSUM',
  'TATASTEEL',
  'TCS',
  'TECHM',
  'TITAN',
  'TMPV',
  'TRENT',
  'ULTRACEMCO',
  'WIPRO',
];

/** The shipped spec written back as the scrip-master row it stands for. */
function asScripRow(i: ShippedInstrument): Record<string, string> {
  const expiry =
    i.expiry === null
      ? ''
      : i.expiry.slice(8, 10) +
        ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'][Number(i.expiry.slice(5, 7)) - 1] +
        i.expiry.slice(0, 4);
  return {
    token: i.token,
    symbol: i.symbol,
    name: i.name,
    expiry,
    strike: i.strike === null ? '-1.000000' : `${i.strike}.000000`,
    lotsize: String(i.lotSize),
    instrumenttype: i.instrumentType === 'EQ' ? '' : i.instrumentType,
    exch_seg: i.exchange,
    tick_size: `${i.tickSize}.000000`,
  };
}

describe('shipped instruments', () => {
  const shipped = shippedInstruments();
  const freeze = shippedFreezeTable();
  const cash = shipped.filter((i) => i.exchange === 'NSE');
  const derivatives = shipped.filter((i) => i.exchange === 'NFO');

  it('hold every NIFTY 50 stock exactly once, as SmartAPI spells it', () => {
    expect(cash.map((i) => i.symbol).sort()).toEqual(NIFTY_50.map((s) => `${s}-EQ`).sort());
    for (const i of cash) {
      expect(i).toMatchObject({
        name: i.symbol.replace(/-EQ$/, ''),
        instrumentType: 'EQ',
        lotSize: 1,
        freezeQuantity: null,
        expiry: null,
        strike: null,
      });
    }
  });

  it("carry the tokens of Angel One's scrip master", () => {
    const token = (symbol: string) => shipped.find((i) => i.symbol === symbol)?.token;
    expect(token('SBIN-EQ')).toBe('3045');
    expect(token('RELIANCE-EQ')).toBe('2885');
    expect(token('HDFCBANK-EQ')).toBe('1333');
  });

  it('never repeat a token on one exchange, nor across them (the paper price walk keys by token)', () => {
    for (const exchange of ['NSE', 'NFO']) {
      const tokens = shipped.filter((i) => i.exchange === exchange).map((i) => i.token);
      expect(new Set(tokens).size).toBe(tokens.length);
    }
    expect(new Set(shipped.map((i) => i.token)).size).toBe(shipped.length);
  });

  it('have positive whole lots and ticks, and start on a tick', () => {
    for (const i of shipped) {
      expect(Number.isSafeInteger(i.lotSize) && i.lotSize > 0, i.symbol).toBe(true);
      expect(Number.isSafeInteger(i.tickSize) && i.tickSize > 0, i.symbol).toBe(true);
      expect(Number.isSafeInteger(i.referencePrice) && i.referencePrice > 0, i.symbol).toBe(true);
      expect(i.referencePrice % i.tickSize, i.symbol).toBe(0);
    }
  });

  it('include NIFTY and BANKNIFTY futures and options, dated, with their freeze limits applied', () => {
    expect(derivatives.some((i) => i.name === 'NIFTY' && i.instrumentType === 'FUTIDX')).toBe(true);
    expect(derivatives.some((i) => i.name === 'BANKNIFTY' && i.instrumentType === 'FUTIDX')).toBe(true);
    expect(derivatives.some((i) => i.instrumentType === 'OPTIDX')).toBe(true);
    for (const i of derivatives) {
      expect(i.expiry, i.symbol).toMatch(/^\d{4}-\d{2}-\d{2}$/);
      expect(i.strike === null, i.symbol).toBe(i.instrumentType === 'FUTIDX');
      expect(i.freezeQuantity, i.symbol).toBe(freeze.limits[i.name]);
      expect(i.lotSize, i.symbol).toBeGreaterThan(1);
    }
  });

  it('come out the same when read back through the scrip-master parser', () => {
    const { instruments, skipped } = parseScripMaster(shipped.map(asScripRow), freeze);
    expect(skipped).toEqual([]);
    expect(instruments).toEqual(shipped.map(({ referencePrice: _, ...spec }) => spec));
  });

  it('ship a dated freeze table for the index derivatives', () => {
    expect(freeze.effectiveFrom).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(freeze.source.length).toBeGreaterThan(0);
    expect(Object.keys(freeze.limits)).toEqual(expect.arrayContaining(['NIFTY', 'BANKNIFTY', 'FINNIFTY', 'MIDCPNIFTY']));
    for (const limit of Object.values(freeze.limits)) expect(Number.isSafeInteger(limit) && limit > 0).toBe(true);
  });
});
