import { describe, expect, it } from 'vitest';
import { actionWords, changedKeys, formatValue } from '../../client/src/features/audit/audit-diff.ts';
import { filenameFrom } from '../../client/src/graphql/download.ts';

// The audit page shows each change as the fields that moved, old → new.
describe("an audit entry's changes", () => {
  it('lists only the keys whose values differ, old and new', () => {
    const before = { label: 'Desk', copyEnabled: true, killSwitch: false, symbolsAllow: ['SBIN-EQ'] };
    const after = { label: 'Desk', copyEnabled: false, killSwitch: false, symbolsAllow: ['SBIN-EQ', 'INFY-EQ'] };
    expect(changedKeys(before, after)).toEqual([
      { key: 'copyEnabled', before: 'true', after: 'false' },
      { key: 'symbolsAllow', before: '["SBIN-EQ"]', after: '["SBIN-EQ", "INFY-EQ"]' },
    ]);
  });

  it('lists what a creation set and what a deletion removed, without the id', () => {
    expect(changedKeys(null, { id: 'x', name: 'wallboard', scopes: [] })).toEqual([
      { key: 'name', after: '"wallboard"' },
      { key: 'scopes', after: '[]' },
    ]);
    expect(changedKeys({ factor: '2', maxQuantity: null }, null)).toEqual([
      { key: 'factor', before: '"2"' },
      { key: 'maxQuantity', before: '—' },
    ]);
  });

  it('says nothing changed when nothing did', () => {
    expect(changedKeys({ engaged: true }, { engaged: true })).toEqual([]);
  });

  it('writes values and actions in a few words', () => {
    expect(formatValue(null)).toBe('—');
    expect(formatValue(1500)).toBe('1500');
    expect(formatValue({ a: 1 })).toBe('{"a":1}');
    expect(actionWords('account.update+credentials')).toBe('Account update + credentials');
    expect(actionWords('killSwitch.engage')).toBe('Kill switch engage');
  });
});

describe("a download's file name", () => {
  it('is the one the server names, or the fallback when it names none or something unsafe', () => {
    expect(filenameFrom('attachment; filename="orders-2026-12-03.csv"', 'orders.csv')).toBe('orders-2026-12-03.csv');
    expect(filenameFrom(null, 'orders.csv')).toBe('orders.csv');
    expect(filenameFrom('attachment; filename="../../etc/passwd"', 'audit.csv')).toBe('audit.csv');
    expect(filenameFrom('attachment; filename=".hidden"', 'audit.csv')).toBe('audit.csv');
  });
});
