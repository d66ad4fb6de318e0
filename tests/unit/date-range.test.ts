import { describe, expect, it } from 'vitest';
import { parsePeriod } from '../../server/src/core/date-range.ts';
import { DomainError } from '../../server/src/core/errors.ts';

function refusal(from: string | null, to: string | null): DomainError {
  try {
    parsePeriod(from, to);
  } catch (error) {
    if (error instanceof DomainError) return error;
    throw error;
  }
  throw new Error(`parsePeriod(${from}, ${to}) was accepted`);
}

// The `from` and `to` of the CSV exports, as a trader in India means them.
describe('an export period', () => {
  it('takes a date alone as that whole IST day, both ends inclusive', () => {
    expect(parsePeriod('2026-12-03', '2026-12-03')).toEqual({
      from: new Date('2026-12-02T18:30:00Z'),
      before: new Date('2026-12-03T18:30:00Z'),
    });
  });

  it('takes a time with its offset, or in IST without one; `to` includes its millisecond', () => {
    expect(parsePeriod('2026-12-03T03:00:00Z', '2026-12-03T09:15:00.250+05:30')).toEqual({
      from: new Date('2026-12-03T03:00:00Z'),
      before: new Date('2026-12-03T03:45:00.251Z'),
    });
    expect(parsePeriod('2026-12-03T09:15', null).from).toEqual(new Date('2026-12-03T03:45:00Z'));
    // "+05:30" unencoded in a query string arrives as " 05:30".
    expect(parsePeriod('2026-12-03T09:15:00 05:30', null).from).toEqual(new Date('2026-12-03T03:45:00Z'));
  });

  it('leaves a side open when it is not given', () => {
    expect(parsePeriod(null, null)).toEqual({ from: null, before: null });
  });

  it('refuses what is not a date, naming the parameter', () => {
    for (const [from, to, field] of [
      ['yesterday', null, 'from'],
      [null, '2026-02-30', 'to'],
      [null, '03/12/2026', 'to'],
      ['2026-12-03T25:00', null, 'from'],
      ['0001-01-01', null, 'from'],
    ] as const) {
      const error = refusal(from, to);
      expect(error.code).toBe('BAD_USER_INPUT');
      expect(error.field, `${from} ${to}`).toBe(field);
    }
  });

  it('refuses a period that ends before it starts', () => {
    expect(refusal('2026-12-04', '2026-12-03').field).toBe('to');
  });
});
