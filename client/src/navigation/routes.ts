/** Every page of the dashboard, in the order the navigation shows them. */
export const ROUTES = [
  { name: 'overview', label: 'Overview' },
  { name: 'accounts', label: 'Accounts' },
  { name: 'multipliers', label: 'Multipliers' },
  { name: 'orders', label: 'Orders' },
  { name: 'positions', label: 'Positions' },
  { name: 'ticket', label: 'Ticket' },
  { name: 'latency', label: 'Latency' },
  { name: 'tokens', label: 'API tokens' },
  { name: 'audit', label: 'Audit' },
] as const;

export type RouteName = (typeof ROUTES)[number]['name'];

export const DEFAULT_ROUTE: RouteName = 'overview';

/** The route a location hash names: "#/orders" or "#/orders?symbol=SBIN-EQ" is "orders"; anything unknown is the overview. */
export function routeFromHash(hash: string): RouteName {
  const name = hash.replace(/^#\/?/, '').split(/[?/]/)[0] ?? '';
  return ROUTES.find((r) => r.name === name)?.name ?? DEFAULT_ROUTE;
}

/** The query part of a hash ("#/orders?symbol=SBIN-EQ" gives symbol=SBIN-EQ), for pages that keep filters in the URL. */
export function paramsFromHash(hash: string): URLSearchParams {
  const at = hash.indexOf('?');
  return new URLSearchParams(at >= 0 ? hash.slice(at + 1) : '');
}

/** The hash that opens a route, with optional parameters. */
export function hashFor(name: RouteName, params?: Record<string, string>): string {
  const query = params && Object.keys(params).length ? `?${new URLSearchParams(params).toString()}` : '';
  return `#/${name}${query}`;
}
