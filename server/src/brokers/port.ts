import type { OrderTerms, OrderType, ProductType, Side, Variety } from '../core/types.ts';

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

/** An order as the broker's book shows it. `status` is the broker's own word. */
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
  status: string;
  statusMessage: string | null;
  /** When the broker or exchange says the order was placed. */
  placedAt: Date;
  updatedAt: Date;
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

export type OrderUpdateListener = (order: BrokerOrder) => void;

/** One broker account (client code). The paper exchange and SmartAPI both implement it. */
export interface Broker {
  readonly clientCode: string;
  placeOrder(request: BrokerOrderRequest): Promise<BrokerAck>;
  modifyOrder(brokerOrderId: string, changes: BrokerOrderChanges): Promise<void>;
  cancelOrder(brokerOrderId: string): Promise<void>;
  orderBook(): Promise<BrokerOrder[]>;
  findOrderByTag(orderTag: string): Promise<BrokerOrder | null>;
  /** Every change of every order in this account, including ones placed elsewhere. */
  onOrderUpdate(listener: OrderUpdateListener): () => void;
}
