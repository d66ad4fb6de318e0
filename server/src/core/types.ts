// Domain vocabulary shared by every layer. Prices are integer paise; quantities are integers.

export const BROKERS = ['PAPER', 'SMARTAPI'] as const;
export type BrokerKind = (typeof BROKERS)[number];

export const ACCOUNT_ROLES = ['MASTER', 'FOLLOWER'] as const;
export type AccountRole = (typeof ACCOUNT_ROLES)[number];

export const USER_ROLES = ['ADMIN', 'TRADER', 'CLIENT'] as const;
export type UserRole = (typeof USER_ROLES)[number];

export const SIDES = ['BUY', 'SELL'] as const;
export type Side = (typeof SIDES)[number];

export const ORDER_TYPES = ['MARKET', 'LIMIT', 'STOPLOSS_LIMIT', 'STOPLOSS_MARKET'] as const;
export type OrderType = (typeof ORDER_TYPES)[number];

export const PRODUCT_TYPES = ['DELIVERY', 'INTRADAY', 'CARRYFORWARD', 'MARGIN'] as const;
export type ProductType = (typeof PRODUCT_TYPES)[number];

export const VARIETIES = ['NORMAL', 'STOPLOSS', 'AMO'] as const;
export type Variety = (typeof VARIETIES)[number];

export const MULTIPLIER_MODES = ['MULTIPLY', 'FIXED_LOTS'] as const;
export type MultiplierMode = (typeof MULTIPLIER_MODES)[number];

export const ZERO_QUANTITY_POLICIES = ['SKIP', 'MIN_ONE_LOT'] as const;
export type ZeroQuantityPolicy = (typeof ZERO_QUANTITY_POLICIES)[number];

export const ORDER_STATUSES = [
  'PENDING',
  'SENT',
  'OPEN',
  'TRIGGER_PENDING',
  'AMO_QUEUED',
  'PARTIALLY_FILLED',
  'FILLED',
  'CANCELLED',
  'REJECTED',
  'FAILED',
  'SKIPPED',
] as const;
export type OrderStatus = (typeof ORDER_STATUSES)[number];

/** What an order event says happened; every `emit` names one, and the API's OrderEventKind enum describes each. */
export const ORDER_EVENT_KINDS = [
  'CREATED',
  'DETECTED',
  'COPY_PLANNED',
  'COPY_FAILED',
  'SKIPPED',
  'QUEUED',
  'SENT',
  'ACKNOWLEDGED',
  'OUTCOME_UNKNOWN',
  'BROKER_UPDATE',
  'MODIFIED',
  'MODIFY_SKIPPED',
  'MODIFY_FAILED',
  'CANCELLED',
  'CANCEL_FAILED',
  'FAILED',
  'NOT_AT_BROKER',
  'RECONCILED',
] as const;
export type OrderEventKind = (typeof ORDER_EVENT_KINDS)[number];

export const TERMINAL_STATUSES: ReadonlySet<OrderStatus> = new Set(['FILLED', 'CANCELLED', 'REJECTED', 'FAILED', 'SKIPPED']);

export const CONNECTION_STATUSES = [
  'DISCONNECTED',
  'CONNECTING',
  'CONNECTED',
  'RECONNECTING',
  'AUTH_FAILED',
  'SESSION_EXPIRED',
  'ERROR',
] as const;
export type ConnectionStatus = (typeof CONNECTION_STATUSES)[number];

export const API_TOKEN_SCOPES = ['orders:read', 'orders:write', 'accounts:read', 'accounts:write'] as const;
export type ApiTokenScope = (typeof API_TOKEN_SCOPES)[number];

/** The terms of one order, as every layer speaks of them. Prices in paise; null where the type carries none. */
export interface OrderTerms {
  side: Side;
  quantity: number;
  orderType: OrderType;
  productType: ProductType;
  variety: Variety;
  price: number | null;
  triggerPrice: number | null;
}

/** An instrument as the exchange lists it. tickSize and prices are integer paise. */
export interface InstrumentSpec {
  token: string;
  symbol: string;
  name: string;
  exchange: string;
  instrumentType: string;
  lotSize: number;
  tickSize: number;
  /** Largest quantity one order may carry; null when the exchange sets none. */
  freezeQuantity: number | null;
  expiry: string | null;
  /** Strike in paise for options, else null. */
  strike: number | null;
}
