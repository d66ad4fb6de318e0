import { describe, expect, it } from 'vitest';
import { brokerOrderFromRow, cancelOrderBody, modifyOrderBody, placeOrderBody } from '../../server/src/brokers/smartapi/order-mapping.ts';
import { paiseOf, parseIstTime, rupeesText } from '../../server/src/brokers/smartapi/wire-values.ts';
import type { BrokerOrderRequest } from '../../server/src/brokers/port.ts';
import { statusAfterReport } from '../../server/src/core/reported-status.ts';

const NOW = new Date('2026-01-05T05:00:00Z');

const request = (over: Partial<BrokerOrderRequest> = {}): BrokerOrderRequest => ({
  exchange: 'NSE',
  symbol: 'SBIN-EQ',
  token: '3045',
  side: 'BUY',
  quantity: 10,
  orderType: 'LIMIT',
  productType: 'DELIVERY',
  variety: 'NORMAL',
  price: 19450,
  triggerPrice: null,
  orderTag: 'T1abcZ9',
  ...over,
});

/** An order-book row as SmartAPI shows it (docs/smartapi.md §4.1): numbers for prices, strings for quantities. */
const row = (over: Record<string, unknown> = {}): Record<string, unknown> => ({
  variety: 'NORMAL',
  ordertype: 'LIMIT',
  producttype: 'DELIVERY',
  duration: 'DAY',
  price: 194.5,
  triggerprice: 0,
  quantity: '10',
  disclosedquantity: '0',
  tradingsymbol: 'SBIN-EQ',
  transactiontype: 'BUY',
  exchange: 'NSE',
  symboltoken: '3045',
  averageprice: 0,
  filledshares: '0',
  unfilledshares: '10',
  orderid: '260105000000123',
  text: '',
  status: 'open',
  orderstatus: 'open',
  updatetime: '05-Jan-2026 10:30:15',
  exchtime: '05-Jan-2026 10:30:14',
  ordertag: 'T1abcZ9',
  uniqueorderid: 'u-1',
  ...over,
});

describe('SmartAPI order bodies', () => {
  it('sends prices as rupee strings, quantities as strings and the tag as ordertag', () => {
    expect(placeOrderBody(request())).toEqual({
      variety: 'NORMAL',
      tradingsymbol: 'SBIN-EQ',
      symboltoken: '3045',
      transactiontype: 'BUY',
      exchange: 'NSE',
      ordertype: 'LIMIT',
      producttype: 'DELIVERY',
      duration: 'DAY',
      price: '194.50',
      squareoff: '0',
      stoploss: '0',
      quantity: '10',
      ordertag: 'T1abcZ9',
    });
  });

  it('sends an AMO as NORMAL (SmartAPI dropped the AMO variety) and a stop-loss AMO as STOPLOSS', () => {
    expect(placeOrderBody(request({ variety: 'AMO', orderType: 'MARKET', price: null })).variety).toBe('NORMAL');
    expect(placeOrderBody(request({ variety: 'AMO', orderType: 'MARKET', price: null })).price).toBe('0');
    expect(placeOrderBody(request({ variety: 'AMO', orderType: 'STOPLOSS_LIMIT', triggerPrice: 19500, price: 19550 }))).toMatchObject({
      variety: 'STOPLOSS',
      triggerprice: '195.00',
      price: '195.50',
    });
  });

  it('fills a modify from the order as last seen, and cancels with the right variety', () => {
    const current = brokerOrderFromRow(row(), NOW)!;
    expect(modifyOrderBody(current, { price: 19505 })).toEqual({
      variety: 'NORMAL',
      orderid: '260105000000123',
      ordertype: 'LIMIT',
      producttype: 'DELIVERY',
      duration: 'DAY',
      price: '195.05',
      quantity: '10',
      tradingsymbol: 'SBIN-EQ',
      symboltoken: '3045',
      exchange: 'NSE',
    });
    expect(modifyOrderBody(current, { orderType: 'MARKET', price: null, quantity: 4 })).toMatchObject({
      ordertype: 'MARKET',
      price: '0',
      quantity: '4',
    });
    expect(cancelOrderBody('1', 'STOPLOSS_MARKET')).toEqual({ variety: 'STOPLOSS', orderid: '1' });
  });
});

describe('SmartAPI order-book rows', () => {
  it('reads a row into integer paise, whole quantities and IST times', () => {
    expect(brokerOrderFromRow(row({ status: 'complete', orderstatus: 'complete', filledshares: '10', averageprice: 194.45 }), NOW)).toEqual(
      {
        brokerOrderId: '260105000000123',
        orderTag: 'T1abcZ9',
        exchange: 'NSE',
        symbol: 'SBIN-EQ',
        token: '3045',
        side: 'BUY',
        quantity: 10,
        filledQuantity: 10,
        averagePrice: 19445,
        orderType: 'LIMIT',
        productType: 'DELIVERY',
        variety: 'NORMAL',
        price: 19450,
        triggerPrice: null,
        status: 'FILLED',
        brokerStatus: 'complete',
        statusMessage: null,
        placedAt: new Date('2026-01-05T05:00:14Z'),
        updatedAt: new Date('2026-01-05T05:00:15Z'),
      },
    );
  });

  it('ignores the AB00 acknowledgement, whose orderData is empty', () => {
    expect(brokerOrderFromRow(row({ orderid: '', status: '' }), NOW)).toBeNull();
  });

  it('reads an order held after the close as an AMO, placed when it was last updated', () => {
    const order = brokerOrderFromRow(
      row({ status: 'after market order req received', orderstatus: 'after market order req received', exchtime: '' }),
      NOW,
    )!;
    expect(order).toMatchObject({ variety: 'AMO', placedAt: new Date('2026-01-05T05:00:15Z') });
  });

  it('takes orderstatus when status only says "modified"', () => {
    expect(
      brokerOrderFromRow(row({ status: 'modified', orderstatus: 'trigger pending', ordertype: 'STOPLOSS_LIMIT', triggerprice: 195 }), NOW),
    ).toMatchObject({
      status: 'TRIGGER_PENDING',
      brokerStatus: 'trigger pending',
      variety: 'STOPLOSS',
      triggerPrice: 19500,
    });
  });

  it.each([
    ['put order req received', '0', 'SENT'],
    ['validation pending', '0', 'SENT'],
    ['open pending', '0', 'SENT'],
    ['open', '0', 'OPEN'],
    ['open', '4', 'PARTIALLY_FILLED'],
    ['trigger pending', '0', 'TRIGGER_PENDING'],
    ['after market order req received', '0', 'AMO_QUEUED'],
    ['modify after market order req received', '0', 'AMO_QUEUED'],
    ['complete', '10', 'FILLED'],
    ['cancelled', '4', 'CANCELLED'],
    ['cancelled after market order', '0', 'CANCELLED'],
    ['rejected', '0', 'REJECTED'],
    ['modify pending', '0', 'OPEN'],
    ['cancel pending', '0', 'OPEN'],
    ['not modified', '0', 'OPEN'],
    ['not cancelled', '0', 'OPEN'],
  ])('maps every SmartAPI status word: %s with %s filled is %s', (status, filled, expected) => {
    const order = brokerOrderFromRow(row({ status, orderstatus: status, filledshares: filled }), NOW)!;
    expect(statusAfterReport(order.status, 'OPEN')).toBe(expected);
  });
});

describe('SmartAPI wire values', () => {
  it('converts between paise and rupees without floating-point drift', () => {
    expect(rupeesText(19455)).toBe('194.55');
    expect(rupeesText(5)).toBe('0.05');
    expect(paiseOf(194.55)).toBe(19455);
    expect(paiseOf('2298.25')).toBe(229825);
    expect(paiseOf('')).toBeNull();
  });

  it('reads SmartAPI times as IST, whatever the process time zone', () => {
    expect(parseIstTime('20-Oct-2020 13:10:59')).toEqual(new Date('2020-10-20T07:40:59Z'));
    expect(parseIstTime('')).toBeNull();
  });
});
