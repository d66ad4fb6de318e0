import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { generate } from 'otplib';
import WebSocket from 'ws';
import { createSmartApiSim, type SmartApiSim } from '../../sim/smartapi/server.ts';
import { ManualClock } from '../../sim/smartapi/clock.ts';
import type { SimAccountInput } from '../../sim/smartapi/types.ts';

const MASTER: SimAccountInput = { clientcode: 'M100', pin: '1111', totpSecret: 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP', apiKey: 'key-m' };
const FOLLOWER: SimAccountInput = { clientcode: 'F200', pin: '2222', totpSecret: 'KRSXG5CTMVRXEZLUKRSXG5CTMVRXEZLU', apiKey: 'key-f' };
const BURSTER: SimAccountInput = { clientcode: 'B300', pin: '3333', totpSecret: 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ', apiKey: 'key-b' };
const SBIN = '3045';
const ORDER = '/rest/secure/angelbroking/order/v1';
const USER = '/rest/secure/angelbroking/user/v1';
const LOGIN = '/rest/auth/angelbroking/user/v1/loginByPassword';

/** SmartAPI's JSON answer: `status` and `errorcode`, or for a refused token `success` and `errorCode`; `data` depends on the call. */
interface Envelope<D> {
  status?: boolean;
  success?: boolean;
  message: string;
  errorcode?: string;
  errorCode?: string;
  data: D;
}

/** What the tests read of `data`. */
type OrderIds = { orderid: string; uniqueorderid: string };
type Session = { jwtToken: string; refreshToken: string; feedToken: string };
type BookRow = { orderid: string; ordertag: string; status: string };

interface Answer<D> {
  status: number;
  text: string;
  /** null when the body is not JSON (the plain-text 403 of the rate limit). */
  json: Envelope<D>;
}

async function call<D = unknown>(
  sim: SmartApiSim,
  path: string,
  opts: { jwt?: string; body?: unknown; apiKey?: string; signal?: AbortSignal } = {},
): Promise<Answer<D>> {
  const res = await fetch(`${sim.url}${path}`, {
    method: opts.body === undefined ? 'GET' : 'POST',
    headers: {
      'Content-Type': 'application/json',
      Accept: 'application/json',
      'X-UserType': 'USER',
      'X-SourceID': 'WEB',
      'X-ClientLocalIP': '127.0.0.1',
      'X-ClientPublicIP': '106.193.147.98',
      'X-MACAddress': '00:00:00:00:00:00',
      'X-PrivateKey': opts.apiKey ?? 'key-m',
      ...(opts.jwt ? { Authorization: `Bearer ${opts.jwt}` } : {}),
    },
    body: opts.body === undefined ? undefined : JSON.stringify(opts.body),
    signal: opts.signal,
  });
  const text = await res.text();
  let json: unknown = null;
  try {
    json = JSON.parse(text);
  } catch {
    json = null;
  }
  return { status: res.status, text, json: json as Envelope<D> };
}

async function login(sim: SmartApiSim, account: SimAccountInput): Promise<string> {
  const totp = await generate({ secret: account.totpSecret });
  const answer = await call<Session>(sim, LOGIN, {
    apiKey: account.apiKey,
    body: { clientcode: account.clientcode, password: account.pin, totp },
  });
  expect(answer.json.status).toBe(true);
  return answer.json.data.jwtToken;
}

const order = (over: Record<string, string> = {}) => ({
  variety: 'NORMAL',
  tradingsymbol: 'SBIN-EQ',
  symboltoken: SBIN,
  transactiontype: 'BUY',
  exchange: 'NSE',
  ordertype: 'MARKET',
  producttype: 'INTRADAY',
  duration: 'DAY',
  price: '0',
  squareoff: '0',
  stoploss: '0',
  quantity: '2',
  ...over,
});

const bookRow = async (sim: SmartApiSim, jwt: string, orderid: string, apiKey = 'key-m') => {
  const book = await call<BookRow[] | null>(sim, `${ORDER}/getOrderBook`, { jwt, apiKey });
  return (book.json.data ?? []).find((r) => r.orderid === orderid);
};

/** Collects order-update frames so a test can wait for the one it expects. */
class OrderFeed {
  readonly frames: string[] = [];
  private waiters: Array<() => void> = [];
  constructor(readonly ws: WebSocket) {
    ws.on('message', (data) => {
      this.frames.push(data.toString());
      for (const w of this.waiters.splice(0)) w();
    });
  }
  static open(sim: SmartApiSim, jwt: string): Promise<OrderFeed> {
    const ws = new WebSocket(sim.wsUrl, {
      headers: { Authorization: `Bearer ${jwt}`, 'x-api-key': 'key', 'x-client-code': 'c', 'x-feed-token': 'f' },
    });
    const feed = new OrderFeed(ws);
    return new Promise((ok, fail) => {
      ws.once('open', () => ok(feed));
      ws.once('unexpected-response', (_req, res) => fail(new Error(`upgrade refused ${res.statusCode}`)));
    });
  }
  updates(): Record<string, unknown>[] {
    return this.frames.filter((f) => f.startsWith('{')).map((f) => JSON.parse(f));
  }
  async next(match: (frame: string) => boolean, timeoutMs = 1000): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.frames.find(match);
      if (found !== undefined) return found;
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`no matching frame; got ${this.frames.join(' | ')}`);
      await new Promise<void>((ok) => {
        const t = setTimeout(ok, left);
        this.waiters.push(() => {
          clearTimeout(t);
          ok();
        });
      });
    }
  }
  update(orderid: string, code: string): Promise<string> {
    return this.next((f) => f.includes(`"order-status":"${code}"`) && f.includes(`"orderid":"${orderid}"`));
  }
}

const upgradeStatus = (sim: SmartApiSim, authorization: string): Promise<number> =>
  new Promise((ok) => {
    const ws = new WebSocket(sim.wsUrl, { headers: { Authorization: authorization } });
    ws.once('unexpected-response', (_req, res) => ok(res.statusCode ?? 0));
    ws.once('open', () => {
      ws.close();
      ok(101);
    });
  });

describe('SmartAPI simulator over real sockets', () => {
  let sim: SmartApiSim;
  let jwt: string;
  let feed: OrderFeed;

  beforeAll(async () => {
    sim = await createSmartApiSim({
      accounts: [MASTER, FOLLOWER, BURSTER],
      rateLimits: false,
      instruments: { [SBIN]: { pricePaise: 500_00 } },
    });
    jwt = await login(sim, MASTER);
    feed = await OrderFeed.open(sim, jwt);
  });
  afterAll(async () => {
    feed.ws.close();
    await sim.close();
  });

  it('logs in with a real TOTP and answers the profile; a wrong TOTP or PIN gets SmartAPI errors', async () => {
    expect(jwt.split('.')).toHaveLength(3);
    const profile = await call(sim, `${USER}/getProfile`, { jwt });
    expect(profile.json).toMatchObject({ status: true, message: 'SUCCESS', errorcode: '', data: { clientcode: 'M100' } });

    const wrongTotp = await call(sim, LOGIN, { body: { clientcode: 'M100', password: '1111', totp: '000000' } });
    expect(wrongTotp.status).toBe(200);
    expect(wrongTotp.json).toEqual({ status: false, message: 'Invalid totp', errorcode: 'AB1050', data: null });
    const wrongPin = await call(sim, LOGIN, {
      body: { clientcode: 'M100', password: '9', totp: await generate({ secret: MASTER.totpSecret }) },
    });
    expect(wrongPin.json.status).toBe(false);
  });

  it('answers an unknown JWT and an expired session with the gateway AG8001 envelope', async () => {
    const bogus = await call(sim, `${ORDER}/getOrderBook`, { jwt: 'eyJhbGciOiJIUzUxMiJ9.e30.bogus' });
    expect(bogus.status).toBe(200);
    expect(bogus.json).toEqual({ success: false, message: 'Invalid Token', errorCode: 'AG8001', data: '' });

    const doomed = await login(sim, FOLLOWER);
    expect(sim.faults.expireSessions('F200')).toBeGreaterThan(0);
    const expired = await call(sim, `${USER}/getRMS`, { jwt: doomed, apiKey: 'key-f' });
    expect(expired.json).toEqual({ success: false, message: 'Invalid Token', errorCode: 'AG8001', data: '' });
    expect(await upgradeStatus(sim, `Bearer ${doomed}`)).toBe(403);
    expect(await upgradeStatus(sim, 'Bearer nonsense')).toBe(401);
  });

  it('fills a MARKET order, shows it complete in the books and pushes it on the socket', async () => {
    const placed = await call<OrderIds>(sim, `${ORDER}/placeOrder`, { jwt, body: order({ ordertag: 'copy1' }) });
    expect(placed.json).toMatchObject({ status: true, data: { script: 'SBIN-EQ' } });
    const { orderid, uniqueorderid } = placed.json.data;
    expect(orderid).toMatch(/^\d{15}$/);
    expect(uniqueorderid).toMatch(/^[0-9a-f-]{36}$/);

    const complete = JSON.parse(await feed.update(orderid, 'AB05'));
    expect(complete).toMatchObject({
      'user-id': 'M100',
      'status-code': '200',
      'error-message': '',
      orderData: { status: 'complete', ordertag: 'copy1' },
    });
    expect(feed.updates()[0]?.['order-status']).toBe('AB00');

    expect(await bookRow(sim, jwt, orderid)).toMatchObject({
      status: 'complete',
      orderstatus: 'complete',
      filledshares: '2',
      unfilledshares: '0',
      averageprice: 500,
      quantity: '2',
      uniqueorderid,
    });
    const details = await call(sim, `${ORDER}/details/${uniqueorderid}`, { jwt });
    expect(details.json.data).toMatchObject({ orderid, status: 'complete' });
    const byOrderId = await call(sim, `${ORDER}/details/${orderid}`, { jwt });
    expect(byOrderId.json).toEqual({ status: false, message: 'Order not found', errorcode: 'AB1007', data: null });
    const trades = await call(sim, `${ORDER}/getTradeBook`, { jwt });
    expect(trades.json.data).toEqual(expect.arrayContaining([expect.objectContaining({ orderid, fillprice: '500.00', fillsize: '2' })]));
    const positions = await call<{ symboltoken: string }[]>(sim, `${ORDER}/getPosition`, { jwt });
    expect(positions.json.data.find((p) => p.symboltoken === SBIN)).toMatchObject({ netqty: '2', buyavgprice: '500.00' });
  });

  it('rests a LIMIT order, modifies it, fills it when the price moves, and cancels another', async () => {
    const rest = await call<OrderIds>(sim, `${ORDER}/placeOrder`, {
      jwt,
      body: order({ ordertype: 'LIMIT', price: '490.00', quantity: '1' }),
    });
    const { orderid, uniqueorderid } = rest.json.data;
    await feed.update(orderid, 'AB01');
    expect(await bookRow(sim, jwt, orderid)).toMatchObject({ status: 'open', price: 490 });

    const modified = await call(sim, `${ORDER}/modifyOrder`, {
      jwt,
      body: {
        variety: 'NORMAL',
        orderid,
        ordertype: 'LIMIT',
        producttype: 'INTRADAY',
        duration: 'DAY',
        price: '495.00',
        quantity: '1',
        tradingsymbol: 'SBIN-EQ',
        symboltoken: SBIN,
        exchange: 'NSE',
      },
    });
    expect(modified.json).toEqual({ status: true, message: 'SUCCESS', errorcode: '', data: { orderid, uniqueorderid } });
    expect(await bookRow(sim, jwt, orderid)).toMatchObject({ status: 'modified', orderstatus: 'open', price: 495 });

    sim.market.setPrice(SBIN, 494_00);
    await feed.update(orderid, 'AB05');
    expect(await bookRow(sim, jwt, orderid)).toMatchObject({ status: 'complete', averageprice: 495 });
    const again = await call(sim, `${ORDER}/cancelOrder`, { jwt, body: { variety: 'NORMAL', orderid } });
    expect(again.json.status).toBe(false);

    const other = await call<OrderIds>(sim, `${ORDER}/placeOrder`, {
      jwt,
      body: order({ ordertype: 'LIMIT', price: '400.00', quantity: '3' }),
    });
    const cancel = await call(sim, `${ORDER}/cancelOrder`, { jwt, body: { variety: 'NORMAL', orderid: other.json.data.orderid } });
    expect(cancel.json.status).toBe(true);
    await feed.update(other.json.data.orderid, 'AB02');
    expect(await bookRow(sim, jwt, other.json.data.orderid)).toMatchObject({ status: 'cancelled', cancelsize: '3' });
    sim.market.setPrice(SBIN, 500_00);
  });

  it('waits for a stop-loss trigger, and keeps a partly filled order open', async () => {
    const stop = await call<OrderIds>(sim, `${ORDER}/placeOrder`, {
      jwt,
      body: order({
        variety: 'STOPLOSS',
        ordertype: 'STOPLOSS_LIMIT',
        transactiontype: 'SELL',
        price: '479.00',
        triggerprice: '480.00',
        quantity: '1',
      }),
    });
    const stopId = stop.json.data.orderid;
    await feed.update(stopId, 'AB10');
    sim.market.setPrice(SBIN, 479_50);
    await feed.update(stopId, 'AB05');
    expect(await bookRow(sim, jwt, stopId)).toMatchObject({ status: 'complete', averageprice: 479.5, triggerprice: 480 });

    const big = await call<OrderIds>(sim, `${ORDER}/placeOrder`, {
      jwt,
      body: order({ ordertype: 'LIMIT', price: '450.00', quantity: '10' }),
    });
    await feed.update(big.json.data.orderid, 'AB01');
    sim.orders.fill(big.json.data.uniqueorderid, 4, 450_00);
    expect(await bookRow(sim, jwt, big.json.data.orderid)).toMatchObject({
      status: 'open',
      filledshares: '4',
      unfilledshares: '6',
      averageprice: 450,
    });
    await call(sim, `${ORDER}/cancelOrder`, { jwt, body: { variety: 'NORMAL', orderid: big.json.data.orderid } });
    expect(await bookRow(sim, jwt, big.json.data.orderid)).toMatchObject({ status: 'cancelled', filledshares: '4', cancelsize: '6' });
    sim.market.setPrice(SBIN, 500_00);
  });

  it('renews tokens with the refresh token and ends the session on logout', async () => {
    const first = await call<Session>(sim, LOGIN, {
      apiKey: 'key-b',
      body: { clientcode: 'B300', password: '3333', totp: await generate({ secret: BURSTER.totpSecret }) },
    });
    const { jwtToken, refreshToken } = first.json.data;
    const renewed = await call<Session>(sim, '/rest/auth/angelbroking/jwt/v1/generateTokens', {
      jwt: jwtToken,
      apiKey: 'key-b',
      body: { refreshToken },
    });
    expect(Object.keys(renewed.json.data).sort()).toEqual(['feedToken', 'jwtToken', 'refreshToken']);
    const bad = await call(sim, '/rest/auth/angelbroking/jwt/v1/generateTokens', {
      jwt: jwtToken,
      apiKey: 'key-b',
      body: { refreshToken: 'nope' },
    });
    expect(bad.json).toEqual({ status: false, message: 'Invalid Refresh Token', errorcode: 'AB8050', data: null });

    const out = await call(sim, `${USER}/logout`, { jwt: renewed.json.data.jwtToken, apiKey: 'key-b', body: { clientcode: 'B300' } });
    expect(out.json).toEqual({ status: true, message: 'SUCCESS', errorcode: '', data: '' });
    const after = await call(sim, `${USER}/getProfile`, { jwt: renewed.json.data.jwtToken, apiKey: 'key-b' });
    expect(after.json).toMatchObject({ success: false, errorCode: 'AG8001' });
  });

  it('accepts then rejects orders with SmartAPI texts, and refuses a long ordertag outright', async () => {
    const tooBig = await call<OrderIds>(sim, `${ORDER}/placeOrder`, { jwt, body: order({ quantity: '100000' }) });
    const rejected = JSON.parse(await feed.update(tooBig.json.data.orderid, 'AB03'));
    expect(rejected.orderData.text).toMatch(
      /^Your order has been rejected due to Insufficient Funds\. Available funds - Rs\. [\d.]+ \. You require Rs\. 50000000\.00 funds/,
    );
    const longTag = await call(sim, `${ORDER}/placeOrder`, { jwt, body: order({ ordertag: 'x'.repeat(21) }) });
    expect(longTag.json).toEqual({
      status: false,
      message: 'Ordertag length should not exceed 20 characters',
      errorcode: 'AB4008',
      data: null,
    });
  });

  it('keeps two client accounts apart', async () => {
    const followerJwt = await login(sim, FOLLOWER);
    const followerFeed = await OrderFeed.open(sim, followerJwt);
    const mine = await call<OrderIds>(sim, `${ORDER}/placeOrder`, {
      jwt,
      body: order({ ordertype: 'LIMIT', price: '100.00', quantity: '1' }),
    });
    await feed.update(mine.json.data.orderid, 'AB01');
    const theirs = await call(sim, `${ORDER}/getOrderBook`, { jwt: followerJwt, apiKey: 'key-f' });
    expect(theirs.json).toMatchObject({ status: true, data: null });
    const steal = await call(sim, `${ORDER}/cancelOrder`, {
      jwt: followerJwt,
      apiKey: 'key-f',
      body: { variety: 'NORMAL', orderid: mine.json.data.orderid },
    });
    expect(steal.json).toMatchObject({ status: false, errorcode: 'AB1013' });
    const wrongKey = await call(sim, `${ORDER}/getOrderBook`, { jwt: followerJwt, apiKey: 'key-m' });
    expect(wrongKey.json).toMatchObject({ success: false, errorCode: 'AG8004' });
    expect(followerFeed.updates().map((u) => u['order-status'])).toEqual(['AB00']);
    followerFeed.ws.close();
  });

  it('answers text and protocol pings, and goes silent when frozen', async () => {
    feed.ws.send('ping');
    await feed.next((f) => f === 'pong');
    const pong = new Promise<void>((ok) => feed.ws.once('pong', () => ok()));
    feed.ws.ping('ping');
    await pong;

    sim.faults.freezeSockets('M100');
    const before = feed.frames.length;
    feed.ws.send('ping');
    await new Promise((ok) => setTimeout(ok, 100));
    expect(feed.frames.length).toBe(before);
    sim.faults.freezeSockets('M100', false);
    const pongs = () => feed.frames.filter((f) => f === 'pong').length;
    const seen = pongs();
    feed.ws.send('ping');
    await feed.next(() => pongs() > seen);
  });

  it('limits sockets to three per client code', async () => {
    const extra = await Promise.all([OrderFeed.open(sim, jwt), OrderFeed.open(sim, jwt)]);
    expect(await upgradeStatus(sim, `Bearer ${jwt}`)).toBe(429);
    for (const f of extra) f.ws.close();
  });

  it('answers an over-limit order burst with the plain-text 403', async () => {
    sim.setRateLimits({});
    try {
      const burstJwt = await login(sim, BURSTER);
      const answers = await Promise.all(
        Array.from({ length: 12 }, () =>
          call(sim, `${ORDER}/placeOrder`, { jwt: burstJwt, apiKey: 'key-b', body: order({ quantity: '1' }) }),
        ),
      );
      const limited = answers.filter((a) => a.status === 403);
      expect(answers.filter((a) => a.json?.status === true)).toHaveLength(9);
      expect(limited).toHaveLength(3);
      expect(limited[0]?.text).toBe('Access denied because of exceeding access rate');
      expect(sim.counters().rateLimited.placeOrder).toBe(3);
    } finally {
      sim.setRateLimits(false);
    }
  });

  it('carries out an order whose answer never comes (timeout after accept)', async () => {
    sim.faults.timeoutAfterAccept(1, { mode: 'hang' });
    await expect(
      call(sim, `${ORDER}/placeOrder`, { jwt, body: order({ ordertag: 'lost1' }), signal: AbortSignal.timeout(300) }),
    ).rejects.toThrow();
    sim.faults.timeoutAfterAccept(1, { mode: 'reset' });
    await expect(call(sim, `${ORDER}/placeOrder`, { jwt, body: order({ ordertag: 'lost2' }) })).rejects.toThrow();

    const book = await call<BookRow[]>(sim, `${ORDER}/getOrderBook`, { jwt });
    const tags = book.json.data.filter((r) => r.ordertag.startsWith('lost') && r.status === 'complete');
    expect(tags.map((r) => r.ordertag).sort()).toEqual(['lost1', 'lost2']);
    expect(sim.counters().unanswered.placeOrder).toBe(2);
  });

  it('answers a burst of 5xx, then recovers; extra latency delays answers', async () => {
    sim.faults.failNext(2, { status: 503 });
    const first = await call(sim, `${USER}/getProfile`, { jwt });
    const second = await call(sim, `${ORDER}/getOrderBook`, { jwt });
    const third = await call(sim, `${USER}/getProfile`, { jwt });
    expect([first.status, second.status, third.status]).toEqual([503, 503, 200]);
    expect(first.text).toContain('503 Service Unavailable');

    sim.faults.latency(120, ['getRMS']);
    const started = performance.now();
    const rms = await call(sim, `${USER}/getRMS`, { jwt });
    expect(performance.now() - started).toBeGreaterThanOrEqual(110);
    expect(rms.json.data).toHaveProperty('availablecash');
    sim.faults.reset();
  });

  it('drops sockets on request', async () => {
    const closed = new Promise<number>((ok) => feed.ws.once('close', (code) => ok(code)));
    expect(sim.faults.dropSockets('M100')).toBe(1);
    expect(await closed).toBe(1006);
    feed = await OrderFeed.open(sim, jwt);
  });
});

describe('SmartAPI simulator on NSE hours with a manual clock', () => {
  // Monday 6 Jan 2025, 20:00 IST: after the close, so orders are held as AMO.
  const clock = new ManualClock(new Date('2025-01-06T14:30:00Z'));
  let sim: SmartApiSim;

  beforeAll(async () => {
    sim = await createSmartApiSim({
      clock,
      marketHours: 'nse',
      accounts: [MASTER],
      rateLimits: false,
      tickIntervalMs: 0,
      instruments: { [SBIN]: { pricePaise: 600_00 } },
    });
  });
  afterAll(() => sim.close());

  it('holds an AMO until the open, then fills it; the session dies at midnight IST', async () => {
    const jwt = await login(sim, MASTER);
    const feed = await OrderFeed.open(sim, jwt);
    const placed = await call<OrderIds>(sim, `${ORDER}/placeOrder`, { jwt, body: order() });
    const { orderid } = placed.json.data;
    expect(await bookRow(sim, jwt, orderid)).toMatchObject({ status: 'after market order req received', exchtime: '' });

    clock.set(new Date('2025-01-07T03:46:00Z')); // Tuesday 09:16 IST
    const stale = await call(sim, `${ORDER}/getOrderBook`, { jwt });
    expect(stale.json).toMatchObject({ success: false, errorCode: 'AG8001' });
    await feed.update(orderid, 'AB05');
    expect(feed.updates().some((u) => u['order-status'] === 'AB06')).toBe(false);

    const fresh = await login(sim, MASTER);
    expect(await bookRow(sim, fresh, orderid)).toMatchObject({ status: 'complete', averageprice: 600, updatetime: '07-Jan-2025 09:16:00' });
    feed.ws.close();

    const resting = await call<OrderIds>(sim, `${ORDER}/placeOrder`, { jwt: fresh, body: order({ ordertype: 'LIMIT', price: '550.00' }) });
    await expect.poll(async () => (await bookRow(sim, fresh, resting.json.data.orderid))?.status).toBe('open');
    clock.set(new Date('2025-01-07T10:01:00Z')); // 15:31 IST
    sim.market.tick();
    expect(sim.orders.get(resting.json.data.orderid)).toMatchObject({ status: 'cancelled', cancelledQty: 2 });
  });
});
