import type { SimAccount } from './accounts.ts';
import type { SimCore } from './context.ts';
import type { SimCountersSnapshot } from './counters.ts';
import type { TimeoutAfterAccept } from './faults.ts';
import type { SeededHolding } from './holdings.ts';
import type { RateLimitTable } from './rate-limit.ts';
import type { RouteName } from './routes/names.ts';
import type { InstrumentInput, MarketHours, SimAccountInput, SimOrder } from './types.ts';

// The in-process control surface for tests, benchmarks and the /__sim/ HTTP admin.

export interface SimFaults {
  /** Extra delay before every REST answer (or only on `routes`). */
  latency(ms: number, routes?: readonly RouteName[]): void;
  /** The next `count` calls answer a bare 5xx (503 unless `status`). */
  failNext(count: number, options?: { status?: number; routes?: readonly RouteName[] }): void;
  /** The next `count` accepted order writes (placeOrder unless `routes`) are carried out but never answered. */
  timeoutAfterAccept(count: number, options?: Partial<TimeoutAfterAccept>): void;
  /** The next `count` orders are accepted, then rejected with `text`. */
  rejectNextOrders(count: number, text?: string): void;
  /** Sessions (of one client, or all) expire now; their calls answer AG8001. */
  expireSessions(clientcode?: string): number;
  /** Order-update sockets are cut without a close frame. */
  dropSockets(clientcode?: string): number;
  /** Order-update sockets stay open but go silent (no updates, no pongs) until unfrozen. */
  freezeSockets(clientcode?: string, frozen?: boolean): number;
  /** Clears latency, 5xx, timeout and rejection knobs (and unfreezes sockets). */
  reset(): void;
}

/** Delivery units a client bought before the simulator started (prices in paise). */
export interface SimHoldingInput {
  clientcode: string;
  token: string;
  /** The trading symbol, e.g. SBIN-EQ. */
  symbol: string;
  /** NSE unless given. */
  exchange?: string;
  quantity: number;
  averagePaise: number;
}

export interface SimAdmin {
  /** getHolding's book: seeded holdings, to which DELIVERY fills of earlier IST days are added. */
  holdings: {
    add(input: SimHoldingInput): void;
    list(clientcode: string): SeededHolding[];
  };
  accounts: {
    add(input: SimAccountInput): void;
    list(): Array<Pick<SimAccount, 'clientcode' | 'name' | 'fundsPaise'>>;
  };
  market: {
    /** Moves the last price of a token (integer paise); resting orders are re-checked at once. */
    setPrice(token: string, paise: number): void;
    price(token: string): number;
    setInstrument(token: string, input: InstrumentInput): void;
    setHours(hours: MarketHours): void;
    isOpen(): boolean;
    /** Re-reads the clock: AMOs go out at the open, open orders are cancelled at the close. */
    tick(): void;
    /** Sends held AMOs to the exchange now, open or not; answers how many. */
    releaseAmo(): number;
  };
  orders: {
    list(clientcode?: string): SimOrder[];
    /** By uniqueorderid or orderid. */
    get(id: string): SimOrder | undefined;
    /** Fills up to `quantity` (partial fills stay `open`) at `paise`, default the last price. */
    fill(id: string, quantity: number, paise?: number): SimOrder;
  };
  faults: SimFaults;
  setRateLimits(limits: false | Partial<RateLimitTable>): void;
  counters(): SimCountersSnapshot;
  resetCounters(): void;
}

export function createAdmin(core: SimCore): SimAdmin {
  const { accounts, market, exchange, book, holdings, faults, sessions, hub, counters, limiter } = core;
  const copy = (o: SimOrder): SimOrder => ({ ...o });
  return {
    holdings: {
      add: (input) => {
        if (!accounts.get(input.clientcode)) throw new Error(`no account ${input.clientcode}`);
        holdings.seed({
          clientcode: input.clientcode,
          exchange: input.exchange ?? 'NSE',
          symboltoken: input.token,
          tradingsymbol: input.symbol,
          quantity: input.quantity,
          averagePaise: input.averagePaise,
        });
      },
      list: (clientcode) => holdings.seededOf(clientcode),
    },
    accounts: {
      add: (input) => void accounts.add(input),
      list: () => accounts.list().map(({ clientcode, name, fundsPaise }) => ({ clientcode, name, fundsPaise })),
    },
    market: {
      setPrice: (token, paise) => market.setLtpPaise(token, paise),
      price: (token) => market.ltpPaise(token),
      setInstrument: (token, input) => market.setInstrument(token, input),
      setHours: (hours) => {
        market.setHours(hours);
        exchange.tick();
      },
      isOpen: () => market.isOpen(),
      tick: () => exchange.tick(),
      releaseAmo: () => exchange.releaseAmo(),
    },
    orders: {
      list: (clientcode) => book.ordersOf(clientcode).map(copy),
      get: (id) => {
        const order = book.find(id);
        return order && copy(order);
      },
      fill: (id, quantity, paise) => {
        const order = book.find(id);
        if (!order) throw new Error(`no order ${id}`);
        exchange.fill(order, quantity, paise ?? market.ltpPaise(order.symboltoken));
        return copy(order);
      },
    },
    faults: {
      latency: (ms, routes) => faults.setLatency(ms, routes),
      failNext: (count, options) => faults.failNext(count, options),
      timeoutAfterAccept: (count, options) => faults.timeoutAfterAccept(count, options),
      rejectNextOrders: (count, text) => faults.rejectNextOrders(count, text),
      expireSessions: (clientcode) => sessions.expire(clientcode),
      dropSockets: (clientcode) => hub.drop(clientcode),
      freezeSockets: (clientcode, frozen) => hub.freeze(clientcode, frozen),
      reset: () => {
        faults.reset();
        hub.freeze(undefined, false);
      },
    },
    setRateLimits: (limits) => limiter.configure(limits),
    counters: () => counters.snapshot({ connections: hub.connections(), messagesSent: hub.messagesSent }),
    resetCounters: () => counters.reset(),
  };
}
