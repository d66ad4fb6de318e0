// Positions per account, broker-authoritative: what the broker says the account holds (orders
// placed elsewhere and the broker's own square-offs included), with Tandem's count from its own
// fills beside it. When the broker cannot be asked, Tandem's record stands in, marked as such and
// dated by its newest fill, so nobody takes it for the broker's word.
import type { Viewer } from '../auth/viewer.ts';
import { BrokerCallError, type BrokerPosition } from '../brokers/port.ts';
import { istTimeOn } from '../core/clock.ts';
import { differsByMoreThanALot, netPositions, positionKey, unrealisedPnl, type NetPosition } from '../core/position-figures.ts';
import type { ProductType } from '../core/types.ts';
import type { Account } from '../persistence/entities/account.entity.ts';
import { fillsSince } from '../persistence/repositories/order-facts.repository.ts';
import { accountFor } from './access.ts';
import type { AppServices } from './container.ts';

export type PositionSource = 'BROKER' | 'TANDEM';

/** One net position of one account, per (exchange, token, product). Prices and P&L in paise. */
export interface Position {
  accountId: string;
  exchange: string;
  symbol: string;
  token: string;
  productType: ProductType;
  /** Units, +long / -short. */
  quantity: number;
  /** Of the open quantity; null when flat. */
  averagePrice: number | null;
  /** The broker's, else what Tandem values the instrument at (brokers/prices.ts); null when neither has one. */
  lastPrice: number | null;
  /** Of the IST trading day. */
  realisedPnl: number;
  /** (last − average) × quantity; null without a last price. */
  unrealisedPnl: number | null;
  /** For DELIVERY, the units held from earlier days (holdings); 0 otherwise. */
  holdingQuantity: number;
  /** BROKER: the broker's word; TANDEM: Tandem's own fills, because the broker could not be asked. */
  source: PositionSource;
  /** BROKER: when the broker answered; TANDEM: when the newest fill counted in this row filled. */
  asOf: Date;
  /** On a BROKER row, what Tandem's own fills add up to (0 when it has none); null on a TANDEM row. */
  tandemQuantity: number | null;
  /** The broker and Tandem differ by more than one lot of the instrument. */
  mismatch: boolean;
}

/** What positions need of the application. */
export type PositionServices = Pick<AppServices, 'orm' | 'brokers' | 'instruments' | 'clock' | 'log'>;

export type PositionAccount = Pick<Account, 'id' | 'broker' | 'clientCode' | 'status'>;

/** How long the broker has to answer before Tandem's record is shown instead. */
export const BROKER_ANSWER_TIMEOUT_MS = 5_000;

export interface PositionOptions {
  brokerTimeoutMs?: number;
}

/** The positions of an account the viewer may see; NOT_FOUND for one they may not. */
export async function positionsOf(
  services: PositionServices,
  viewer: Viewer,
  accountId: string,
  options: PositionOptions = {},
): Promise<Position[]> {
  const account = await accountFor(services.orm.em.fork(), viewer, accountId, 'accountId', 'read');
  return accountPositions(services, account, options);
}

/** One account's positions, for callers that decided access themselves (drift, square-off, alerts). */
export async function accountPositions(
  services: PositionServices,
  account: PositionAccount,
  options: PositionOptions = {},
): Promise<Position[]> {
  const dayStart = istTimeOn(services.clock.now(), 0, 0);
  const [record, answer] = await Promise.all([
    tandemRecord(services, account.id, dayStart),
    askBroker(services, account, options.brokerTimeoutMs ?? BROKER_ANSWER_TIMEOUT_MS),
  ]);
  const rows = answer ? besideTandem(services, account, answer, record, services.clock.now()) : fromTandem(services, account, record);
  return rows.sort(
    (a, b) => a.exchange.localeCompare(b.exchange) || a.symbol.localeCompare(b.symbol) || a.productType.localeCompare(b.productType),
  );
}

/**
 * The positions where the broker and Tandem differ by more than one lot (for the mismatch
 * alert); empty when the broker could not be asked, as there is nothing to compare.
 */
export async function positionMismatches(
  services: PositionServices,
  account: PositionAccount,
  options: PositionOptions = {},
): Promise<Position[]> {
  return (await accountPositions(services, account, options)).filter((position) => position.mismatch);
}

/** Tandem's own record: every fill of the account's orders, netted by FIFO. */
async function tandemRecord(services: PositionServices, accountId: string, dayStart: Date): Promise<NetPosition[]> {
  return netPositions(await fillsSince(services.orm.em.fork(), [accountId], new Date(0)), dayStart);
}

/**
 * The broker's answer, or null when it cannot be asked: an account whose credentials were
 * refused (a login now would be refused again), a call that fails, or no answer in time.
 */
async function askBroker(services: PositionServices, account: PositionAccount, timeoutMs: number): Promise<BrokerPosition[] | null> {
  if (account.status === 'AUTH_FAILED') return null;
  try {
    return await withTimeout(services.brokers.brokerFor(account).positions(), timeoutMs);
  } catch (error) {
    services.log.warn(
      { err: error, accountId: account.id, clientCode: account.clientCode },
      "the broker could not be asked for positions; showing Tandem's own record",
    );
    return null;
  }
}

function withTimeout<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new BrokerCallError('unknown', `no answer from the broker within ${ms} ms`)), ms);
  });
  return Promise.race([work, late]).finally(() => clearTimeout(timer));
}

/** The broker's rows, each with Tandem's count beside it; a position only Tandem has shows as flat at the broker. */
function besideTandem(
  services: PositionServices,
  account: PositionAccount,
  answer: BrokerPosition[],
  record: NetPosition[],
  answeredAt: Date,
): Position[] {
  const tandem = new Map(record.map((position) => [positionKey(position), position]));
  const rows = answer.map((position) => {
    const key = positionKey(position);
    const tandemQuantity = tandem.get(key)?.quantity ?? 0;
    tandem.delete(key);
    return toRow(services, account, position, 'BROKER', answeredAt, tandemQuantity);
  });
  for (const position of tandem.values()) {
    if (position.quantity === 0) continue;
    const flat = { ...position, quantity: 0, averagePrice: null, realisedPnl: 0, holdingQuantity: 0, lastPrice: null };
    rows.push(toRow(services, account, flat, 'BROKER', answeredAt, position.quantity));
  }
  return rows;
}

function fromTandem(services: PositionServices, account: PositionAccount, record: NetPosition[]): Position[] {
  return record.map((position) => toRow(services, account, { ...position, lastPrice: null }, 'TANDEM', position.lastFillAt, null));
}

function toRow(
  services: PositionServices,
  account: PositionAccount,
  position: BrokerPosition,
  source: PositionSource,
  asOf: Date,
  tandemQuantity: number | null,
): Position {
  const lastPrice = position.lastPrice ?? services.brokers.prices(account.broker).lastPrice(position.exchange, position.token);
  const lotSize = services.instruments.findByToken(position.exchange, position.token)?.lotSize ?? 1;
  return {
    accountId: account.id,
    exchange: position.exchange,
    symbol: position.symbol,
    token: position.token,
    productType: position.productType,
    quantity: position.quantity,
    averagePrice: position.averagePrice,
    lastPrice,
    realisedPnl: position.realisedPnl,
    unrealisedPnl: unrealisedPnl(position, lastPrice),
    holdingQuantity: position.holdingQuantity,
    source,
    asOf,
    tandemQuantity,
    mismatch: tandemQuantity !== null && differsByMoreThanALot(position.quantity, tandemQuantity, lotSize),
  };
}
