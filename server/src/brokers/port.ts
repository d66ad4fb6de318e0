import type { OrderStatus, OrderTerms, OrderType, ProductType, Side, Variety } from '../core/types.ts';

/** What Tandem asks a broker to place. Prices in paise. */
export interface BrokerOrderRequest extends OrderTerms {
  exchange: string;
  symbol: string;
  token: string;
  /** Tandem's tag for exactly-once look-ups (<= 20 chars, [A-Za-z0-9]). */
  orderTag: string;
}

export interface BrokerOrderChanges {
  quantity?: number;
  price?: number | null;
  triggerPrice?: number | null;
  orderType?: OrderType;
}

/** An order as the broker's book shows it, in Tandem's words: each adapter maps its broker's own. */
export interface BrokerOrder {
  brokerOrderId: string;
  orderTag: string | null;
  exchange: string;
  symbol: string;
  token: string;
  side: Side;
  quantity: number;
  filledQuantity: number;
  averagePrice: number | null;
  orderType: OrderType;
  productType: ProductType;
  variety: Variety;
  price: number | null;
  triggerPrice: number | null;
  /**
   * Tandem's status for the order, read by its adapter from the broker's word and the fills. Null
   * when the word does not settle it (a modify or cancel in flight or refused, or a word the adapter
   * does not know): the order is still at the broker, as Tandem last recorded it (core/reported-status.ts).
   */
  status: OrderStatus | null;
  /** The broker's own word for the order's state, shown to people beside `status`; only its adapter reads it. */
  brokerStatus: string;
  statusMessage: string | null;
  /** When the broker or exchange says the order was placed. */
  placedAt: Date;
  updatedAt: Date;
}

/**
 * One net position as the broker reports it, per (exchange, token, product), in Tandem's words:
 * each adapter maps its broker's own. Prices in paise.
 */
export interface BrokerPosition {
  exchange: string;
  symbol: string;
  token: string;
  productType: ProductType;
  /** Units held now, +long / -short: what was carried in plus today's trades. */
  quantity: number;
  /** Average price of the open quantity, by the broker's own method; null when flat. */
  averagePrice: number | null;
  /** Realised P&L of the IST trading day, as the broker counts it. */
  realisedPnl: number;
  /** The last traded price the broker gives; null when it gives none. */
  lastPrice: number | null;
  /** For DELIVERY, the units of `quantity` held from earlier days (demat holdings); 0 for other products. */
  holdingQuantity: number;
}

/** The broker accepted the request and gave an id; the order's state follows in updates. */
export interface BrokerAck {
  brokerOrderId: string;
}

/**
 * Why a call failed, in words a person can act on. `unknown` means the broker may or may
 * not have acted (a timeout): the caller must look the order up by tag, never resend blindly.
 */
export class BrokerCallError extends Error {
  constructor(
    readonly outcome: 'rejected' | 'unknown' | 'rate_limited' | 'session',
    message: string,
    readonly brokerCode?: string,
  ) {
    super(message);
    this.name = 'BrokerCallError';
  }
}

/** One broker account (client code). The paper exchange and SmartAPI both implement it. */
export interface Broker {
  readonly clientCode: string;
  placeOrder(request: BrokerOrderRequest): Promise<BrokerAck>;
  modifyOrder(brokerOrderId: string, changes: BrokerOrderChanges): Promise<void>;
  cancelOrder(brokerOrderId: string): Promise<void>;
  orderBook(): Promise<BrokerOrder[]>;
  findOrderByTag(orderTag: string): Promise<BrokerOrder | null>;
  /** What the account holds now, as the broker says: orders placed elsewhere and the broker's square-offs included. */
  positions(): Promise<BrokerPosition[]>;
}

export type OrderUpdateListener = (clientCode: string, order: BrokerOrder) => void;

/**
 * The one way order updates come into Tandem. Every change of every order (including ones placed
 * elsewhere) in the accounts a feed covers, each once, in the order the broker made them: the paper
 * exchange is one feed for every paper account, each SmartAPI account's broker one for its account.
 */
export interface OrderUpdateFeed {
  onOrderUpdate(listener: OrderUpdateListener): () => void;
}

/** What an instrument last traded at, in paise, as a broker's market data says; null when it has no price for it. */
export interface PriceSource {
  lastPrice(exchange: string, token: string): number | null;
}
