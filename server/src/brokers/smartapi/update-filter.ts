// The socket and the order-book poll report the same orders: each change must reach the
// engine once. An order's state is its signature (status, filled quantity and terms); only a
// new signature goes on. A book fetched before the socket's latest word on an order can be
// older than that word, so its row for that order waits for the next book rather than undo
// a change the socket brought (a modification seen twice would be propagated twice).
import type { BrokerOrder } from '../port.ts';

interface Seen {
  signature: string;
  order: BrokerOrder;
  /** performance.now() of the socket's latest frame for this order; -Infinity when none. */
  socketAt: number;
}

/** How long an order absent from the book is remembered (it may be in flight to the book). */
const FORGET_AFTER_MS = 60_000;

function signature(order: BrokerOrder): string {
  return [
    order.brokerStatus,
    order.filledQuantity,
    order.quantity,
    order.price,
    order.triggerPrice,
    order.orderType,
    order.averagePrice,
  ].join('|');
}

export class UpdateFilter {
  private readonly seen = new Map<string, Seen>();

  /** Whether an order the socket reported is news. */
  fromSocket(order: BrokerOrder, receivedAt: number): boolean {
    const previous = this.seen.get(order.brokerOrderId);
    const sig = signature(order);
    this.seen.set(order.brokerOrderId, { signature: sig, order, socketAt: receivedAt });
    return previous?.signature !== sig;
  }

  /** The orders of a book (requested at `requestedAt`, performance.now()) that are news. */
  fromBook(orders: BrokerOrder[], requestedAt: number): BrokerOrder[] {
    const news: BrokerOrder[] = [];
    const inBook = new Set<string>();
    for (const order of orders) {
      inBook.add(order.brokerOrderId);
      const previous = this.seen.get(order.brokerOrderId);
      if (previous && previous.socketAt >= requestedAt) continue;
      const sig = signature(order);
      if (previous?.signature === sig) continue;
      this.seen.set(order.brokerOrderId, { signature: sig, order, socketAt: previous?.socketAt ?? -Infinity });
      news.push(order);
    }
    for (const [id, entry] of this.seen) {
      if (!inBook.has(id) && entry.socketAt < requestedAt - FORGET_AFTER_MS) this.seen.delete(id);
    }
    return news;
  }

  /** The latest state seen of an order, for calls that need its full terms (modify, cancel). */
  latest(brokerOrderId: string): BrokerOrder | null {
    return this.seen.get(brokerOrderId)?.order ?? null;
  }
}
