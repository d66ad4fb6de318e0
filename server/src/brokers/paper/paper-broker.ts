import type { Broker, BrokerAck, BrokerOrder, BrokerOrderChanges, BrokerOrderRequest, BrokerPosition } from '../port.ts';

/** What a paper account trades on: the shared paper exchange, for one client code at a time. */
export interface PaperVenue {
  place(clientCode: string, request: BrokerOrderRequest): Promise<BrokerAck>;
  modify(clientCode: string, brokerOrderId: string, changes: BrokerOrderChanges): Promise<void>;
  cancel(clientCode: string, brokerOrderId: string): Promise<void>;
  book(clientCode: string): Promise<BrokerOrder[]>;
  findByTag(clientCode: string, orderTag: string): Promise<BrokerOrder | null>;
  positions(clientCode: string): Promise<BrokerPosition[]>;
}

/** One client account's view of the shared paper exchange; its updates come through the exchange's feed. */
export class PaperBroker implements Broker {
  constructor(
    readonly clientCode: string,
    private readonly exchange: PaperVenue,
  ) {}

  placeOrder(request: BrokerOrderRequest): Promise<BrokerAck> {
    return this.exchange.place(this.clientCode, request);
  }

  modifyOrder(brokerOrderId: string, changes: BrokerOrderChanges): Promise<void> {
    return this.exchange.modify(this.clientCode, brokerOrderId, changes);
  }

  cancelOrder(brokerOrderId: string): Promise<void> {
    return this.exchange.cancel(this.clientCode, brokerOrderId);
  }

  orderBook(): Promise<BrokerOrder[]> {
    return this.exchange.book(this.clientCode);
  }

  findOrderByTag(orderTag: string): Promise<BrokerOrder | null> {
    return this.exchange.findByTag(this.clientCode, orderTag);
  }

  positions(): Promise<BrokerPosition[]> {
    return this.exchange.positions(this.clientCode);
  }
}
