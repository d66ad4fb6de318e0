import type { Logger } from 'pino';
import type { Clock } from '../../core/clock.ts';
import type { RateLimiter } from '../../rate-limit/limiter.ts';
import {
  BrokerCallError,
  type Broker,
  type BrokerAck,
  type BrokerOrder,
  type BrokerOrderChanges,
  type BrokerOrderRequest,
  type BrokerPosition,
  type OrderUpdateFeed,
  type OrderUpdateListener,
} from '../port.ts';
import { SmartApiAuthClient } from './auth-client.ts';
import { ConnectionStatusTracker, type StatusReport } from './connection-status.ts';
import { scheduleDailyLogin } from './daily-login.ts';
import { OrderBookPoll } from './order-book-poll.ts';
import { brokerOrderFromRow, cancelOrderBody, modifyOrderBody, placeOrderBody } from './order-mapping.ts';
import { OrderUpdateSocket } from './order-socket.ts';
import { isKnownStatus } from './order-status.ts';
import { positionsFromAnswers } from './position-mapping.ts';
import { NoSessionError, SmartApiRest, type Endpoint } from './rest-client.ts';
import type { SdkAnswer, SmartApiSdk } from './sdk.ts';
import { SmartApiSession, type SmartApiCredentials } from './session.ts';
import type { SessionStore } from './session-store.ts';
import { UpdateFilter } from './update-filter.ts';

export interface SmartApiBrokerOptions {
  clientCode: string;
  rootUrl: string;
  orderWsUrl: string;
  clock: Clock;
  log: Logger;
  credentials: () => Promise<SmartApiCredentials>;
  /** Every change of the account's connection status, in order; resolves when it is recorded. */
  reportStatus: (report: StatusReport) => Promise<void>;
  /** Sessions shared with other brokers of the client code (other instances, through Redis); by default this broker's own. */
  sessionStore?: SessionStore;
  /** Where the order-book reads and the logins take their turn: shared with other instances through Redis, or this process's. */
  limiter: RateLimiter;
}

/** A REST call unanswered for this long has an unknown outcome (the SDK's own default). */
const CALL_TIMEOUT_MS = 7_000;

/** Angel's codes for an empty list (AB1016 "Position not found", AB1015 "Holding not found"): nothing held, not a failure. */
const NOTHING_HELD_CODES: ReadonlySet<string> = new Set(['AB1016', 'AB1015']);

/**
 * One Angel One account behind the Broker port: REST through smartapi-javascript, order
 * updates from its WebSocket and from an order-book poll that catches what the socket missed,
 * each change reported once. follow() starts the socket, the poll and the daily login.
 */
export class SmartApiBroker implements Broker, OrderUpdateFeed {
  readonly clientCode: string;
  private readonly session: SmartApiSession;
  private readonly rest: SmartApiRest;
  private readonly socket: OrderUpdateSocket;
  private readonly poll: OrderBookPoll;
  private readonly filter = new UpdateFilter();
  private readonly status: ConnectionStatusTracker;
  private readonly listeners = new Set<OrderUpdateListener>();
  private stopDailyLogin: (() => void) | null = null;

  constructor(private readonly options: SmartApiBrokerOptions) {
    const { clientCode, clock, log } = options;
    this.clientCode = clientCode;
    this.status = new ConnectionStatusTracker(options.reportStatus);
    this.session = new SmartApiSession({
      clientCode,
      clock,
      log,
      credentials: options.credentials,
      store: options.sessionStore,
      limiter: options.limiter,
      auth: new SmartApiAuthClient(options.rootUrl, CALL_TIMEOUT_MS),
      onEvent: (event) => this.status.onSession(event),
    });
    this.rest = new SmartApiRest({
      clientCode,
      root: options.rootUrl,
      timeoutMs: CALL_TIMEOUT_MS,
      session: this.session,
      log,
      limiter: options.limiter,
    });
    this.poll = new OrderBookPoll({
      clientCode,
      log,
      fetchBook: () => this.fetchBook(),
      onBook: (orders, requestedAt) => this.emit(this.filter.fromBook(orders, requestedAt)),
    });
    this.socket = new OrderUpdateSocket({
      url: options.orderWsUrl,
      clientCode,
      session: this.session,
      log,
      onOrderData: (row, receivedAt) => {
        const order = brokerOrderFromRow(row, clock.now());
        if (order && this.filter.fromSocket(order, receivedAt)) this.emit([order]);
      },
      onState: (state) => this.status.onSocket(state),
    });
  }

  /** Logs in afresh now and answers what the broker said, as the account's status. */
  async connect(): Promise<StatusReport> {
    // A refused or failed login is the answer here: the status below carries it.
    await this.session.login('connect').catch(() => undefined);
    await this.status.settled();
    return this.status.current();
  }

  /** Order socket, order-book poll and the daily login, until stop(). Logs in when needed. */
  follow(): void {
    if (this.stopDailyLogin) return;
    this.status.setReporting(true);
    this.stopDailyLogin = scheduleDailyLogin(this.options.clock, () => this.dailyLogin());
    this.socket.start();
    this.poll.start();
  }

  async stop(): Promise<void> {
    this.status.setReporting(false);
    this.stopDailyLogin?.();
    this.stopDailyLogin = null;
    this.socket.stop();
    await this.poll.stop();
    this.session.close();
  }

  async placeOrder(request: BrokerOrderRequest): Promise<BrokerAck> {
    const body = placeOrderBody(request);
    const place = async () =>
      ackOf(await this.rest.call('placeOrder', 'orders', (sdk) => sdk.placeOrder(body), { againAfterLogin: false }));
    try {
      return await place();
    } catch (error) {
      // Without a session the order never went out: it fails with the reason, nothing to look up.
      if (error instanceof NoSessionError || !(error instanceof BrokerCallError) || error.outcome !== 'session' || !request.orderTag)
        throw error;
    }
    // SmartAPI answered that the session had ended, and Tandem logged in again. SmartAPI's
    // advice: look the order up by its tag before placing it again, never resend blindly.
    let found: BrokerOrder | null;
    try {
      found = await this.findOrderByTag(request.orderTag);
    } catch (error) {
      throw new BrokerCallError(
        'unknown',
        `the session ended during placeOrder and the order book could not be read (${messageOf(error)})`,
      );
    }
    if (found) return { brokerOrderId: found.brokerOrderId };
    return place();
  }

  async modifyOrder(brokerOrderId: string, changes: BrokerOrderChanges): Promise<void> {
    const body = modifyOrderBody(await this.known(brokerOrderId), changes);
    await this.rest.call('modifyOrder', 'orders', (sdk) => sdk.modifyOrder(body), { againAfterLogin: true });
  }

  async cancelOrder(brokerOrderId: string): Promise<void> {
    const body = cancelOrderBody(brokerOrderId, (await this.known(brokerOrderId)).orderType);
    await this.rest.call('cancelOrder', 'orders', (sdk) => sdk.cancelOrder(body), { againAfterLogin: true });
  }

  orderBook(): Promise<BrokerOrder[]> {
    return this.poll.read();
  }

  async findOrderByTag(orderTag: string): Promise<BrokerOrder | null> {
    return (await this.poll.read()).find((order) => order.orderTag === orderTag) ?? null;
  }

  /** getPosition (the day's and carried-forward positions) and getHolding (delivery holdings), added up. */
  async positions(): Promise<BrokerPosition[]> {
    const [positionData, holdingData] = await Promise.all([
      this.readList('getPosition', 'positions', (sdk) => sdk.getPosition()),
      this.readList('getHolding', 'holdings', (sdk) => sdk.getHolding()),
    ]);
    return positionsFromAnswers(positionData, holdingData);
  }

  onOrderUpdate(listener: OrderUpdateListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private async dailyLogin(): Promise<void> {
    try {
      await this.session.login('daily login before the session opens');
    } finally {
      const { status, reason } = this.status.current();
      const log = status === 'CONNECTED' ? this.options.log.info.bind(this.options.log) : this.options.log.error.bind(this.options.log);
      log({ clientCode: this.clientCode, status, reason }, 'SmartAPI daily login');
    }
  }

  /** An order's full terms (modify and cancel need them): as last seen, else from the book. */
  private async known(brokerOrderId: string): Promise<BrokerOrder> {
    const order = this.filter.latest(brokerOrderId) ?? (await this.poll.read()).find((o) => o.brokerOrderId === brokerOrderId);
    if (!order) throw new BrokerCallError('rejected', `order ${brokerOrderId} is not in ${this.clientCode}'s SmartAPI order book today`);
    return order;
  }

  private async fetchBook(): Promise<BrokerOrder[]> {
    const data = await this.rest.call('getOrderBook', 'orderBook', (sdk) => sdk.getOrderBook(), { againAfterLogin: true });
    const now = this.options.clock.now();
    const rows = Array.isArray(data) ? data : [];
    return rows.flatMap((row) => {
      const order = row !== null && typeof row === 'object' ? brokerOrderFromRow(row as Record<string, unknown>, now) : null;
      return order ? [order] : [];
    });
  }

  private async readList(name: string, endpoint: Endpoint, invoke: (sdk: SmartApiSdk) => Promise<SdkAnswer>): Promise<unknown> {
    try {
      return await this.rest.call(name, endpoint, invoke, { againAfterLogin: true });
    } catch (error) {
      if (error instanceof BrokerCallError && error.outcome === 'rejected' && NOTHING_HELD_CODES.has(error.brokerCode ?? '')) return null;
      throw error;
    }
  }

  private emit(orders: BrokerOrder[]): void {
    for (const order of orders) {
      if (!isKnownStatus(order.brokerStatus)) {
        this.options.log.warn(
          { clientCode: this.clientCode, brokerOrderId: order.brokerOrderId, brokerStatus: order.brokerStatus },
          'unknown SmartAPI order status; the order keeps its previous one',
        );
      }
      for (const listener of this.listeners) {
        try {
          listener(this.clientCode, order);
        } catch (error) {
          this.options.log.error(
            { err: error, clientCode: this.clientCode, brokerOrderId: order.brokerOrderId },
            'an order-update listener failed',
          );
        }
      }
    }
  }
}

function ackOf(data: unknown): BrokerAck {
  const orderId = data !== null && typeof data === 'object' ? (data as Record<string, unknown>).orderid : undefined;
  if (typeof orderId === 'string' && orderId) return { brokerOrderId: orderId };
  if (typeof orderId === 'number') return { brokerOrderId: String(orderId) };
  // Seen live: status true with data null (docs/smartapi.md §3.1). Accepted, perhaps; its tag tells.
  throw new BrokerCallError('unknown', 'SmartAPI answered placeOrder SUCCESS without an order id');
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
