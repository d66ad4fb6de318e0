import type { AccountRegistry, SimAccount } from './accounts.ts';
import type { SessionStore, SimSession } from './auth.ts';
import type { Clock } from './clock.ts';
import type { SimCounters } from './counters.ts';
import type { Exchange } from './exchange.ts';
import type { HttpFaults } from './faults.ts';
import type { HoldingBook } from './holdings.ts';
import type { Market } from './market.ts';
import type { OrderBook } from './order-book.ts';
import type { OrderSocketHub } from './order-ws.ts';
import type { RateLimiter } from './rate-limit.ts';
import type { SmartApiSimOptions } from './types.ts';

/** Options after defaults, as every part reads them. */
export type ResolvedOptions = Required<Omit<SmartApiSimOptions, 'sessionTtlMs' | 'jwtSecret' | 'rateLimits' | 'accounts' | 'instruments'>>;

/** The simulator's parts, wired once by createSmartApiSim. */
export interface SimCore {
  options: ResolvedOptions;
  clock: Clock;
  accounts: AccountRegistry;
  sessions: SessionStore;
  market: Market;
  book: OrderBook;
  holdings: HoldingBook;
  exchange: Exchange;
  limiter: RateLimiter;
  faults: HttpFaults;
  hub: OrderSocketHub;
  counters: SimCounters;
}

/** One REST call after the gateway checks. `session` and `account` are set on secure routes. */
export interface RequestContext {
  core: SimCore;
  body: Record<string, unknown>;
  params: Record<string, string>;
  session: SimSession | null;
  account: SimAccount | null;
  apiKey: string;
}

/** The context of a route that required a live session. */
export type SecureContext = RequestContext & { session: SimSession; account: SimAccount };
