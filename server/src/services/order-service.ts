import { randomUUID } from 'node:crypto';
import { LockMode, type EntityManager } from '@mikro-orm/core';
import type { Viewer } from '../auth/viewer.ts';
import { BrokerCallError, type BrokerOrder } from '../brokers/port.ts';
import { DomainError, badInput, badInputs, notFound, parseId } from '../core/errors.ts';
import { orderBoundsFrom } from '../core/order-bounds.ts';
import { rupeesToPaise, validateOrderRequest } from '../core/order-rules.ts';
import { TERMINAL_STATUSES, type OrderEventKind, type OrderType, type ProductType, type Side, type Variety } from '../core/types.ts';
import type { Account } from '../persistence/entities/account.entity.ts';
import { isConnectionLoss } from '../persistence/connection-loss.ts';
import { Order } from '../persistence/entities/order.entity.ts';
import { accountFor } from './access.ts';
import type { AppServices } from './container.ts';
import { isGlobalKillSwitchEngaged } from '../persistence/repositories/settings.repository.ts';
import { foldBrokerUpdate } from '../replicator/fold-update.ts';
import type { OrderSender } from '../replicator/order-sender.ts';
import { nextOrderTag } from '../persistence/repositories/sequences.ts';
import { SquareOffService } from './square-off.ts';

export interface PlaceOrderInput {
  accountId: string;
  exchange: string;
  symbol: string;
  side: Side;
  quantity: number;
  orderType: OrderType;
  productType: ProductType;
  variety?: Variety | null;
  price?: number | null;
  triggerPrice?: number | null;
}

export interface ModifyOrderInput {
  quantity?: number | null;
  price?: number | null;
  triggerPrice?: number | null;
  orderType?: OrderType | null;
}

/** How long a client placing an order waits for a lost database connection to come back before it is told. */
const CLIENT_PATIENCE_MS = 5_000;

function paiseOrProblem(value: number | null | undefined, field: string, problems: { field: string; message: string }[]): number | null {
  if (value === null || value === undefined) return null;
  const paise = rupeesToPaise(value);
  if (!Number.isFinite(paise)) problems.push({ field, message: `${field} must be in rupees with at most 2 decimals` });
  return Number.isFinite(paise) ? paise : null;
}

/** Places, modifies and cancels orders on one account, and folds broker updates into order rows. */
export class OrderService {
  /** Closes accounts' positions, sending its orders the way placeOrder sends (sendRecorded). */
  readonly squareOffs: SquareOffService;

  constructor(
    private readonly services: AppServices,
    readonly installId: string,
    private readonly sender: OrderSender,
  ) {
    this.squareOffs = new SquareOffService(services, { installId, send: (order, account) => this.sendRecorded(order, account) });
  }

  async placeOrder(viewer: Viewer, input: PlaceOrderInput): Promise<Order> {
    const em = this.services.orm.em.fork();
    const account = await this.services.database.whileUnreachable(
      'reading the account of an order',
      () => accountFor(em, viewer, input.accountId, 'input.accountId', 'trade'),
      CLIENT_PATIENCE_MS,
    );
    const instrument = this.services.instruments.find(input.exchange, input.symbol);
    if (!instrument)
      throw badInput('input.symbol', `unknown symbol ${input.symbol} on ${input.exchange}; use the broker's spelling, e.g. SBIN-EQ`);
    const problems: { field: string; message: string }[] = [];
    const price = paiseOrProblem(input.price, 'price', problems);
    const triggerPrice = paiseOrProblem(input.triggerPrice, 'triggerPrice', problems);
    const variety = input.variety ?? (input.orderType.startsWith('STOPLOSS') ? 'STOPLOSS' : 'NORMAL');
    const request = {
      side: input.side,
      quantity: input.quantity,
      orderType: input.orderType,
      productType: input.productType,
      variety,
      price,
      triggerPrice,
    };
    problems.push(...validateOrderRequest(request, instrument, this.limits(account, instrument)));
    if (problems.length > 0) throw badInputs(problems.map((p) => ({ field: `input.${p.field}`, message: p.message })));
    await this.services.database.whileUnreachable(
      'checking the kill switches',
      () => this.refuseWhenHalted(em, account),
      CLIENT_PATIENCE_MS,
    );

    // Its id is known before the commit, so an order whose commit answer was lost can be found again.
    const id = randomUUID();
    // Retried while the connection is lost: an attempt whose commit answer was lost left its row, found by id.
    const record = () =>
      this.services.journal.record(async (tx, emit) => {
        const row = tx.create(Order, {
          id,
          accountId: account.id,
          exchange: instrument.exchange,
          symbol: instrument.symbol,
          token: instrument.token,
          ...request,
          status: 'PENDING',
          origin: 'api',
          placedByUserId: viewer.userId,
          orderTag: await nextOrderTag(tx, this.installId),
          detectedAt: this.services.clock.now(),
          createdAt: this.services.clock.now(),
          updatedAt: this.services.clock.now(),
        });
        emit(row, 'CREATED');
        return row;
      });
    const order = await this.services.database
      .whileUnreachable(
        'recording a placed order',
        async (attempt) => (attempt > 0 ? await this.services.orm.em.fork().findOne(Order, { id }) : null) ?? record(),
        CLIENT_PATIENCE_MS,
      )
      .catch((error: unknown) => {
        if (!isConnectionLoss(error)) throw error;
        this.failWhenReachable(id, 'not sent: the database connection was lost while the order was being recorded');
        throw new DomainError(
          'DATABASE_UNAVAILABLE',
          'not placed: the database connection was lost while the order was being recorded; nothing was sent to the broker; place it again',
        );
      });
    try {
      await this.sender.send(order, account);
    } catch (error) {
      if (!isConnectionLoss(error)) throw error;
      this.failWhenReachable(order.id, 'not sent: the database connection was lost before the order went to the broker');
      throw new DomainError(
        'DATABASE_UNAVAILABLE',
        `the database connection was lost while order ${order.orderTag} was being sent: if it reached the broker, Tandem looks it up by its tag once the database answers; if not, it is marked FAILED. Check the order before placing it again`,
        undefined,
        { orderId: order.id, orderTag: order.orderTag },
      );
    }
    return this.services.database
      .whileUnreachable(
        'reading a placed order',
        async () => (await this.services.orm.em.fork().findOne(Order, { id: order.id })) ?? order,
        CLIENT_PATIENCE_MS,
      )
      .catch(() => order);
  }

  /**
   * Sends an order already recorded PENDING (a square-off's) as placeOrder sends its own: one a
   * lost connection leaves unsent is failed with the reason once the database answers, so it
   * never counts as on its way forever.
   */
  async sendRecorded(order: Order, account: Account): Promise<void> {
    try {
      await this.sender.send(order, account);
    } catch (error) {
      if (!isConnectionLoss(error)) throw error;
      this.failWhenReachable(order.id, 'not sent: the database connection was lost before the order went to the broker');
      throw error;
    }
  }

  /**
   * An order placed through the API that a lost connection left unsent (PENDING) is failed with
   * the reason once the database answers, so it never waits forever nor goes out after its
   * client was told it failed. One left SENT is the settle sweep's: it may be at the broker.
   */
  private failWhenReachable(id: string, reason: string): void {
    void this.services.database
      .whileUnreachable('failing an order its lost connection left unsent', () =>
        this.services.journal.record(async (tx, emit) => {
          const row = await tx.findOne(Order, { id, status: 'PENDING' }, { lockMode: LockMode.PESSIMISTIC_WRITE });
          if (!row) return;
          row.status = 'FAILED';
          row.reason = reason;
          emit(row, 'FAILED', { message: reason });
        }),
      )
      .catch((error: unknown) => this.services.log.error({ err: error, orderId: id }, 'failing an unsent order failed'));
  }

  async modifyOrder(viewer: Viewer, id: string, input: ModifyOrderInput): Promise<Order> {
    const { account, order } = await this.orderForTrade(viewer, id);
    const problems: { field: string; message: string }[] = [];
    const price = input.price === undefined ? undefined : paiseOrProblem(input.price, 'price', problems);
    const triggerPrice = input.triggerPrice === undefined ? undefined : paiseOrProblem(input.triggerPrice, 'triggerPrice', problems);
    const instrument = this.services.instruments.find(order.exchange, order.symbol);
    if (!instrument) throw notFound('instrument');
    const next = {
      side: order.side,
      variety: order.variety,
      productType: order.productType,
      quantity: input.quantity ?? order.quantity,
      orderType: input.orderType ?? order.orderType,
      price: price === undefined ? order.price : price,
      triggerPrice: triggerPrice === undefined ? order.triggerPrice : triggerPrice,
    };
    if (next.orderType === 'MARKET') next.price = null;
    problems.push(...validateOrderRequest(next, instrument, this.limits(account, instrument)));
    if (problems.length > 0) throw badInputs(problems.map((p) => ({ field: `input.${p.field}`, message: p.message })));
    if (TERMINAL_STATUSES.has(order.status)) throw badInput('id', `order is ${order.status} and can no longer be modified`);
    if (!order.brokerOrderId) throw badInput('id', 'the broker has not acknowledged this order yet; try again in a moment');
    try {
      await this.sender.inTurn(account, () =>
        this.services.brokers.brokerFor(account).modifyOrder(order.brokerOrderId!, {
          quantity: next.quantity,
          price: next.price,
          triggerPrice: next.triggerPrice,
          orderType: next.orderType,
        }),
      );
    } catch (error) {
      throw brokerError(error);
    }
    return this.update(order.id, 'MODIFIED', (row) => {
      // The broker's own update may have recorded the new terms already: record them once.
      if (
        row.quantity === next.quantity &&
        row.price === next.price &&
        row.triggerPrice === next.triggerPrice &&
        row.orderType === next.orderType
      )
        return false;
      Object.assign(row, { quantity: next.quantity, price: next.price, triggerPrice: next.triggerPrice, orderType: next.orderType });
    });
  }

  async cancelOrder(viewer: Viewer, id: string): Promise<Order> {
    const { account, order } = await this.orderForTrade(viewer, id);
    if (TERMINAL_STATUSES.has(order.status)) throw badInput('id', `order is ${order.status} and can no longer be cancelled`);
    if (!order.brokerOrderId) throw badInput('id', 'the broker has not acknowledged this order yet; try again in a moment');
    try {
      await this.sender.inTurn(account, () => this.services.brokers.brokerFor(account).cancelOrder(order.brokerOrderId!));
    } catch (error) {
      throw brokerError(error);
    }
    return (await this.services.orm.em.fork().findOne(Order, { id: order.id })) ?? order;
  }

  /**
   * Folds brokers' updates into their orders in one transaction, in the order given. An
   * update is matched by broker order id, else by tag on a row not yet acknowledged (it may
   * overtake the placeOrder reply);
   * null marks one Tandem has no row for (a new master order, perhaps).
   */
  async applyBrokerUpdates(items: { accountId: string; update: BrokerOrder }[]): Promise<(Order | null)[]> {
    if (items.length === 0) return [];
    return this.services.journal.record(async (tx, emit, along) => {
      // Read whole and unmanaged: the changed rows are written by the events' statement.
      const rows = await tx.find(
        Order,
        {
          $or: items.map(({ accountId, update }) =>
            update.orderTag
              ? { accountId, $or: [{ brokerOrderId: update.brokerOrderId }, { orderTag: update.orderTag, brokerOrderId: null }] }
              : { accountId, brokerOrderId: update.brokerOrderId },
          ),
        },
        { lockMode: LockMode.PESSIMISTIC_WRITE, disableIdentityMap: true },
      );
      const changed = new Set<Order>();
      const byBrokerId = new Map(rows.filter((r) => r.brokerOrderId).map((r) => [`${r.accountId}|${r.brokerOrderId}`, r]));
      // By tag only a row the broker has not acknowledged yet: a tag a trader reuses at the
      // broker must never fold a new order into an old one (the new master would be missed).
      const byTag = new Map(rows.filter((r) => r.orderTag && !r.brokerOrderId).map((r) => [`${r.accountId}|${r.orderTag}`, r]));
      const now = this.services.clock.now();
      const applied = items.map(({ accountId, update }) => {
        const row =
          byBrokerId.get(`${accountId}|${update.brokerOrderId}`) ??
          (update.orderTag ? byTag.get(`${accountId}|${update.orderTag}`) : undefined);
        if (!row) return null;
        const kind = foldBrokerUpdate(row, update, now);
        if (kind) {
          changed.add(row);
          emit(row, kind);
        }
        byBrokerId.set(`${accountId}|${update.brokerOrderId}`, row);
        return row;
      });
      along.update(Order, [...changed]);
      return applied;
    });
  }

  /** Loads, changes and records one order in a transaction; `change` returning false means nothing to record. */
  private async update(id: string, kind: OrderEventKind, change: (row: Order) => boolean | undefined): Promise<Order> {
    return this.services.journal.record(async (tx, emit) => {
      // FOR UPDATE, waiting: a concurrent change (the placeOrder reply racing the broker's update)
      // must be applied after it, never skipped (4 would be PESSIMISTIC_PARTIAL_WRITE = SKIP LOCKED).
      const row = await tx.findOneOrFail(Order, { id }, { lockMode: LockMode.PESSIMISTIC_WRITE });
      if (change(row) === false) return row;
      row.updatedAt = this.services.clock.now();
      emit(row, kind);
      return row;
    });
  }

  private async orderForTrade(viewer: Viewer, rawId: string): Promise<{ account: Account; order: Order }> {
    const em = this.services.orm.em.fork();
    const order = await em.findOne(Order, { id: parseId(rawId, 'id') });
    if (!order) throw notFound('order', 'id');
    const account = await accountFor(em, viewer, order.accountId, 'id', 'trade').catch((error: unknown) => {
      throw error instanceof DomainError && error.code === 'NOT_FOUND' ? notFound('order', 'id') : error;
    });
    return { account, order };
  }

  /** The largest order Tandem places; a MARKET order is valued at its broker's price (brokers/prices.ts), as copies are. */
  private limits(account: Pick<Account, 'broker'>, instrument: { exchange: string; token: string }) {
    const referencePrice = this.services.brokers.prices(account.broker).lastPrice(instrument.exchange, instrument.token);
    return { bounds: orderBoundsFrom(this.services.config), referencePrice };
  }

  private async refuseWhenHalted(em: EntityManager, account: Account): Promise<void> {
    if (account.killSwitch) throw new DomainError('KILL_SWITCH', `kill switch engaged on ${account.label}; no new orders are placed`);
    if (await isGlobalKillSwitchEngaged(em)) throw new DomainError('KILL_SWITCH', 'global kill switch engaged; no new orders are placed');
  }
}

function brokerError(error: unknown): DomainError {
  if (error instanceof BrokerCallError) {
    return new DomainError(error.outcome === 'rate_limited' ? 'RATE_LIMITED' : 'BROKER_ERROR', error.message);
  }
  return new DomainError('BROKER_ERROR', error instanceof Error ? error.message : String(error));
}
