import { describe, expect, it } from 'vitest';
import { DomainError } from '../../server/src/core/errors.ts';
import { applyFactor, parseDecimalFactor } from '../../server/src/core/replication/decimal-factor.ts';

describe('parseDecimalFactor', () => {
  it.each([
    ['2.5', 25n, 1],
    ['-1', -1n, 0],
    ['0.57', 57n, 2],
    ['1.000000', 1n, 0],
    ['10.500000', 105n, 1],
    ['+3', 3n, 0],
    ['.5', 5n, 1],
    ['-0.000001', -1n, 6],
    ['0', 0n, 0],
    [' 2.5 ', 25n, 1],
  ])('"%s" is %s / 10^%s', (text, numerator, scale) => {
    expect(parseDecimalFactor(text)).toEqual({ numerator, scale });
  });

  it.each(['', 'abc', '1e3', '1.2.3', '-', '.', '2,5', 'NaN', 'Infinity'])('"%s" is refused as BAD_USER_INPUT on factor', (text) => {
    expect(() => parseDecimalFactor(text)).toThrow(DomainError);
    try {
      parseDecimalFactor(text);
    } catch (error) {
      expect(error).toMatchObject({ code: 'BAD_USER_INPUT', field: 'factor' });
    }
  });
});

describe('applyFactor', () => {
  it.each([
    [100, '0.57', 57, false],
    [40, '2.5', 100, false],
    [40, '-1', 40, true],
    [40, '1', 40, false],
    [75, '2.5', 187, false],
    [7, '-0.5', 3, true],
    [3, '0.333333', 0, false],
    [1, '1.000000', 1, false],
    [0, '2.5', 0, false],
    [1_000_000, '99999999.999999', 99_999_999_999_999, false],
  ])('%s x %s is %s (reverse %s)', (quantity, factor, expected, reverse) => {
    expect(applyFactor(quantity, factor)).toEqual({ quantity: expected, reverse });
  });

  it('is exact where floats are not: 0.57 and 0.29 on every quantity up to 10000', () => {
    const quantities = Array.from({ length: 10_001 }, (_, i) => i);
    expect(quantities.map((q) => applyFactor(q, '0.57').quantity)).toEqual(quantities.map((q) => Math.floor((q * 57) / 100)));
    expect(quantities.map((q) => applyFactor(q, '-0.29').quantity)).toEqual(quantities.map((q) => Math.floor((q * 29) / 100)));
    // The float product gets 56 for 100 x 0.57, which is why the factor is never a float.
    expect(Math.floor(100 * 0.57)).toBe(56);
  });

  it.each([-1, 1.5, Number.NaN])('refuses quantity %s', (quantity) => {
    expect(() => applyFactor(quantity, '1')).toThrow(RangeError);
  });

  it('refuses a result no exchange could take instead of losing precision', () => {
    expect(() => applyFactor(Number.MAX_SAFE_INTEGER, '2')).toThrow(RangeError);
  });
});
