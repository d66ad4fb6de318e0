import { setTimeout as sleep } from 'node:timers/promises';
import type { EntityManager } from '@mikro-orm/core';
import type { Logger } from 'pino';
import { istTimeOn, type Clock } from '../../core/clock.ts';
import { isMarketOpen, nextSessionOpen, type MarketHoursMode } from '../../core/market-session.ts';
import { acceptOnPlacement, matchOrder, releaseAmo, type PaperOrderStatus, type PlacementDecision } from '../../core/paper/matching.ts';
import { createPriceWalk, type PriceBand, type PriceWalk } from '../../core/paper/price-walk.ts';
import { netPositions } from '../../core/position-figures.ts';
import type { InstrumentCatalog } from '../../instruments/catalog.ts';
import type { Orm } from '../../persistence/db.ts';
import { nextPaperOrderNumbers } from '../../persistence/repositories/sequences.ts';
import { PaperOrder } from '../../persistence/entities/paper-order.entity.ts';
import {
  BrokerCallError,
  type BrokerAck,
  type BrokerOrder,
  type BrokerOrderChanges,
  type BrokerOrderRequest,
  type BrokerPosition,
  type OrderUpdateFeed,
  type OrderUpdateListener,
  type PriceSource,
} from '../port.ts';
import { withReferencePrices } from '../prices.ts';
import { MicroBatcher } from '../../concurrency/micro-batch.ts';
import { bulkInsert } from '../../persistence/bulk-write.ts';
import { paperOrderStatus } from './order-status.ts';
import { PaperBroker } from './paper-broker.ts';

export interface PaperExchangeOptions {
  orm: Orm;
  clock: Clock;
  instruments: InstrumentCatalog;
  log: Logger;
  latencyMs: number;
  marketHours: MarketHoursMode;
  seed: number;
  amoDelayMs: number;
  tickMs: number;
}

const RESTING: PaperOrderStatus[] = ['open', 'trigger pending', 'amo queued'];

export function toBrokerOrder(row: PaperOrder): BrokerOrder {
  return {
    brokerOrderId: row.brokerOrderId,
    orderTag: row.orderTag,
    exchange: row.exchange,
    symbol: row.symbol,
    token: row.token,
    side: row.side,
    quantity: row.quantity,
    filledQuantity: row.filledQuantity,
    averagePrice: row.averagePrice,
    orderType: row.orderType,
    productType: row.productType,
    variety: row.variety,
    price: row.price,
    triggerPrice: row.triggerPrice,
    status: paperOrderStatus(row.status),
    brokerStatus: row.status,
    statusMessage: row.statusMessage,
    placedAt: row.createdAt,
    updatedAt: row.updatedAt,
  };
}

/**
 * The built-in exchange: prices from a seeded random walk, its order book in the database
 * (so it survives restarts and is shared by processes). Each process's exchange reports the
 * changes it makes, for every paper account, through onOrderUpdate (the port's feed), and
 * its prices through lastPrice. State changes are conditional updates on the old status,
 * so two processes matching the same book never fill an order twice.
 */
export class PaperExchange implements OrderUpdateFeed, PriceSource {
  private readonly walk: PriceWalk;
  /** What positions are valued at: the walk, else the instrument's reference price. */
  private readonly prices: PriceSource;
  private readonly listeners = new Set<OrderUpdateListener>();
  private timer: NodeJS.Timeout | null = null;
  private sweeping: Promise<void> | null = null;
  private readonly placements = new MicroBatcher<{ clientCode: string; request: BrokerOrderRequest }, BrokerAck | { error: unknown }>(
    (items) => this.placeBatch(items),
  );

  constructor(private readonly options: PaperExchangeOptions) {
    const instruments = options.instruments.all().filter((i) => i.referencePrice !== null && i.referencePrice > 0);
    this.walk = createPriceWalk({
      seed: options.seed,
      referencePrices: new Map(instruments.map((i) => [i.token, i.referencePrice as number])),
      tickSizes: new Map(instruments.map((i) => [i.token, i.tickSize])),
    });
    this.prices = withReferencePrices(options.instruments, this);
  }

  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => {
      this.walk.step();
      void this.sweep();
    }, this.options.tickMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.sweeping;
  }

  broker(clientCode: string): PaperBroker {
    return new PaperBroker(clientCode, this);
  }

  onOrderUpdate(listener: OrderUpdateListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** The walk prices the instruments shipped with a reference price, by token alone: theirs do not repeat across exchanges. */
  lastPrice(_exchange: string, token: string): number | null {
    return this.walk.price(token) ?? null;
  }

  /** Puts a price where a test or a demo needs it, then lets resting orders react. */
  async setPrice(token: string, paise: number): Promise<void> {
    this.walk.setPrice(token, paise);
    await this.sweep();
  }

  async place(clientCode: string, request: BrokerOrderRequest): Promise<BrokerAck> {
    await this.roundTrip();
    const result = await this.placements.submit({ clientCode, request });
    if ('error' in result) throw result.error;
    return result;
  }

  /**
   * Orders arriving together are written together: one id range, one insert. A marketable
   * order fills at placement (the book is in the same write), and listeners still hear
   * 'open' before 'complete', as from a real exchange.
   */
  private async placeBatch(items: { clientCode: string; request: BrokerOrderRequest }[]): Promise<(BrokerAck | { error: unknown })[]> {
    const em = this.options.orm.em.fork();
    const now = this.options.clock.now();
    const open = isMarketOpen(now, this.options.marketHours);
    const ids = await this.nextOrderIds(em, now, items.length);
    const placed: { opened: BrokerOrder; row: PaperOrder }[] = [];
    const results = items.map(({ clientCode, request }, index): BrokerAck | { error: unknown } => {
      let market: { last: number; band: PriceBand };
      try {
        market = this.market(request.token);
      } catch (error) {
        return { error };
      }
      const decision = acceptOnPlacement(request, market.last, market.band, open, request.variety, this.options.marketHours);
      const row = Object.assign(new PaperOrder(), {
        brokerOrderId: ids[index]!,
        clientCode,
        exchange: request.exchange,
        symbol: request.symbol,
        token: request.token,
        side: request.side,
        quantity: request.quantity,
        filledQuantity: 0,
        orderType: request.orderType,
        productType: request.productType,
        variety: request.variety,
        price: request.price,
        triggerPrice: request.triggerPrice,
        orderTag: request.orderTag,
        status: decision.kind === 'accept' ? decision.status : 'rejected',
        statusMessage: decision.kind === 'reject' ? decision.reason : null,
        releaseAt: decision.kind === 'accept' && decision.status === 'amo queued' ? this.releaseTime(now) : null,
        createdAt: now,
        updatedAt: now,
      });
      const opened = toBrokerOrder(row);
      if (row.status === 'open') {
        const match = matchOrder({ ...row, status: 'open' }, market.last, market.band);
        if (match.kind === 'fill') Object.assign(row, { status: 'complete', filledQuantity: match.quantity, averagePrice: match.price });
      }
      placed.push({ opened, row });
      return { brokerOrderId: row.brokerOrderId };
    });
    await bulkInsert(
      em,
      PaperOrder,
      placed.map((p) => p.row),
    );
    // Like a real broker: the reply carries the id, the order's fate follows as updates.
    setImmediate(() => {
      for (const { opened, row } of placed) {
        if (row.status === 'complete') this.emitState(row.clientCode, opened);
        this.emit(row);
      }
    });
    return results;
  }

  async modify(clientCode: string, brokerOrderId: string, changes: BrokerOrderChanges): Promise<void> {
    await this.roundTrip();
    const em = this.options.orm.em.fork();
    const row = await this.ownOrder(em, clientCode, brokerOrderId);
    if (!RESTING.includes(row.status as PaperOrderStatus)) {
      throw new BrokerCallError('rejected', `Order ${brokerOrderId} is ${row.status} and can no longer be modified`);
    }
    if (changes.quantity !== undefined) {
      if (changes.quantity <= row.filledQuantity)
        throw new BrokerCallError('rejected', `Quantity must be above the ${row.filledQuantity} already filled`);
      row.quantity = changes.quantity;
    }
    if (changes.price !== undefined) row.price = changes.price;
    if (changes.triggerPrice !== undefined) row.triggerPrice = changes.triggerPrice;
    if (changes.orderType !== undefined) row.orderType = changes.orderType;
    const { last, band } = this.market(row.token);
    const check: PlacementDecision = row.status === 'amo queued' ? { kind: 'accept', status: 'amo queued' } : releaseAmo(row, last, band);
    if (check.kind === 'reject') throw new BrokerCallError('rejected', check.reason);
    const previousStatus = row.status;
    row.status = check.status;
    row.updatedAt = this.options.clock.now();
    const changed = await em.nativeUpdate(
      PaperOrder,
      { brokerOrderId, status: previousStatus },
      {
        quantity: row.quantity,
        price: row.price,
        triggerPrice: row.triggerPrice,
        orderType: row.orderType,
        status: row.status,
        updatedAt: row.updatedAt,
      },
    );
    if (changed === 0)
      throw new BrokerCallError('rejected', `Order ${brokerOrderId} changed while it was being modified; look it up and try again`);
    setImmediate(() => {
      this.emit(row);
      if (row.status === 'open') void this.matchOne(brokerOrderId).catch((error) => this.logError(error, brokerOrderId));
    });
  }

  async cancel(clientCode: string, brokerOrderId: string): Promise<void> {
    await this.roundTrip();
    const em = this.options.orm.em.fork();
    const row = await this.ownOrder(em, clientCode, brokerOrderId);
    if (!RESTING.includes(row.status as PaperOrderStatus)) {
      throw new BrokerCallError('rejected', `Order ${brokerOrderId} is ${row.status} and can no longer be cancelled`);
    }
    const updated = await this.transition(em, row, { status: 'cancelled', statusMessage: 'Cancelled by the user' });
    if (!updated) throw new BrokerCallError('rejected', `Order ${brokerOrderId} finished before it could be cancelled`);
  }

  async book(clientCode: string): Promise<BrokerOrder[]> {
    const rows = await this.options.orm.em.fork().find(PaperOrder, { clientCode }, { orderBy: { createdAt: 'asc' } });
    return rows.map(toBrokerOrder);
  }

  async findByTag(clientCode: string, orderTag: string): Promise<BrokerOrder | null> {
    const row = await this.options.orm.em.fork().findOne(PaperOrder, { clientCode, orderTag });
    return row ? toBrokerOrder(row) : null;
  }

  /**
   * The account's net positions from its own book: every filled order (the exchange fills an order
   * whole, so its last update is when it filled), netted by FIFO, with today's realised P&L. The
   * book keeps every day, so DELIVERY units bought before today are the account's holdings.
   */
  async positions(clientCode: string): Promise<BrokerPosition[]> {
    await this.roundTrip();
    const rows = await this.options.orm.em
      .fork()
      .find(PaperOrder, { clientCode, filledQuantity: { $gt: 0 } }, { orderBy: { updatedAt: 'asc', brokerOrderId: 'asc' } });
    const fills = rows.flatMap(({ exchange, symbol, token, productType, side, filledQuantity, averagePrice, updatedAt }) =>
      averagePrice === null
        ? []
        : [{ exchange, symbol, token, productType, side, quantity: filledQuantity, price: averagePrice, at: updatedAt }],
    );
    const dayStart = istTimeOn(this.options.clock.now(), 0, 0);
    return netPositions(fills, dayStart).map(({ lastFillAt: _, ...position }) => ({
      ...position,
      lastPrice: this.prices.lastPrice(position.exchange, position.token),
    }));
  }

  /** One pass over the resting book: AMO releases, triggers and fills at the current prices. */
  sweep(): Promise<void> {
    this.sweeping ??= this.sweepOnce()
      .catch((error) => this.logError(error))
      .finally(() => {
        this.sweeping = null;
      });
    return this.sweeping;
  }

  private async sweepOnce(): Promise<void> {
    const em = this.options.orm.em.fork();
    const rows = await em.find(PaperOrder, { status: { $in: RESTING } }, { orderBy: { createdAt: 'asc' }, limit: 5000 });
    for (const row of rows) await this.step(em, row);
  }

  private async matchOne(brokerOrderId: string): Promise<void> {
    const em = this.options.orm.em.fork();
    const row = await em.findOne(PaperOrder, { brokerOrderId });
    if (row) await this.step(em, row);
  }

  private async step(em: EntityManager, row: PaperOrder): Promise<void> {
    const { last, band } = this.market(row.token);
    const now = this.options.clock.now();
    if (row.status === 'amo queued') {
      if (!row.releaseAt || row.releaseAt > now || !isMarketOpen(now, this.options.marketHours)) return;
      const release = releaseAmo(row, last, band);
      const moved = await this.transition(
        em,
        row,
        release.kind === 'accept'
          ? { status: release.status, releaseAt: null }
          : { status: 'rejected', statusMessage: release.reason, releaseAt: null },
      );
      if (moved && (row.status as string) !== 'rejected') await this.step(em, row);
      return;
    }
    const decision = matchOrder({ ...row, status: row.status as PaperOrderStatus }, last, band);
    if (decision.kind === 'fill') {
      const filled = row.filledQuantity + decision.quantity;
      const previousValue = (row.averagePrice ?? 0) * row.filledQuantity;
      await this.transition(em, row, {
        status: 'complete',
        filledQuantity: filled,
        averagePrice: Math.round((previousValue + decision.price * decision.quantity) / filled),
      });
    } else if (decision.kind === 'trigger') {
      if (await this.transition(em, row, { status: 'open' })) await this.step(em, row);
    } else if (decision.kind === 'reject') {
      await this.transition(em, row, { status: 'rejected', statusMessage: decision.reason });
    }
  }

  /** Applies a change only if nobody else moved the order first; emits it when it applied. */
  private async transition(em: EntityManager, row: PaperOrder, changes: Partial<PaperOrder>): Promise<boolean> {
    const updatedAt = this.options.clock.now();
    const count = await em.nativeUpdate(PaperOrder, { brokerOrderId: row.brokerOrderId, status: row.status }, { ...changes, updatedAt });
    if (count === 0) return false;
    Object.assign(row, changes, { updatedAt });
    this.emit(row);
    return true;
  }

  private async ownOrder(em: EntityManager, clientCode: string, brokerOrderId: string): Promise<PaperOrder> {
    const row = await em.findOne(PaperOrder, { brokerOrderId, clientCode });
    if (!row) throw new BrokerCallError('rejected', `Order ${brokerOrderId} not found in account ${clientCode}`);
    return row;
  }

  private market(token: string): { last: number; band: PriceBand } {
    const last = this.walk.price(token);
    const band = this.walk.band(token);
    if (last === undefined || !band) throw new BrokerCallError('rejected', `The paper exchange has no price for token ${token}`);
    return { last, band };
  }

  private releaseTime(now: Date): Date {
    return this.options.marketHours === 'always' ? new Date(now.getTime() + this.options.amoDelayMs) : nextSessionOpen(now);
  }

  /** Broker order ids like Angel's: the date and a number from a sequence shared by every process. */
  private async nextOrderIds(em: EntityManager, now: Date, count: number): Promise<string[]> {
    const numbers = await nextPaperOrderNumbers(em, count);
    const day = now.toISOString().slice(2, 10).replaceAll('-', '');
    return numbers.map((n) => `${day}${String(n).padStart(9, '0')}`);
  }

  private roundTrip(): Promise<void> {
    return this.options.latencyMs > 0 ? sleep(this.options.latencyMs) : Promise.resolve();
  }

  private emit(row: PaperOrder): void {
    this.emitState(row.clientCode, toBrokerOrder(row));
  }

  private emitState(clientCode: string, order: BrokerOrder): void {
    for (const listener of this.listeners) {
      try {
        listener(clientCode, order);
      } catch (error) {
        this.logError(error, order.brokerOrderId);
      }
    }
  }

  private logError(error: unknown, brokerOrderId?: string): void {
    this.options.log.error({ err: error, brokerOrderId }, 'paper exchange step failed');
  }
}
