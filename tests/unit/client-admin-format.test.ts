import { describe, expect, it } from 'vitest';
import { formatSizing } from '../../client/src/features/multipliers/sizing.ts';
import { curlExample } from '../../client/src/features/tokens/curl-example.ts';
import { formatCount, formatDateTime } from '../../client/src/ui/format.ts';
import { parseList, parseOptionalInt, parseOptionalNumber } from '../../client/src/ui/text-input.ts';

describe('how the admin pages write things', () => {
  it('writes a multiplier as the trader thinks of it', () => {
    expect(formatSizing({ mode: 'MULTIPLY', factor: 2.5 })).toBe('× 2.5');
    expect(formatSizing({ mode: 'MULTIPLY', factor: -1 })).toBe('× 1 reverse');
    expect(formatSizing({ mode: 'FIXED_LOTS', fixedLots: 1 })).toBe('1 lot');
    expect(formatSizing({ mode: 'FIXED_LOTS', fixedLots: 3 })).toBe('3 lots');
    expect(formatSizing({ mode: 'MULTIPLY', factor: null })).toBe('—');
  });

  it('groups counts the Indian way and shows times in IST', () => {
    expect(formatCount(123456)).toBe('1,23,456');
    expect(formatCount(null)).toBe('—');
    expect(formatDateTime('2026-11-25T08:35:00Z')).toBe('25 Nov 2026, 14:05');
    expect(formatDateTime(null)).toBe('—');
  });

  it('reads a symbol list however it was typed', () => {
    expect(parseList(' sbin-eq, RELIANCE-EQ  infy-eq,,sbin-eq ')).toEqual(['SBIN-EQ', 'RELIANCE-EQ', 'INFY-EQ']);
    expect(parseList('   ')).toEqual([]);
  });

  it('tells an empty number input (no limit) from one that is not a number', () => {
    expect(parseOptionalInt('')).toBeNull();
    expect(parseOptionalInt(' 40 ')).toBe(40);
    expect(parseOptionalInt('2.5')).toBeNaN();
    expect(parseOptionalNumber('0.57')).toBe(0.57);
    expect(parseOptionalNumber('-1')).toBe(-1);
    expect(parseOptionalNumber('1,000.50')).toBe(1000.5);
    expect(parseOptionalNumber('abc')).toBeNaN();
  });

  it('gives a curl command that sends the token and a valid GraphQL body', () => {
    const command = curlExample('http://localhost:4000', 'tdm_secret');
    expect(command).toContain('curl -s http://localhost:4000/graphql');
    expect(command).toContain("-H 'authorization: Bearer tdm_secret'");
    const body = /-d '(.*)'$/m.exec(command)?.[1];
    expect(JSON.parse(body!)).toEqual({ query: expect.stringContaining('orders(first: 5)') });
  });
});
