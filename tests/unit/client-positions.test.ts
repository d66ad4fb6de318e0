import { describe, expect, it } from 'vitest';
import {
  brokerUnavailable,
  closingWords,
  driftKey,
  driftText,
  positionKey,
  sourceText,
  squareOffSummary,
} from '../../client/src/features/positions/positions.ts';

describe("the positions page's words", () => {
  const now = new Date('2026-01-05T08:00:00Z');

  it("says the broker's rows are the broker's, and dates Tandem's record in IST", () => {
    expect(sourceText({ source: 'BROKER', asOf: '2026-01-05T07:59:59.000Z' }, now)).toBe('Broker');
    expect(sourceText({ source: 'TANDEM', asOf: '2026-01-05T05:12:05.000Z' }, now)).toBe("Tandem's record, as of 10:42:05");
    expect(sourceText({ source: 'TANDEM', asOf: '2026-01-02T05:12:05.000Z' }, now)).toBe("Tandem's record, as of 02 Jan 10:42:05");
  });

  it('says the broker could not be asked only when every row is Tandem’s', () => {
    expect(brokerUnavailable([{ source: 'TANDEM' }, { source: 'TANDEM' }])).toBe(true);
    expect(brokerUnavailable([{ source: 'BROKER' }])).toBe(false);
    expect(brokerUnavailable([])).toBe(false);
  });

  it('keys a row by exchange, symbol and product', () => {
    expect(positionKey({ exchange: 'NSE', symbol: 'SBIN-EQ', productType: 'DELIVERY' })).toBe('NSE:SBIN-EQ:DELIVERY');
  });

  it('says what a square-off will do, and what it did', () => {
    expect(closingWords({ quantity: 40, symbol: 'SBIN-EQ' })).toBe('Sell 40 SBIN-EQ');
    expect(closingWords({ quantity: -25, symbol: 'NIFTY26DECFUT' })).toBe('Buy back 25 NIFTY26DECFUT');
    expect(squareOffSummary([])).toBe('Nothing to close: no open position (or its exit is already on its way).');
    expect(squareOffSummary([{ status: 'SENT' }])).toBe('1 square-off order placed at market.');
    expect(squareOffSummary([{ status: 'OPEN' }, { status: 'FILLED' }, { status: 'FAILED' }])).toBe(
      '2 square-off orders placed at market; 1 could not be placed (see the blotter for why).',
    );
  });

  it('writes drift with its sign, and keys it by follower and instrument', () => {
    expect([driftText(4), driftText(-10), driftText(0)]).toEqual(['+4', '-10', '0']);
    expect(
      driftKey({ follower: { id: 'f1', label: 'F', clientCode: 'C' }, exchange: 'NSE', symbol: 'SBIN-EQ', productType: 'INTRADAY' }),
    ).toBe('f1:NSE:SBIN-EQ:INTRADAY');
  });
});
