// A trader's own SmartAPI client, standing in for the Angel One app: it places, modifies and
// cancels orders on a master account directly at the simulator, behind Tandem's back.
import { generate } from 'otplib';
import type { SmartApiSim } from '../../sim/smartapi/index.ts';
import type { SimAccountInput } from '../../sim/smartapi/types.ts';

const ORDER = '/rest/secure/angelbroking/order/v1';
const LOGIN = '/rest/auth/angelbroking/user/v1/loginByPassword';

export interface AppOrder {
  orderid: string;
  uniqueorderid: string;
}

export class AngelApp {
  private jwt: string | null = null;

  constructor(
    private readonly sim: SmartApiSim,
    private readonly account: SimAccountInput,
  ) {}

  /** Places an order; with `lostAnswer`, the simulator is expected to drop the answer and the order is found by its tag. */
  async place(fields: Record<string, string>, options: { lostAnswer?: boolean } = {}): Promise<AppOrder> {
    const body = {
      variety: 'NORMAL',
      tradingsymbol: 'SBIN-EQ',
      symboltoken: '3045',
      transactiontype: 'BUY',
      exchange: 'NSE',
      ordertype: 'MARKET',
      producttype: 'INTRADAY',
      duration: 'DAY',
      price: '0',
      quantity: '1',
      ...fields,
    };
    if (options.lostAnswer) {
      await this.call(`${ORDER}/placeOrder`, body, 500).catch(() => undefined);
      const order = this.sim.orders.list(this.account.clientcode).find((o) => o.ordertag === fields.ordertag);
      if (!order) throw new Error(`no order tagged ${fields.ordertag} at the simulator`);
      return { orderid: order.orderid, uniqueorderid: order.uniqueorderid };
    }
    return (await this.call(`${ORDER}/placeOrder`, body)) as AppOrder;
  }

  async modify(orderid: string, fields: Record<string, string>): Promise<void> {
    await this.call(`${ORDER}/modifyOrder`, { variety: 'NORMAL', orderid, duration: 'DAY', ...fields });
  }

  async cancel(orderid: string): Promise<void> {
    await this.call(`${ORDER}/cancelOrder`, { variety: 'NORMAL', orderid });
  }

  private async call(path: string, body: unknown, timeoutMs = 10_000): Promise<unknown> {
    for (let attempt = 0; attempt < 10; attempt += 1) {
      const jwt = this.jwt ?? (await this.login());
      const json = await this.post(path, body, jwt, timeoutMs);
      if (json === 'limited') {
        await new Promise((resolve) => setTimeout(resolve, 1100));
        continue;
      }
      if (json.errorCode === 'AG8001') {
        this.jwt = null;
        continue;
      }
      if (json.status !== true) throw new Error(`${path} refused: ${JSON.stringify(json)}`);
      return json.data;
    }
    throw new Error(`${path} kept failing`);
  }

  private async login(): Promise<string> {
    for (let attempt = 0; attempt < 10; attempt += 1) {
      const totp = await generate({ secret: this.account.totpSecret });
      const json = await this.post(LOGIN, { clientcode: this.account.clientcode, password: this.account.pin, totp }, null, 10_000);
      if (json !== 'limited' && json.status === true) {
        this.jwt = (json.data as { jwtToken: string }).jwtToken;
        return this.jwt;
      }
      await new Promise((resolve) => setTimeout(resolve, 1100));
    }
    throw new Error(`could not log ${this.account.clientcode} in`);
  }

  private async post(path: string, body: unknown, jwt: string | null, timeoutMs: number): Promise<Record<string, unknown> | 'limited'> {
    const response = await fetch(`${this.sim.url}${path}`, {
      method: 'POST',
      headers: {
        'Content-Type': 'application/json',
        Accept: 'application/json',
        'X-UserType': 'USER',
        'X-SourceID': 'WEB',
        'X-ClientLocalIP': '127.0.0.1',
        'X-ClientPublicIP': '127.0.0.1',
        'X-MACAddress': '00:00:00:00:00:00',
        'X-PrivateKey': this.account.apiKey ?? 'key',
        ...(jwt ? { Authorization: `Bearer ${jwt}` } : {}),
      },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(timeoutMs),
    });
    if (response.status === 403) return 'limited';
    return (await response.json()) as Record<string, unknown>;
  }
}
