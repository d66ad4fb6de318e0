import type { AccountRegistry } from './accounts.ts';
import type { Market } from './market.ts';
import { rupeesText } from './money.ts';
import type { OrderBook } from './order-book.ts';
import { fundsOf } from './portfolio.ts';
import type { SimOrder } from './types.ts';

export interface RmsDeps {
  market: Market;
  book: OrderBook;
  accounts: AccountRegistry;
  /** Fault knob: a forced rejection text, or null. */
  takeRejection(): string | null;
}

/**
 * The checks SmartAPI makes after it has answered with an orderid: a failure shows up as
 * status `rejected` with a `text`. Only the funds text is Angel's verbatim; the freeze, lot and
 * tick texts are UNCONFIRMED stand-ins.
 */
export function rmsRejection(order: SimOrder, deps: RmsDeps): string | null {
  const forced = deps.takeRejection();
  if (forced !== null) return forced;
  const inst = deps.market.instrument(order.symboltoken);
  if (inst.freezeQty !== null && order.quantity > inst.freezeQty) {
    return `Order quantity ${order.quantity} exceeds the freeze quantity ${inst.freezeQty} for ${order.tradingsymbol}`;
  }
  if (order.quantity % inst.lotSize !== 0) return `Quantity should be a multiple of lot size ${inst.lotSize}`;
  for (const paise of [order.pricePaise, order.triggerPaise]) {
    if (paise % inst.tickPaise !== 0) return `Price ${rupeesText(paise)} is not a multiple of tick size ${rupeesText(inst.tickPaise)}`;
  }
  const account = deps.accounts.get(order.clientcode);
  if (order.transactiontype === 'BUY' && account) {
    const price = order.pricePaise || deps.market.ltpPaise(order.symboltoken);
    const required = (order.quantity - order.filledQty) * price;
    const available = fundsOf(account, deps.book, deps.market, order.orderid).netPaise;
    if (required > available) {
      return `Your order has been rejected due to Insufficient Funds. Available funds - Rs. ${rupeesText(available)} . You require Rs. ${rupeesText(required)} funds to execute this order.`;
    }
  }
  return null;
}
