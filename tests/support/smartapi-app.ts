// A trader's own SmartAPI client, standing in for the Angel One app: it places, modifies and
// cancels orders on a master account directly at the simulator, behind Tandem's back.
import { generate } from 'otplib';
import type { SimAccountInput, SimOrder } from '../../sim/smartapi/types.ts';

const ORDER = '/rest/secure/angelbroking/order/v1';
const LOGIN = '/rest/auth/angelbroking/user/v1/loginByPassword';

export interface AppOrder {
  orderid: string;
  uniqueorderid: string;
}

/** SmartAPI answered, and said no. */
class AppRefusal extends Error {}

type BookEntry = Pick<SimOrder, 'ordertag' | 'orderid' | 'uniqueorderid'>;

/** Where the app trades: the simulator's REST root, and its book as the simulator itself shows it (in process, or over /__sim/orders). */
export interface AppVenue {
  url: string;
  orders: { list(clientcode: string): BookEntry[] | Promise<BookEntry[]> };
}

export class AngelApp {
  private jwt: string | null = null;
  /** One login at a time: orders placed together that find the session gone share it. */
  private loggingIn: Promise<string> | null = null;
  /** placeOrder calls whose answer never came or said nothing (a 5xx, a timeout, a cut connection). */
  lostAnswers = 0;

  constructor(
    private readonly sim: AppVenue,
    private readonly account: SimAccountInput,
  ) {}

  /** Places an order; with `lostAnswer`, the simulator is expected to drop the answer and the order is found by its tag. */
  async place(fields: Record<string, string>, options: { lostAnswer?: boolean } = {}): Promise<AppOrder> {
    const body = orderBody(fields);
    if (options.lostAnswer) {
      await this.call(`${ORDER}/placeOrder`, body, 500).catch(() => undefined);
      const order = await this.byTag(fields.ordertag);
      if (!order) throw new Error(`no order tagged ${fields.ordertag} at the simulator`);
      return order;
    }
    return (await this.call(`${ORDER}/placeOrder`, body)) as AppOrder;
  }

  /**
   * Places an order as a careful trader does while the broker misbehaves: an answer that never
   * comes (or says nothing) is looked up by the order's tag before the order is sent again.
   * `timeoutMs` must outlast any delay before the broker acts, or the look-up comes too early.
   */
  async placeCarefully(fields: Record<string, string> & { ordertag: string }, timeoutMs = 10_000): Promise<AppOrder> {
    const giveUpAt = Date.now() + 3 * timeoutMs;
    for (;;) {
      try {
        return (await this.call(`${ORDER}/placeOrder`, orderBody(fields), timeoutMs)) as AppOrder;
      } catch (error) {
        if (error instanceof AppRefusal) throw error;
        this.lostAnswers += 1;
        const found = await this.byTag(fields.ordertag);
        if (found) return found;
        if (Date.now() > giveUpAt) throw error;
        await new Promise((resolve) => setTimeout(resolve, 1_000));
      }
    }
  }

  private async byTag(ordertag: string | undefined): Promise<AppOrder | undefined> {
    const order = (await this.sim.orders.list(this.account.clientcode)).find((o) => o.ordertag === ordertag);
    return order && { orderid: order.orderid, uniqueorderid: order.uniqueorderid };
  }

  async modify(orderid: string, fields: Record<string, string>): Promise<void> {
    await this.call(`${ORDER}/modifyOrder`, { variety: 'NORMAL', orderid, duration: 'DAY', ...fields });
  }

  async cancel(orderid: string): Promise<void> {
    await this.call(`${ORDER}/cancelOrder`, { variety: 'NORMAL', orderid });
  }

  private async call(path: string, body: unknown, timeoutMs = 10_000): Promise<unknown> {
    for (let attempt = 0; attempt < 10; attempt += 1) {
      const jwt = this.jwt ?? (await this.loginOnce());
      const json = await this.post(path, body, jwt, timeoutMs);
      if (json === 'limited') {
        await new Promise((resolve) => setTimeout(resolve, 1100));
        continue;
      }
      if (json.errorCode === 'AG8001') {
        if (this.jwt === jwt) this.jwt = null;
        continue;
      }
      if (json.status !== true) throw new AppRefusal(`${path} refused: ${JSON.stringify(json)}`);
      return json.data;
    }
    throw new Error(`${path} kept failing`);
  }

  private loginOnce(): Promise<string> {
    if (!this.loggingIn) {
      this.loggingIn = this.login().finally(() => {
        this.loggingIn = null;
      });
    }
    return this.loggingIn;
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

/** A SmartAPI placeOrder body: 1 SBIN-EQ at market, intraday, `fields` changing any of it. */
export function orderBody(fields: Record<string, string> = {}): Record<string, string> {
  return {
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
}
