import { afterAll, describe, expect, it } from 'vitest';
import { isMarketOpen, istTradingDay, nextSessionOpen } from '../../server/src/core/market-session.ts';

// 2025-01-06 is a Monday; 2025-01-03 a Friday; 2025-01-04/05 the weekend.
const ist = (local: string): Date => new Date(`${local}+05:30`);

// The answers must not depend on the zone the server happens to run in.
// Each with its UTC offset on 2025-01-06 as getTimezoneOffset() reports it (minutes behind UTC).
const ZONES: [string, number][] = [
  ['UTC', 0],
  ['Asia/Kolkata', -330],
  ['America/New_York', 300],
  ['Pacific/Kiritimati', -840],
  ['Pacific/Pago_Pago', 660],
];
const originalTz = process.env.TZ;
afterAll(() => {
  if (originalTz === undefined) delete process.env.TZ;
  else process.env.TZ = originalTz;
});

describe.each(ZONES)('with the process in %s', (zone, offset) => {
  it('really runs in that zone', () => {
    process.env.TZ = zone;
    expect(ist('2025-01-06T12:00:00').getTimezoneOffset()).toBe(offset);
  });

  it.each([
    ['2025-01-06T09:14:00', false],
    ['2025-01-06T09:14:59', false],
    ['2025-01-06T09:15:00', true],
    ['2025-01-06T12:00:00', true],
    ['2025-01-06T15:29:59', true],
    ['2025-01-06T15:30:00', false],
    ['2025-01-06T23:59:00', false],
    ['2025-01-06T00:10:00', false],
    ['2025-01-03T10:00:00', true],
    ['2025-01-04T10:00:00', false],
    ['2025-01-05T10:00:00', false],
  ])('nse: %s IST open is %s', (local, open) => {
    process.env.TZ = zone;
    expect(isMarketOpen(ist(local), 'nse')).toBe(open);
  });

  it.each([
    ['2025-01-06T00:10:00', '2025-01-06'],
    ['2025-01-06T23:59:59', '2025-01-06'],
    ['2025-01-05T23:59:59', '2025-01-05'],
    ['2025-12-31T23:30:00', '2025-12-31'],
    ['2026-01-01T00:00:00', '2026-01-01'],
  ])('the IST trading day of %s is %s', (local, day) => {
    process.env.TZ = zone;
    expect(istTradingDay(ist(local))).toBe(day);
  });

  it.each([
    ['before the open on a Monday', '2025-01-06T09:00:00', '2025-01-06T09:15:00'],
    ['just after midnight IST on a Monday', '2025-01-06T00:10:00', '2025-01-06T09:15:00'],
    ['at the open itself', '2025-01-06T09:15:00', '2025-01-07T09:15:00'],
    ['during the session', '2025-01-06T11:00:00', '2025-01-07T09:15:00'],
    ['after the close on a Monday', '2025-01-06T15:30:00', '2025-01-07T09:15:00'],
    ['after the close on a Friday', '2025-01-03T15:45:00', '2025-01-06T09:15:00'],
    ['on a Saturday', '2025-01-04T10:00:00', '2025-01-06T09:15:00'],
    ['late on a Sunday', '2025-01-05T23:59:00', '2025-01-06T09:15:00'],
  ])('%s (%s IST) the next open is %s IST', (_name, local, next) => {
    process.env.TZ = zone;
    expect(nextSessionOpen(ist(local)).toISOString()).toBe(ist(next).toISOString());
  });
});

describe('always mode', () => {
  it.each(['2025-01-04T03:00:00', '2025-01-06T09:14:00', '2025-01-06T15:30:00'])('is open at %s IST', (local) => {
    expect(isMarketOpen(ist(local), 'always')).toBe(true);
  });
});

describe('holidays', () => {
  const holidays = ['2025-01-06'];

  it('keeps the market closed on a listed weekday', () => {
    expect(isMarketOpen(ist('2025-01-06T10:00:00'), 'nse', holidays)).toBe(false);
    expect(isMarketOpen(ist('2025-01-07T10:00:00'), 'nse', holidays)).toBe(true);
  });

  it('skips a listed day when finding the next open', () => {
    expect(nextSessionOpen(ist('2025-01-03T16:00:00'), holidays).toISOString()).toBe(ist('2025-01-07T09:15:00').toISOString());
  });
});
