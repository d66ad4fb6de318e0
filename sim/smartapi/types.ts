import type { Clock } from './clock.ts';
import type { RateLimitTable } from './rate-limit.ts';

export type MarketHours = 'always' | 'nse';

/** A client account the simulator will log in. */
export interface SimAccountInput {
  clientcode: string;
  /** The Angel One PIN sent as `password`. */
  pin: string;
  /** Base32 TOTP secret (the "QR value"), at least 16 bytes once decoded. */
  totpSecret: string;
  /** When set, X-PrivateKey must equal it; otherwise any non-empty key is taken. */
  apiKey?: string;
  name?: string;
  email?: string;
  mobileno?: string;
  /** Cash available for trading, in paise. Default ₹10,00,000. */
  fundsPaise?: number;
  /** When set, order writes from another source IP answer AG7002. */
  staticIp?: string;
}

/** Per-token overrides; any token not listed still trades at a price derived from the token. */
export interface InstrumentInput {
  pricePaise?: number;
  lotSize?: number;
  /** Tick size in paise; default 5. */
  tickPaise?: number;
  /** Largest quantity one order may carry (exchange freeze quantity). */
  freezeQty?: number;
  instrumenttype?: string;
  optiontype?: string;
  expirydate?: string;
  strikePaise?: number;
}

export interface SmartApiSimOptions {
  /** 0 (default) picks a free port. */
  port?: number;
  host?: string;
  clock?: Clock;
  marketHours?: MarketHours;
  /** IST dates (YYYY-MM-DD) on which the 'nse' market stays shut. */
  holidays?: readonly string[];
  accounts?: readonly SimAccountInput[];
  instruments?: Readonly<Record<string, InstrumentInput>>;
  /** SmartAPI's published limits by default; false turns limiting off. */
  rateLimits?: false | Partial<RateLimitTable>;
  /** Session life; default: until the next 00:00 IST. */
  sessionTtlMs?: number;
  /** Which code an expired JWT gets; third-party logs mostly show AG8001. */
  expiredTokenCode?: 'AG8001' | 'AG8002';
  /** TOTP is checked against real time ('system', default) or the injected clock. */
  totpTime?: 'system' | 'clock';
  /** AB4008 threshold; 20 since Nov 2024. */
  maxOrderTagLength?: number;
  /** Order-update sockets per client code; 3 on SmartAPI. */
  wsMaxConnections?: number;
  /** Push AB06/AB08 when an AMO is placed or modified; users report none (FORUM 5177). */
  pushAmoEvents?: boolean;
  /** Accept the retired `variety: "AMO"` as NORMAL (true) or answer AB1008. */
  acceptAmoVariety?: boolean;
  /** Empty books answer `data: null` (default) or `data: []`; SmartAPI's choice is UNCONFIRMED. */
  emptyListData?: 'null' | 'array';
  /** Delay between accepting an order and the exchange acting on it. */
  exchangeLatencyMs?: number;
  /** How often the clock is checked for the open and the close; 0 leaves it to requests and tick(). */
  tickIntervalMs?: number;
  /** Answer `jwtToken: "Bearer eyJ…"` as some captures show, instead of the docs' bare token (UNCONFIRMED). */
  bearerInJwtToken?: boolean;
  /** pino level for the simulator's own log; default 'warn'. */
  logLevel?: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  /** HS512 key for the issued JWTs; random by default. */
  jwtSecret?: string;
}

export type Side = 'BUY' | 'SELL';
export type SimOrderType = 'MARKET' | 'LIMIT' | 'STOPLOSS_LIMIT' | 'STOPLOSS_MARKET';

/** Lower-case status strings as the order book and the socket show them (docs/smartapi.md §5). */
export type SimOrderStatus =
  | 'open'
  | 'cancelled'
  | 'rejected'
  | 'modified'
  | 'complete'
  | 'after market order req received'
  | 'cancelled after market order'
  | 'modify after market order req received'
  | 'open pending'
  | 'trigger pending'
  | 'modify pending';

export const WS_STATUS_CODE: Record<SimOrderStatus, string> = {
  open: 'AB01',
  cancelled: 'AB02',
  rejected: 'AB03',
  modified: 'AB04',
  complete: 'AB05',
  'after market order req received': 'AB06',
  'cancelled after market order': 'AB07',
  'modify after market order req received': 'AB08',
  'open pending': 'AB09',
  'trigger pending': 'AB10',
  'modify pending': 'AB11',
};

export const TERMINAL: ReadonlySet<SimOrderStatus> = new Set(['cancelled', 'rejected', 'complete', 'cancelled after market order']);

export interface SimOrder {
  clientcode: string;
  orderid: string;
  uniqueorderid: string;
  exchangeorderid: string;
  variety: string;
  ordertype: SimOrderType;
  producttype: string;
  duration: string;
  transactiontype: Side;
  exchange: string;
  tradingsymbol: string;
  symboltoken: string;
  pricePaise: number;
  triggerPaise: number;
  squareoffPaise: number;
  stoplossPaise: number;
  quantity: number;
  disclosedquantity: number;
  filledQty: number;
  /** Σ fill price × fill quantity, in paise. */
  fillValuePaise: number;
  cancelledQty: number;
  /** Book status; reads `modified` after a modify until the next transition. */
  status: SimOrderStatus;
  /** The live state behind `status`. */
  orderstatus: SimOrderStatus;
  text: string;
  ordertag: string;
  amo: boolean;
  /** Set once the exchange has priced the order; later fills trade at the resting limit price. */
  rested: boolean;
  placedAt: Date;
  updatedAt: Date;
  exchangeAt: Date | null;
}

export interface SimTrade {
  clientcode: string;
  orderid: string;
  fillid: string;
  symboltoken: string;
  tradingsymbol: string;
  exchange: string;
  producttype: string;
  transactiontype: Side;
  pricePaise: number;
  quantity: number;
  at: Date;
}
