import type { RateWindow } from '../../core/rate-windows.ts';

// SmartAPI's published limits per client code, that Tandem keeps to rather than be refused.
// Each call counts from when it goes until a window after its answer (core/rate-windows.ts).

/** place + modify + cancel together: the engine's order calls take their turn under these. */
export const ORDER_CALL_WINDOWS: readonly RateWindow[] = [
  { limit: 9, windowMs: 1_000 },
  { limit: 500, windowMs: 60_000 },
  { limit: 1000, windowMs: 3_600_000 },
];

/** getOrderBook: once a second. */
export const ORDER_BOOK_WINDOWS: readonly RateWindow[] = [{ limit: 1, windowMs: 1_000 }];

/** getPosition: once a second (docs/smartapi.md §7). */
export const POSITION_WINDOWS: readonly RateWindow[] = [{ limit: 1, windowMs: 1_000 }];

/** getHolding: once a second, a limit of its own (docs/smartapi.md §7). */
export const HOLDING_WINDOWS: readonly RateWindow[] = [{ limit: 1, windowMs: 1_000 }];

/** loginByPassword: once a second, spaced 1.1 s to be sure. */
export const LOGIN_WINDOWS: readonly RateWindow[] = [{ limit: 1, windowMs: 1_100 }];

/** The limiter's key for one client code's calls of one kind. */
export const rateKey = (clientCode: string, calls: 'orderBook' | 'positions' | 'holdings' | 'login'): string =>
  `SMARTAPI:${clientCode}:${calls}`;
