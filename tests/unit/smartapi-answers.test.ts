import { describe, expect, it } from 'vitest';
import { readAnswer } from '../../server/src/brokers/smartapi/answer.ts';
import { nextDailyLogin, scheduleDailyLogin } from '../../server/src/brokers/smartapi/daily-login.ts';
import { ManualClock } from '../../server/src/core/clock.ts';
import { jwtExpiry, sessionExpiry } from '../../server/src/brokers/smartapi/jwt-expiry.ts';
import { UpdateFilter } from '../../server/src/brokers/smartapi/update-filter.ts';
import type { BrokerOrder } from '../../server/src/brokers/port.ts';

describe('reading what smartapi-javascript resolves to', () => {
  it('takes SUCCESS from either envelope', () => {
    expect(readAnswer({ status: true, message: 'SUCCESS', errorcode: '', data: { orderid: '1' } }, 'placeOrder')).toEqual({
      ok: true,
      data: { orderid: '1' },
    });
    expect(readAnswer({ status: true, message: 'SUCCESS', errorcode: '', data: null }, 'getOrderBook')).toEqual({ ok: true, data: null });
  });

  it.each([
    ['a timeout or network error ({})', {}, 'unknown', undefined],
    ['an empty array', [], 'unknown', undefined],
    ['the 403 of the rate limit, body dropped', { status: 403, message: 'Forbidden' }, 'rate_limited', '403'],
    ['the rate limit text itself', 'Access denied because of exceeding access rate', 'rate_limited', undefined],
    ['a 503 from the edge', { status: 503, message: 'Service Unavailable' }, 'unknown', '503'],
    ['the gateway AG8001', { success: false, message: 'Invalid Token', errorCode: 'AG8001', data: '' }, 'session', 'AG8001'],
    ['AB1010 from the services', { status: false, message: 'AMX Session Expired', errorcode: 'AB1010', data: null }, 'session', 'AB1010'],
    ['a refusal', { status: false, message: 'Invalid Product Type', errorcode: 'AB1012', data: null }, 'rejected', 'AB1012'],
  ])('reads %s as %s', (_what, value, outcome, code) => {
    const answer = readAnswer(value, 'placeOrder');
    expect(answer.ok).toBe(false);
    if (!answer.ok) expect(answer.error).toMatchObject({ outcome, brokerCode: code });
  });

  it("words a static-IP refusal so a person knows what to do, keeping the broker's words", () => {
    const answer = readAnswer(
      {
        success: false,
        message: 'Access denied: Unregistered IP address. Register your IP before retrying.',
        errorCode: 'AG7002',
        data: '',
      },
      'placeOrder',
    );
    expect(!answer.ok && answer.error.message).toMatch(/register this server's static IP.*\(AG7002 Access denied: Unregistered IP address/);
  });
});

describe('session and daily-login times', () => {
  it('ends a session at the earlier of its JWT exp and 00:00 IST', () => {
    const jwt = (exp: number) => `h.${Buffer.from(JSON.stringify({ exp })).toString('base64url')}.s`;
    const at = new Date('2026-01-05T10:00:00Z'); // 15:30 IST
    expect(jwtExpiry(jwt(1_767_618_000))).toEqual(new Date(1_767_618_000_000));
    expect(sessionExpiry(jwt(Math.floor(at.getTime() / 1000) + 600), at)).toEqual(new Date(at.getTime() + 600_000));
    expect(sessionExpiry('not-a-jwt', at)).toEqual(new Date('2026-01-05T18:30:00Z'));
  });

  it('logs in at 08:45 IST on the next trading day', () => {
    expect(nextDailyLogin(new Date('2026-01-05T02:00:00Z'))).toEqual(new Date('2026-01-05T03:15:00Z')); // Mon 07:30 -> Mon 08:45
    expect(nextDailyLogin(new Date('2026-01-05T03:15:00Z'))).toEqual(new Date('2026-01-06T03:15:00Z')); // Mon 08:45 -> Tue
    expect(nextDailyLogin(new Date('2026-01-09T12:00:00Z'))).toEqual(new Date('2026-01-12T03:15:00Z')); // Fri evening -> Mon
    expect(nextDailyLogin(new Date('2026-01-05T02:00:00Z'), ['2026-01-05'])).toEqual(new Date('2026-01-06T03:15:00Z'));
  });
});

describe('the daily login', () => {
  it('runs at 08:45 IST and arms itself again for the next trading day', async () => {
    const clock = new ManualClock(new Date('2026-01-05T03:14:59.950Z')); // Monday 08:44:59.950 IST
    const logins: string[] = [];
    // Each login moves the clock on: to just before Friday's, then past it (next is Monday's).
    const after = [new Date('2026-01-09T03:14:59.980Z'), new Date('2026-01-09T06:30:00Z')];
    const stop = scheduleDailyLogin(clock, async () => {
      logins.push(clock.now().toISOString());
      clock.set(after[logins.length - 1] ?? clock.now());
    });
    try {
      for (let i = 0; i < 200 && logins.length < 2; i += 1) await new Promise((resolve) => setTimeout(resolve, 10));
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(logins).toEqual(['2026-01-05T03:14:59.950Z', '2026-01-09T03:14:59.980Z']);
    } finally {
      stop();
    }
  });
});

describe('the socket and the poll report each change once', () => {
  const order = (over: Partial<BrokerOrder> = {}): BrokerOrder => ({
    brokerOrderId: '1',
    orderTag: null,
    exchange: 'NSE',
    symbol: 'SBIN-EQ',
    token: '3045',
    side: 'BUY',
    quantity: 10,
    filledQuantity: 0,
    averagePrice: null,
    orderType: 'LIMIT',
    productType: 'INTRADAY',
    variety: 'NORMAL',
    price: 95000,
    triggerPrice: null,
    status: 'OPEN',
    brokerStatus: 'open',
    statusMessage: null,
    placedAt: new Date(0),
    updatedAt: new Date(0),
    ...over,
  });

  it('passes an order the socket missed, and not again when the socket then reports it', () => {
    const filter = new UpdateFilter();
    expect(filter.fromBook([order()], 100)).toHaveLength(1);
    expect(filter.fromBook([order()], 200)).toHaveLength(0);
    expect(filter.fromSocket(order(), 250)).toBe(false);
    expect(filter.fromSocket(order({ status: 'FILLED', brokerStatus: 'complete', filledQuantity: 10 }), 260)).toBe(true);
  });

  it("never lets a book requested before the socket's latest word undo it", () => {
    const filter = new UpdateFilter();
    expect(filter.fromSocket(order({ price: 95500 }), 300)).toBe(true);
    expect(filter.fromBook([order({ price: 95000 })], 290)).toHaveLength(0);
    expect(filter.fromBook([order({ price: 95500 })], 400)).toHaveLength(0);
    expect(filter.fromBook([order({ status: 'FILLED', brokerStatus: 'complete', filledQuantity: 10, price: 95500 })], 500)).toHaveLength(1);
  });
});
