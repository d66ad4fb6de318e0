import type { Broker, BrokerAck, BrokerOrder, BrokerOrderChanges, BrokerOrderRequest } from '../port.ts';
import type { PaperExchange } from './paper-exchange.ts';

/** One client account's view of the shared paper exchange; its updates come through the exchange's feed. */
export class PaperBroker implements Broker {
  constructor(
    readonly clientCode: string,
    private readonly exchange: PaperExchange,
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
}
