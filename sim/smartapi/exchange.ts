import type { Clock } from './clock.ts';
import { unspecified, ERR, type SimError } from './envelope.ts';
import type { Market } from './market.ts';
import type { OrderBook } from './order-book.ts';
import type { ModifyRequest, PlaceRequest } from './order-request.ts';
import { rmsRejection, type RmsDeps } from './rms.ts';
import { TERMINAL, type SimOrder, type SimOrderStatus } from './types.ts';

export interface ExchangeDeps extends RmsDeps {
  clock: Clock;
  market: Market;
  book: OrderBook;
  /** Called on every status change the socket should carry. */
  publish(order: SimOrder): void;
  pushAmoEvents: boolean;
  latencyMs: number;
}

const AMO_HELD = new Set<SimOrderStatus>(['after market order req received', 'modify after market order req received']);
const CLOSE_TEXT = 'Order cancelled by the exchange at market close';

/**
 * The order life cycle: orders placed in market hours go to the exchange (MARKET fills at the
 * last price, LIMIT rests until the price crosses it, SL waits for its trigger); orders placed
 * outside are held as AMO until the open.
 */
export class Exchange {
  private wasOpen: boolean;

  constructor(private readonly deps: ExchangeDeps) {
    this.wasOpen = deps.market.isOpen();
    deps.market.onPriceChange((token) => {
      for (const order of deps.book.live(token)) if (!order.amo) this.evaluate(order);
    });
  }

  place(clientcode: string, req: PlaceRequest): SimOrder {
    this.tick();
    const now = this.deps.clock.now();
    const amo = !this.deps.market.isOpen(now);
    const order: SimOrder = {
      clientcode,
      ...this.deps.book.nextIds(),
      variety: req.variety,
      ordertype: req.ordertype,
      producttype: req.producttype,
      duration: req.duration,
      transactiontype: req.transactiontype,
      exchange: req.exchange,
      tradingsymbol: req.tradingsymbol,
      symboltoken: req.symboltoken,
      pricePaise: req.pricePaise,
      triggerPaise: req.triggerPaise,
      squareoffPaise: req.squareoffPaise,
      stoplossPaise: req.stoplossPaise,
      quantity: req.quantity,
      disclosedquantity: req.disclosedquantity,
      filledQty: 0,
      fillValuePaise: 0,
      cancelledQty: 0,
      status: amo ? 'after market order req received' : 'open pending',
      orderstatus: amo ? 'after market order req received' : 'open pending',
      text: '',
      ordertag: req.ordertag,
      amo,
      rested: false,
      placedAt: now,
      updatedAt: now,
      exchangeAt: null,
    };
    this.deps.book.add(order);
    if (amo) {
      if (this.deps.pushAmoEvents) this.deps.publish(order);
    } else {
      // The answer goes out before the exchange acts, as with the real OMS.
      const admit = () => this.admit(order);
      if (this.deps.latencyMs > 0) setTimeout(admit, this.deps.latencyMs).unref();
      else setImmediate(admit);
    }
    return order;
  }

  modify(clientcode: string, req: ModifyRequest): SimOrder | SimError {
    this.tick();
    const order = this.deps.book.byOrderid(clientcode, req.orderid);
    if (!order) return ERR.orderNotFound;
    if (TERMINAL.has(order.orderstatus)) return unspecified(`Order cannot be modified as it is ${order.orderstatus}`);
    const quantity = req.quantity ?? order.quantity;
    if (quantity <= order.filledQty) return unspecified('Modified quantity must exceed the filled quantity');
    order.ordertype = req.ordertype ?? order.ordertype;
    order.duration = req.duration ?? order.duration;
    order.quantity = quantity;
    order.pricePaise = order.ordertype === 'MARKET' || order.ordertype === 'STOPLOSS_MARKET' ? 0 : (req.pricePaise ?? order.pricePaise);
    order.triggerPaise = req.triggerPaise ?? order.triggerPaise;
    order.rested = false;
    if (order.amo) {
      this.setStatus(order, 'modify after market order req received', this.deps.pushAmoEvents);
      return order;
    }
    if (order.orderstatus === 'open pending') return order;
    const live: SimOrderStatus = order.ordertype.startsWith('STOPLOSS') ? 'trigger pending' : 'open';
    order.orderstatus = live;
    order.status = 'modified';
    order.updatedAt = this.deps.clock.now();
    this.deps.publish(order);
    this.evaluate(order);
    return order;
  }

  cancel(clientcode: string, orderid: string): SimOrder | SimError {
    this.tick();
    const order = this.deps.book.byOrderid(clientcode, orderid);
    if (!order) return ERR.orderNotFound;
    if (TERMINAL.has(order.orderstatus)) return unspecified(`Order cannot be cancelled as it is ${order.orderstatus}`);
    order.cancelledQty = order.quantity - order.filledQty;
    this.setStatus(order, order.amo ? 'cancelled after market order' : 'cancelled');
    return order;
  }

  /** A fill of up to `quantity` at `pricePaise`; partly filled orders stay `open`. */
  fill(order: SimOrder, quantity: number, pricePaise: number): void {
    const qty = Math.min(quantity, order.quantity - order.filledQty);
    if (qty <= 0 || TERMINAL.has(order.orderstatus)) return;
    this.deps.book.recordFill(order, qty, pricePaise, this.deps.clock.now());
    order.filledQty += qty;
    order.fillValuePaise += qty * pricePaise;
    this.setStatus(order, order.filledQty === order.quantity ? 'complete' : 'open');
  }

  /** Watches the clock: AMOs go to the exchange at the open; what is left is cancelled at the close. */
  tick(): void {
    const open = this.deps.market.isOpen();
    if (open && !this.wasOpen) this.releaseAmo();
    if (!open && this.wasOpen) {
      for (const order of this.deps.book.live()) {
        if (order.amo) continue;
        order.cancelledQty = order.quantity - order.filledQty;
        this.setStatus(order, 'cancelled', true, CLOSE_TEXT);
      }
    }
    this.wasOpen = open;
  }

  /** Sends every held AMO to the exchange now; answers how many went. */
  releaseAmo(): number {
    const held = this.deps.book.live().filter((o) => o.amo && AMO_HELD.has(o.orderstatus));
    for (const order of held) {
      order.amo = false;
      this.admit(order);
    }
    return held.length;
  }

  private admit(order: SimOrder): void {
    if (TERMINAL.has(order.orderstatus)) return;
    order.exchangeAt = this.deps.clock.now();
    const rejection = rmsRejection(order, this.deps);
    if (rejection !== null) {
      this.setStatus(order, 'rejected', true, rejection);
      return;
    }
    this.setStatus(order, order.ordertype.startsWith('STOPLOSS') ? 'trigger pending' : 'open');
    this.evaluate(order);
    if (order.duration === 'IOC' && !TERMINAL.has(order.orderstatus)) {
      order.cancelledQty = order.quantity - order.filledQty;
      this.setStatus(order, 'cancelled');
    }
  }

  private evaluate(order: SimOrder): void {
    const ltp = this.deps.market.ltpPaise(order.symboltoken);
    const buy = order.transactiontype === 'BUY';
    if (order.orderstatus === 'trigger pending') {
      const triggered = buy ? ltp >= order.triggerPaise : ltp <= order.triggerPaise;
      if (!triggered) return;
      this.setStatus(order, 'open');
    }
    if (order.orderstatus !== 'open' || order.amo) return;
    const atMarket = order.ordertype === 'MARKET' || order.ordertype === 'STOPLOSS_MARKET';
    const crosses = atMarket || (buy ? ltp <= order.pricePaise : ltp >= order.pricePaise);
    // A newly arrived marketable order takes the last price; a resting one trades at its limit.
    if (crosses) this.fill(order, order.quantity - order.filledQty, atMarket || !order.rested ? ltp : order.pricePaise);
    else order.rested = true;
  }

  private setStatus(order: SimOrder, status: SimOrderStatus, publish = true, text?: string): void {
    order.status = status;
    order.orderstatus = status;
    order.updatedAt = this.deps.clock.now();
    if (text !== undefined) order.text = text;
    if (publish) this.deps.publish(order);
  }
}
