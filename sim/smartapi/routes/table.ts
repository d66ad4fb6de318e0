import type { RequestContext, SecureContext } from '../context.ts';
import type { SimResponse } from '../envelope.ts';
import type { RateGroup } from '../rate-limit.ts';
import { getHolding, getOrderBook, getPosition, getTradeBook, orderDetails } from './books.ts';
import type { RouteName } from './names.ts';
import { cancelOrder, modifyOrder, placeOrder } from './orders.ts';
import { generateTokens, getProfile, getRMS, loginByPassword, logout } from './user.ts';

type Handler<C> = (ctx: C) => SimResponse | Promise<SimResponse>;

export type RouteSpec =
  | { name: RouteName; method: 'GET' | 'POST'; path: string; rate: RateGroup; auth: 'none'; handler: Handler<RequestContext> }
  | {
      name: RouteName;
      method: 'GET' | 'POST';
      path: string;
      rate: RateGroup;
      auth: 'session';
      orderWrite?: true;
      handler: Handler<SecureContext>;
    };

const USER = '/rest/secure/angelbroking/user/v1';
const ORDER = '/rest/secure/angelbroking/order/v1';
const PORTFOLIO = '/rest/secure/angelbroking/portfolio/v1';

/** The REST surface of docs/smartapi.md §2–4; `path` ending in `/` takes one trailing id segment. */
export const ROUTES: readonly RouteSpec[] = [
  {
    name: 'loginByPassword',
    method: 'POST',
    path: '/rest/auth/angelbroking/user/v1/loginByPassword',
    rate: 'login',
    auth: 'none',
    handler: loginByPassword,
  },
  {
    name: 'generateTokens',
    method: 'POST',
    path: '/rest/auth/angelbroking/jwt/v1/generateTokens',
    rate: 'generateTokens',
    auth: 'session',
    handler: generateTokens,
  },
  { name: 'getProfile', method: 'GET', path: `${USER}/getProfile`, rate: 'getProfile', auth: 'session', handler: getProfile },
  { name: 'logout', method: 'POST', path: `${USER}/logout`, rate: 'logout', auth: 'session', handler: logout },
  { name: 'getRMS', method: 'GET', path: `${USER}/getRMS`, rate: 'getRMS', auth: 'session', handler: getRMS },
  {
    name: 'placeOrder',
    method: 'POST',
    path: `${ORDER}/placeOrder`,
    rate: 'orders',
    auth: 'session',
    orderWrite: true,
    handler: placeOrder,
  },
  {
    name: 'modifyOrder',
    method: 'POST',
    path: `${ORDER}/modifyOrder`,
    rate: 'orders',
    auth: 'session',
    orderWrite: true,
    handler: modifyOrder,
  },
  {
    name: 'cancelOrder',
    method: 'POST',
    path: `${ORDER}/cancelOrder`,
    rate: 'orders',
    auth: 'session',
    orderWrite: true,
    handler: cancelOrder,
  },
  { name: 'getOrderBook', method: 'GET', path: `${ORDER}/getOrderBook`, rate: 'getOrderBook', auth: 'session', handler: getOrderBook },
  { name: 'orderDetails', method: 'GET', path: `${ORDER}/details/`, rate: 'orderDetails', auth: 'session', handler: orderDetails },
  { name: 'getTradeBook', method: 'GET', path: `${ORDER}/getTradeBook`, rate: 'getTradeBook', auth: 'session', handler: getTradeBook },
  { name: 'getPosition', method: 'GET', path: `${ORDER}/getPosition`, rate: 'getPosition', auth: 'session', handler: getPosition },
  { name: 'getHolding', method: 'GET', path: `${PORTFOLIO}/getHolding`, rate: 'getHolding', auth: 'session', handler: getHolding },
];

export function matchRoute(method: string, pathname: string): { route: RouteSpec; params: Record<string, string> } | null {
  for (const route of ROUTES) {
    if (route.method !== method) continue;
    if (route.path.endsWith('/')) {
      const id = pathname.startsWith(route.path) ? pathname.slice(route.path.length) : '';
      if (id && !id.includes('/')) return { route, params: { id: decodeURIComponent(id) } };
    } else if (pathname === route.path) {
      return { route, params: {} };
    }
  }
  return null;
}
