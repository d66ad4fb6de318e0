// The simulator's days: DELIVERY fills of an earlier IST day become holdings (getHolding), other
// products are carried forward in getPosition's cf* fields, and the admin can seed holdings
// bought before it started. Tandem's mapping reads both answers into one position per product.
import { generate } from 'otplib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { positionsFromAnswers } from '../../server/src/brokers/smartapi/position-mapping.ts';
import { ManualClock } from '../../sim/smartapi/clock.ts';
import { createSmartApiSim, type SmartApiSim } from '../../sim/smartapi/server.ts';
import type { SimAccountInput } from '../../sim/smartapi/types.ts';
import { waitFor } from '../support/wait-for.ts';

const TRADER: SimAccountInput = {
  clientcode: 'H100',
  pin: '1111',
  totpSecret: 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP',
  apiKey: 'key-h',
  // A lot of the future costs ₹16.5 lakh.
  fundsPaise: 1_00_00_000_00,
};
const SBIN = '3045';
const NIFTY_FUT = '35863';
const RELIANCE = '2885';
const ORDER = '/rest/secure/angelbroking/order/v1';
const PORTFOLIO = '/rest/secure/angelbroking/portfolio/v1';
// Monday 5 January 2026, 10:00 IST.
const MONDAY = new Date('2026-01-05T10:00:00+05:30');

describe('the simulator across days: holdings and carried-forward positions', () => {
  let sim: SmartApiSim;
  let jwt = '';
  const clock = new ManualClock(MONDAY);

  const call = async <D>(path: string, body?: unknown): Promise<{ status: boolean; data: D; errorcode?: string }> => {
    const response = await fetch(`${sim.url}${path}`, {
      method: body === undefined ? 'GET' : 'POST',
      headers: {
        'Content-Type': 'application/json',
        Accept: 'application/json',
        'X-UserType': 'USER',
        'X-SourceID': 'WEB',
        'X-ClientLocalIP': '127.0.0.1',
        'X-ClientPublicIP': '127.0.0.1',
        'X-MACAddress': '00:00:00:00:00:00',
        'X-PrivateKey': TRADER.apiKey!,
        ...(jwt ? { Authorization: `Bearer ${jwt}` } : {}),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return (await response.json()) as { status: boolean; data: D };
  };

  const buyOrSell = async (fields: Record<string, string>) => {
    const placed = await call<{ orderid: string }>(`${ORDER}/placeOrder`, {
      variety: 'NORMAL',
      tradingsymbol: 'SBIN-EQ',
      symboltoken: SBIN,
      transactiontype: 'BUY',
      exchange: 'NSE',
      ordertype: 'MARKET',
      producttype: 'DELIVERY',
      duration: 'DAY',
      price: '0',
      quantity: '1',
      ...fields,
    });
    expect(placed.status).toBe(true);
    await waitFor(
      () => {
        const order = sim.orders.get(placed.data.orderid);
        if (order?.status === 'rejected') throw new Error(`order rejected: ${order.text}`);
        return order?.status === 'complete';
      },
      5_000,
      `order ${placed.data.orderid} to fill`,
    );
  };

  /** A session lives until 00:00 IST: each simulated day starts with a login. */
  const login = async () => {
    jwt = '';
    const answer = await call<{ jwtToken: string }>('/rest/auth/angelbroking/user/v1/loginByPassword', {
      clientcode: TRADER.clientcode,
      password: TRADER.pin,
      totp: await generate({ secret: TRADER.totpSecret }),
    });
    jwt = answer.data.jwtToken;
  };

  beforeAll(async () => {
    sim = await createSmartApiSim({
      clock,
      accounts: [TRADER],
      rateLimits: false,
      instruments: { [SBIN]: { pricePaise: 800_00 }, [NIFTY_FUT]: { pricePaise: 22_000_00, lotSize: 75 } },
    });
    await login();
  });
  afterAll(async () => {
    await sim?.close();
  });

  it('answers getHolding with nothing before any holding, as the books do', async () => {
    expect(await call(`${PORTFOLIO}/getHolding`)).toMatchObject({ status: true, data: null });
  });

  it("moves Monday's DELIVERY buys to Tuesday's holdings and carries the rest forward", async () => {
    await buyOrSell({ quantity: '10' });
    await buyOrSell({
      quantity: '75',
      symboltoken: NIFTY_FUT,
      tradingsymbol: 'NIFTY26JANFUT',
      exchange: 'NFO',
      producttype: 'CARRYFORWARD',
    });
    sim.holdings.add({ clientcode: TRADER.clientcode, token: RELIANCE, symbol: 'RELIANCE-EQ', quantity: 3, averagePaise: 2500_00 });

    const monday = await call<Record<string, string>[]>(`${ORDER}/getPosition`);
    expect(monday.data.find((p) => p.producttype === 'DELIVERY')).toMatchObject({ buyqty: '10', netqty: '10', cfbuyqty: '0' });
    const mondayHoldings = await call<Record<string, unknown>[]>(`${PORTFOLIO}/getHolding`);
    expect(mondayHoldings.data.map((h) => [h.tradingsymbol, h.quantity])).toEqual([['RELIANCE-EQ', 3]]);

    clock.set(new Date('2026-01-06T10:00:00+05:30'));
    await login();
    sim.market.setPrice(SBIN, 810_00);
    await buyOrSell({ quantity: '4', transactiontype: 'SELL' });

    const holdings = await call<Record<string, unknown>[]>(`${PORTFOLIO}/getHolding`);
    expect(holdings.data).toEqual([
      expect.objectContaining({ tradingsymbol: 'RELIANCE-EQ', symboltoken: RELIANCE, quantity: 3, t1quantity: 0, averageprice: 2500 }),
      expect.objectContaining({
        tradingsymbol: 'SBIN-EQ',
        exchange: 'NSE',
        symboltoken: SBIN,
        product: 'DELIVERY',
        quantity: 10,
        realisedquantity: 10,
        averageprice: 800,
        ltp: 810,
        profitandloss: 100,
      }),
    ]);

    const positions = await call<Record<string, string>[]>(`${ORDER}/getPosition`);
    // Tuesday's sale out of Monday's delivery, and Monday's future carried forward.
    expect(positions.data.find((p) => p.producttype === 'DELIVERY')).toMatchObject({
      buyqty: '0',
      sellqty: '4',
      cfbuyqty: '0',
      netqty: '-4',
      sellavgprice: '810.00',
    });
    expect(positions.data.find((p) => p.producttype === 'CARRYFORWARD')).toMatchObject({
      buyqty: '0',
      cfbuyqty: '75',
      cfbuyavgprice: '22000.00',
      totalbuyavgprice: '22000.00',
      netqty: '75',
    });

    // Tandem reads the two answers as one position per product: 10 held, 4 sold today.
    const read = positionsFromAnswers(positions.data, holdings.data);
    expect(read.map((p) => [p.token, p.productType, p.quantity, p.holdingQuantity, p.averagePrice])).toEqual([
      [NIFTY_FUT, 'CARRYFORWARD', 75, 0, 22_000_00],
      [SBIN, 'DELIVERY', 6, 10, 800_00],
      [RELIANCE, 'DELIVERY', 3, 3, 2500_00],
    ]);
  });
});
