import { describe, expect, it } from 'vitest';
import { toModifyOrderInput, toPlaceOrderInput, varietyFor, type TicketForm } from '../../client/src/features/orders/ticket-rules.ts';

const form = (overrides: Partial<TicketForm> = {}): TicketForm => ({
  accountId: 'acc-m',
  exchange: 'NSE',
  symbol: ' sbin-eq ',
  side: 'BUY',
  quantity: '10',
  orderType: 'MARKET',
  price: '',
  triggerPrice: '',
  productType: 'INTRADAY',
  variety: 'NORMAL',
  ...overrides,
});

describe('the order ticket', () => {
  it('sends a market order without prices, the symbol as the broker spells it', () => {
    expect(toPlaceOrderInput(form({ price: '801.5' }))).toEqual({
      input: {
        accountId: 'acc-m',
        exchange: 'NSE',
        symbol: 'SBIN-EQ',
        side: 'BUY',
        quantity: 10,
        orderType: 'MARKET',
        productType: 'INTRADAY',
        variety: 'NORMAL',
      },
    });
  });

  it('sends the price a LIMIT order needs and the trigger a stop-loss needs, as the STOPLOSS variety', () => {
    const limit = toPlaceOrderInput(form({ orderType: 'LIMIT', price: '801.50', triggerPrice: '799' }));
    expect(limit).toMatchObject({ input: { price: 801.5, variety: 'NORMAL' } });
    expect('input' in limit && 'triggerPrice' in limit.input).toBe(false);
    expect(toPlaceOrderInput(form({ orderType: 'STOPLOSS_LIMIT', price: '801.50', triggerPrice: '800' }))).toMatchObject({
      input: { price: 801.5, triggerPrice: 800, variety: 'STOPLOSS' },
    });
    expect(varietyFor('LIMIT', 'STOPLOSS')).toBe('NORMAL');
    expect(varietyFor('MARKET', 'AMO')).toBe('AMO');
  });

  it('names every field a person must fix before anything is sent', () => {
    const result = toPlaceOrderInput(
      form({ accountId: '', symbol: ' ', quantity: '2.5', orderType: 'STOPLOSS_LIMIT', price: 'abc', triggerPrice: '1.234' }),
    );
    expect('problems' in result && result.problems.map((p) => p.field)).toEqual([
      'accountId',
      'symbol',
      'quantity',
      'price',
      'triggerPrice',
    ]);
  });

  it('modifies quantity and price, dropping the price when the order becomes MARKET', () => {
    expect(toModifyOrderInput({ orderType: 'LIMIT', quantity: '20', price: '802.05', triggerPrice: '' })).toEqual({
      input: { orderType: 'LIMIT', quantity: 20, price: 802.05 },
    });
    expect(toModifyOrderInput({ orderType: 'MARKET', quantity: '20', price: '802.05', triggerPrice: '' })).toEqual({
      input: { orderType: 'MARKET', quantity: 20 },
    });
    expect(toModifyOrderInput({ orderType: 'LIMIT', quantity: '0', price: '', triggerPrice: '' })).toMatchObject({
      problems: [{ field: 'quantity' }, { field: 'price' }],
    });
  });
});
