// The order ticket's rules, free of any framework: which prices an order type needs, turning
// the form's text into `placeOrder` / `modifyOrder` inputs, and which orders can still change.

export type OrderType = 'MARKET' | 'LIMIT' | 'STOPLOSS_LIMIT' | 'STOPLOSS_MARKET';
export type ProductType = 'DELIVERY' | 'INTRADAY' | 'CARRYFORWARD' | 'MARGIN';
export type Variety = 'NORMAL' | 'STOPLOSS' | 'AMO';
export type Side = 'BUY' | 'SELL';

export const ORDER_TYPES: readonly OrderType[] = ['MARKET', 'LIMIT', 'STOPLOSS_LIMIT', 'STOPLOSS_MARKET'];
export const PRODUCT_TYPES: readonly ProductType[] = ['INTRADAY', 'DELIVERY', 'CARRYFORWARD', 'MARGIN'];
export const VARIETIES: readonly Variety[] = ['NORMAL', 'STOPLOSS', 'AMO'];

/** Statuses in which an order still rests at the broker and can be modified or cancelled. */
export const OPEN_STATUSES: ReadonlySet<string> = new Set(['PENDING', 'SENT', 'OPEN', 'TRIGGER_PENDING', 'AMO_QUEUED', 'PARTIALLY_FILLED']);

export const needsPrice = (type: OrderType) => type === 'LIMIT' || type === 'STOPLOSS_LIMIT';
export const needsTrigger = (type: OrderType) => type === 'STOPLOSS_LIMIT' || type === 'STOPLOSS_MARKET';

/** A stop-loss order type goes as the STOPLOSS variety; anything else keeps what was chosen. */
export function varietyFor(type: OrderType, chosen: Variety): Variety {
  if (needsTrigger(type)) return 'STOPLOSS';
  return chosen === 'STOPLOSS' ? 'NORMAL' : chosen;
}

export interface TicketForm {
  accountId: string;
  exchange: string;
  symbol: string;
  side: Side;
  quantity: string;
  orderType: OrderType;
  price: string;
  triggerPrice: string;
  productType: ProductType;
  variety: Variety;
}

/** A problem found before sending, named like the server names its input paths. */
export interface TicketProblem {
  field: string;
  message: string;
}

export interface PlaceOrderInput {
  accountId: string;
  exchange: string;
  symbol: string;
  side: Side;
  quantity: number;
  orderType: OrderType;
  productType: ProductType;
  variety: Variety;
  price?: number;
  triggerPrice?: number;
}

const wholeNumber = (text: string) => (/^\s*\d+\s*$/.test(text) ? Number(text) : NaN);
const rupees = (text: string) => (/^\s*\d+(\.\d{1,2})?\s*$/.test(text) ? Number(text) : NaN);

/** The price and trigger price the order type takes; the others are left out, not sent empty. */
function pricesFor(
  form: { orderType: OrderType; price: string; triggerPrice: string },
  problems: TicketProblem[],
): { price?: number; triggerPrice?: number } {
  const prices: { price?: number; triggerPrice?: number } = {};
  if (needsPrice(form.orderType)) {
    const price = rupees(form.price);
    if (price > 0) prices.price = price;
    else problems.push({ field: 'price', message: 'Price in rupees, e.g. 801.50' });
  }
  if (needsTrigger(form.orderType)) {
    const trigger = rupees(form.triggerPrice);
    if (trigger > 0) prices.triggerPrice = trigger;
    else problems.push({ field: 'triggerPrice', message: 'Trigger price in rupees, e.g. 799.00' });
  }
  return prices;
}

/**
 * The `placeOrder` input, or the problems a person can fix before sending. Lots, ticks and
 * freeze limits are the server's to check (it knows the instrument); its message lands next
 * to the same field.
 */
export function toPlaceOrderInput(form: TicketForm): { input: PlaceOrderInput } | { problems: TicketProblem[] } {
  const problems: TicketProblem[] = [];
  if (!form.accountId) problems.push({ field: 'accountId', message: 'Choose the account to place the order on' });
  if (!form.symbol.trim()) problems.push({ field: 'symbol', message: 'Enter a symbol as the broker spells it, e.g. SBIN-EQ' });
  const quantity = wholeNumber(form.quantity);
  if (!(quantity > 0)) problems.push({ field: 'quantity', message: 'Quantity must be a whole number above 0' });
  const input: PlaceOrderInput = {
    accountId: form.accountId,
    exchange: form.exchange,
    symbol: form.symbol.trim().toUpperCase(),
    side: form.side,
    quantity,
    orderType: form.orderType,
    productType: form.productType,
    variety: varietyFor(form.orderType, form.variety),
  };
  Object.assign(input, pricesFor(form, problems));
  return problems.length > 0 ? { problems } : { input };
}

export interface ModifyForm {
  orderType: OrderType;
  quantity: string;
  price: string;
  triggerPrice: string;
}

export interface ModifyOrderInput {
  orderType: OrderType;
  quantity: number;
  price?: number;
  triggerPrice?: number;
}

/** The `modifyOrder` input from the inline form of an open order. */
export function toModifyOrderInput(form: ModifyForm): { input: ModifyOrderInput } | { problems: TicketProblem[] } {
  const problems: TicketProblem[] = [];
  const quantity = wholeNumber(form.quantity);
  if (!(quantity > 0)) problems.push({ field: 'quantity', message: 'Quantity must be a whole number above 0' });
  const input: ModifyOrderInput = { orderType: form.orderType, quantity };
  Object.assign(input, pricesFor(form, problems));
  return problems.length > 0 ? { problems } : { input };
}
