import { formatIstDateTime, formatIstTime } from './clock.ts';
import type { Market } from './market.ts';
import { rupeesNumber, rupeesText } from './money.ts';
import type { SimOrder, SimTrade } from './types.ts';

/** An order-book row as getOrderBook, details/{id} and the socket's orderData show it (docs/smartapi.md §4.1). */
export function orderRow(order: SimOrder, market: Market): Record<string, string | number> {
  const inst = market.instrument(order.symboltoken);
  const atExchange = order.exchangeAt !== null;
  return {
    variety: order.variety,
    ordertype: order.ordertype,
    ordertag: order.ordertag,
    producttype: order.producttype,
    price: rupeesNumber(order.pricePaise),
    triggerprice: rupeesNumber(order.triggerPaise),
    quantity: String(order.quantity),
    disclosedquantity: String(order.disclosedquantity),
    duration: order.duration,
    squareoff: rupeesNumber(order.squareoffPaise),
    stoploss: rupeesNumber(order.stoplossPaise),
    trailingstoploss: 0,
    tradingsymbol: order.tradingsymbol,
    transactiontype: order.transactiontype,
    exchange: order.exchange,
    symboltoken: order.symboltoken,
    instrumenttype: inst.instrumenttype,
    strikeprice: rupeesNumber(inst.strikePaise),
    optiontype: inst.optiontype,
    expirydate: inst.expirydate,
    lotsize: String(inst.lotSize),
    cancelsize: String(order.cancelledQty),
    averageprice: order.filledQty === 0 ? 0 : rupeesNumber(Math.round(order.fillValuePaise / order.filledQty)),
    filledshares: String(order.filledQty),
    unfilledshares: String(order.quantity - order.filledQty),
    orderid: order.orderid,
    text: order.text,
    status: order.status,
    orderstatus: order.orderstatus,
    updatetime: formatIstDateTime(order.updatedAt),
    exchtime: order.exchangeAt ? formatIstDateTime(order.exchangeAt) : '',
    exchorderupdatetime: atExchange ? formatIstDateTime(order.updatedAt) : '',
    fillid: '',
    filltime: '',
    parentorderid: '',
    exchangeorderid: atExchange ? order.exchangeorderid : '',
    uniqueorderid: order.uniqueorderid,
  };
}

/** The AB00 connection ack carries an orderData whose fields are all empty or 0. */
export function emptyOrderRow(): Record<string, string | number> {
  const numeric = new Set(['price', 'triggerprice', 'squareoff', 'stoploss', 'trailingstoploss', 'strikeprice', 'averageprice']);
  const keys = [
    'variety',
    'ordertype',
    'ordertag',
    'producttype',
    'price',
    'triggerprice',
    'quantity',
    'disclosedquantity',
    'duration',
    'squareoff',
    'stoploss',
    'trailingstoploss',
    'tradingsymbol',
    'transactiontype',
    'exchange',
    'symboltoken',
    'instrumenttype',
    'strikeprice',
    'optiontype',
    'expirydate',
    'lotsize',
    'cancelsize',
    'averageprice',
    'filledshares',
    'unfilledshares',
    'orderid',
    'text',
    'status',
    'orderstatus',
    'updatetime',
    'exchtime',
    'exchorderupdatetime',
    'fillid',
    'filltime',
    'parentorderid',
  ];
  return Object.fromEntries(keys.map((k) => [k, numeric.has(k) ? 0 : '']));
}

/** A getTradeBook row (docs/smartapi.md §4.3); one per fill. */
export function tradeRow(trade: SimTrade, market: Market): Record<string, string> {
  const inst = market.instrument(trade.symboltoken);
  return {
    exchange: trade.exchange,
    producttype: trade.producttype,
    tradingsymbol: trade.tradingsymbol,
    instrumenttype: inst.instrumenttype,
    symbolgroup: 'EQ',
    strikeprice: rupeesText(inst.strikePaise),
    optiontype: inst.optiontype,
    expirydate: inst.expirydate,
    marketlot: String(inst.lotSize),
    precision: '2',
    multiplier: '-1',
    tradevalue: rupeesText(trade.pricePaise * trade.quantity),
    transactiontype: trade.transactiontype,
    fillprice: rupeesText(trade.pricePaise),
    fillsize: String(trade.quantity),
    orderid: trade.orderid,
    fillid: trade.fillid,
    filltime: formatIstTime(trade.at),
  };
}
