import { randomUUID } from 'node:crypto';
import { istYymmdd, type Clock } from './clock.ts';
import { TERMINAL, type SimOrder, type SimTrade } from './types.ts';

/** Every order and fill the simulator has seen, for all client accounts. */
export class OrderBook {
  private readonly orders: SimOrder[] = [];
  private readonly byOrderId = new Map<string, SimOrder>();
  private readonly byUniqueId = new Map<string, SimOrder>();
  private readonly trades: SimTrade[] = [];
  private orderSeq = 0;
  private exchangeSeq = 48_000;
  private fillSeq = 50_005_000;

  constructor(private readonly clock: Clock) {}

  /** orderid is YYMMDD + 9 digits; uniqueorderid is a UUID that survives modifies. */
  nextIds(): { orderid: string; uniqueorderid: string; exchangeorderid: string } {
    this.orderSeq += 1;
    this.exchangeSeq += 1;
    return {
      orderid: `${istYymmdd(this.clock.now())}${String(this.orderSeq).padStart(9, '0')}`,
      uniqueorderid: randomUUID(),
      exchangeorderid: `11${String(this.exchangeSeq).padStart(14, '0')}`,
    };
  }

  add(order: SimOrder): void {
    this.orders.push(order);
    this.byOrderId.set(order.orderid, order);
    this.byUniqueId.set(order.uniqueorderid, order);
  }

  /** An order of this client by its orderid; another client's order is "not found". */
  byOrderid(clientcode: string, orderid: string): SimOrder | undefined {
    const order = this.byOrderId.get(orderid);
    return order?.clientcode === clientcode ? order : undefined;
  }

  byUniqueOrderId(clientcode: string, uniqueorderid: string): SimOrder | undefined {
    const order = this.byUniqueId.get(uniqueorderid);
    return order?.clientcode === clientcode ? order : undefined;
  }

  /** Looks an order up by either id, for the admin surface. */
  find(id: string): SimOrder | undefined {
    return this.byUniqueId.get(id) ?? this.byOrderId.get(id);
  }

  ordersOf(clientcode?: string): SimOrder[] {
    return clientcode === undefined ? [...this.orders] : this.orders.filter((o) => o.clientcode === clientcode);
  }

  /** Orders still alive, optionally only on one token. */
  live(token?: string): SimOrder[] {
    return this.orders.filter((o) => !TERMINAL.has(o.orderstatus) && (token === undefined || o.symboltoken === token));
  }

  recordFill(order: SimOrder, quantity: number, pricePaise: number, at: Date): SimTrade {
    this.fillSeq += 1;
    const trade: SimTrade = {
      clientcode: order.clientcode,
      orderid: order.orderid,
      fillid: String(this.fillSeq),
      symboltoken: order.symboltoken,
      tradingsymbol: order.tradingsymbol,
      exchange: order.exchange,
      producttype: order.producttype,
      transactiontype: order.transactiontype,
      pricePaise,
      quantity,
      at,
    };
    this.trades.push(trade);
    return trade;
  }

  tradesOf(clientcode: string): SimTrade[] {
    return this.trades.filter((t) => t.clientcode === clientcode);
  }
}
