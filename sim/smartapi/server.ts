import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { pino } from 'pino';
import { AccountRegistry } from './accounts.ts';
import { createAdmin, type SimAdmin } from './admin.ts';
import { SessionStore } from './auth.ts';
import { systemClock, type Clock } from './clock.ts';
import type { ResolvedOptions, SimCore } from './context.ts';
import { SimCounters } from './counters.ts';
import { Exchange } from './exchange.ts';
import { HttpFaults } from './faults.ts';
import { HoldingBook } from './holdings.ts';
import { createRequestListener } from './http.ts';
import { Market } from './market.ts';
import { OrderBook } from './order-book.ts';
import { orderRow } from './order-row.ts';
import { ORDER_WS_PATH, OrderSocketHub } from './order-ws.ts';
import { RateLimiter } from './rate-limit.ts';
import { createAdminHttp } from './routes/admin-http.ts';
import { WS_STATUS_CODE, type SmartApiSimOptions } from './types.ts';

export interface SmartApiSim extends SimAdmin {
  /** REST root to give an SDK as `root`, e.g. http://127.0.0.1:41234 */
  url: string;
  /** The order-update socket, e.g. ws://127.0.0.1:41234/smart-order-update */
  wsUrl: string;
  port: number;
  clock: Clock;
  close(): Promise<void>;
}

function resolve(options: SmartApiSimOptions): ResolvedOptions {
  return {
    port: options.port ?? 0,
    host: options.host ?? '127.0.0.1',
    clock: options.clock ?? systemClock,
    marketHours: options.marketHours ?? 'always',
    holidays: options.holidays ?? [],
    expiredTokenCode: options.expiredTokenCode ?? 'AG8001',
    totpTime: options.totpTime ?? 'system',
    maxOrderTagLength: options.maxOrderTagLength ?? 20,
    wsMaxConnections: options.wsMaxConnections ?? 3,
    pushAmoEvents: options.pushAmoEvents ?? false,
    acceptAmoVariety: options.acceptAmoVariety ?? true,
    emptyListData: options.emptyListData ?? 'null',
    exchangeLatencyMs: options.exchangeLatencyMs ?? 0,
    tickIntervalMs: options.tickIntervalMs ?? 1000,
    bearerInJwtToken: options.bearerInJwtToken ?? false,
    logLevel: options.logLevel ?? 'warn',
  };
}

/** Starts a SmartAPI look-alike on a real port: REST on `url`, order updates on `wsUrl`. */
export async function createSmartApiSim(options: SmartApiSimOptions = {}): Promise<SmartApiSim> {
  const resolved = resolve(options);
  const { clock } = resolved;
  const log = pino({ name: 'smartapi-sim', level: resolved.logLevel });
  const accounts = new AccountRegistry();
  for (const account of options.accounts ?? []) accounts.add(account);
  const sessions = new SessionStore(clock, options.sessionTtlMs, options.jwtSecret);
  const market = new Market(clock, resolved.marketHours, resolved.holidays, options.instruments ?? {});
  const book = new OrderBook(clock);
  const faults = new HttpFaults();
  const hub = new OrderSocketHub(sessions, resolved.wsMaxConnections);
  const exchange = new Exchange({
    clock,
    market,
    book,
    accounts,
    takeRejection: () => faults.takeRejection(),
    publish: (order) => hub.publish(order.clientcode, WS_STATUS_CODE[order.status], orderRow(order, market)),
    pushAmoEvents: resolved.pushAmoEvents,
    latencyMs: resolved.exchangeLatencyMs,
  });
  const core: SimCore = {
    options: resolved,
    clock,
    accounts,
    sessions,
    market,
    book,
    holdings: new HoldingBook(),
    exchange,
    faults,
    hub,
    limiter: new RateLimiter(options.rateLimits),
    counters: new SimCounters(),
  };
  const admin = createAdmin(core);

  const server = createServer(
    createRequestListener(core, createAdminHttp(admin), (error, req) =>
      log.error({ err: error, method: req.method, url: req.url }, 'request failed'),
    ),
  );
  server.on('upgrade', (req, socket, head) => hub.handleUpgrade(req, socket, head));
  await new Promise<void>((ok, fail) => {
    server.once('error', fail);
    // Benchmarks open ~1000 connections at once; the default backlog of 511 drops some.
    server.listen({ port: resolved.port, host: resolved.host, backlog: 4096 }, () => {
      server.off('error', fail);
      ok();
    });
  });
  const timer = resolved.tickIntervalMs > 0 ? setInterval(() => exchange.tick(), resolved.tickIntervalMs).unref() : null;

  const { port } = server.address() as AddressInfo;
  const host = resolved.host.includes(':') ? `[${resolved.host}]` : resolved.host;
  return {
    ...admin,
    url: `http://${host}:${port}`,
    wsUrl: `ws://${host}:${port}${ORDER_WS_PATH}`,
    port,
    clock,
    close: async () => {
      if (timer) clearInterval(timer);
      hub.close();
      server.closeAllConnections();
      await new Promise<void>((ok) => server.close(() => ok()));
    },
  };
}
