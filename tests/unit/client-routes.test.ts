import { describe, expect, it } from 'vitest';
import { hashFor, paramsFromHash, routeFromHash, ROUTES } from '../../client/src/navigation/routes.ts';

describe('the hash router', () => {
  it('opens every page by its hash', () => {
    expect(ROUTES.map((r) => routeFromHash(hashFor(r.name)))).toEqual([
      'overview',
      'accounts',
      'multipliers',
      'orders',
      'positions',
      'ticket',
      'latency',
      'tokens',
      'audit',
    ]);
  });

  it('falls back to the overview for an empty or unknown hash', () => {
    expect(routeFromHash('')).toBe('overview');
    expect(routeFromHash('#/')).toBe('overview');
    expect(routeFromHash('#/nope')).toBe('overview');
    expect(routeFromHash('#/constructor')).toBe('overview');
  });

  it('keeps page parameters in the hash, so a filtered view can be bookmarked', () => {
    const hash = hashFor('orders', { symbol: 'SBIN-EQ', status: 'FAILED' });
    expect(hash).toBe('#/orders?symbol=SBIN-EQ&status=FAILED');
    expect(routeFromHash(hash)).toBe('orders');
    expect(Object.fromEntries(paramsFromHash(hash))).toEqual({ symbol: 'SBIN-EQ', status: 'FAILED' });
    expect([...paramsFromHash('#/orders')]).toEqual([]);
  });

  it('ignores anything after the page name', () => {
    expect(routeFromHash('#/orders?symbol=SBIN-EQ')).toBe('orders');
    expect(routeFromHash('#/accounts/123')).toBe('accounts');
  });
});
