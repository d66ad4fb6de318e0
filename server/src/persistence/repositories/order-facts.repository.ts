import type { EntityManager } from '@mikro-orm/core';
import type { OrderStatus, OrderType, ProductType, Side, Variety } from '../../core/types.ts';
import { execute, toNumber } from '../db.ts';

// The query builder would expand an array parameter into a list; spell the list out instead.
const placeholders = (values: unknown[]) => values.map(() => '?').join(', ');

/** Statuses of an order the broker may still fill (or that is still on its way there). */
const UNSETTLED = ['PENDING', 'SENT', 'OPEN', 'PARTIALLY_FILLED', 'TRIGGER_PENDING', 'AMO_QUEUED'];
/** The same less PENDING, as an SQL list: orders the broker has, or may have, and may still move. */
const AT_BROKER_UNSETTLED = UNSETTLED.filter((s) => s !== 'PENDING')
  .map((s) => `'${s}'`)
  .join(', ');

/** One account's holding in one instrument and product, +long / -short. */
export interface Holding {
  /** What its filled orders add up to. */
  filled: number;
  /** What its copies still in flight (not settled at the broker) would add when they fill. */
  inFlight: number;
}

export interface HoldingOptions {
  /** Orders that must not count at all (the order being planned, a child being re-sized). */
  exclude?: string[];
  /** Count only orders created before this one (a copy: whose master was): a position as of that order. */
  before?: { createdAt: Date; id: string };
  /** Also sum the unfilled rest of copies (children) not settled yet. */
  inFlightCopies?: boolean;
}

/** Holdings per account and product in one instrument, from Tandem's own orders. */
export async function holdingsByAccount(
  em: EntityManager,
  accountIds: string[],
  token: string,
  options: HoldingOptions = {},
): Promise<Map<string, Map<ProductType, Holding>>> {
  const holdings = new Map<string, Map<ProductType, Holding>>();
  if (accountIds.length === 0) return holdings;
  const exclude = options.exclude ?? [];
  const signed = (quantity: string) => `case when o.side = 'BUY' then ${quantity} else -(${quantity}) end`;
  const unsettledCopy = `o.master_order_id is not null and o.status in (${UNSETTLED.map((s) => `'${s}'`).join(', ')})`;
  const inFlight = options.inFlightCopies
    ? `sum(case when ${unsettledCopy} then ${signed('greatest(o.quantity - o.filled_quantity, 0)')} else 0 end)`
    : '0';
  const counted = options.inFlightCopies ? `(o.filled_quantity > 0 or (${unsettledCopy}))` : 'o.filled_quantity > 0';
  const params: unknown[] = [...accountIds, token, ...exclude];
  let before = '';
  if (options.before) {
    // A copy takes its master's place in time: planned out of order (a takeover, a lease that
    // moved), a later master's copies still do not count against an earlier one.
    before = 'and (coalesce(m.created_at, o.created_at), coalesce(m.id, o.id)) < (?, ?)';
    params.push(options.before.createdAt, options.before.id);
  }
  const rows = await execute<{ account_id: string; product_type: ProductType; filled: unknown; in_flight: unknown }[]>(
    em,
    `select o.account_id, o.product_type, sum(${signed('o.filled_quantity')}) as filled, ${inFlight} as in_flight
       from orders o left join orders m on m.id = o.master_order_id
      where o.account_id in (${placeholders(accountIds)}) and o.token = ? and ${counted}
        ${exclude.length > 0 ? `and o.id not in (${placeholders(exclude)})` : ''} ${before}
      group by o.account_id, o.product_type`,
    params,
  );
  for (const row of rows) {
    const byProduct = holdings.get(row.account_id) ?? new Map<ProductType, Holding>();
    byProduct.set(row.product_type, { filled: toNumber(row.filled), inFlight: toNumber(row.in_flight) });
    holdings.set(row.account_id, byProduct);
  }
  return holdings;
}

/** Per account, the orders created since `since` that were not skipped, failed or rejected. */
export async function ordersPlacedSince(em: EntityManager, accountIds: string[], since: Date): Promise<Map<string, number>> {
  if (accountIds.length === 0) return new Map();
  const counts = await execute<{ account_id: string; n: unknown }[]>(
    em,
    `select account_id, count(*) as n from orders
      where account_id in (${placeholders(accountIds)}) and created_at >= ? and status not in ('SKIPPED', 'FAILED', 'REJECTED') group by account_id`,
    [...accountIds, since],
  );
  return new Map(counts.map((row) => [row.account_id, toNumber(row.n)]));
}

export interface Fill {
  accountId: string;
  exchange: string;
  symbol: string;
  token: string;
  productType: ProductType;
  side: Side;
  quantity: number;
  /** Average price in paise. */
  price: number;
  /** When the order last changed: its latest fill, as far as Tandem knows. */
  at: Date;
}

/** The fills of orders created since `since`, in the order they were last updated. */
export async function fillsSince(em: EntityManager, accountIds: string[], since: Date): Promise<Fill[]> {
  if (accountIds.length === 0) return [];
  const rows = await execute<
    {
      account_id: string;
      exchange: string;
      symbol: string;
      token: string;
      product_type: ProductType;
      side: Side;
      filled_quantity: unknown;
      average_price: unknown;
      updated_at: Date | string;
    }[]
  >(
    em,
    `select account_id, exchange, symbol, token, product_type, side, filled_quantity, average_price, updated_at from orders
      where account_id in (${placeholders(accountIds)}) and created_at >= ? and filled_quantity > 0 and average_price is not null order by updated_at, id`,
    [...accountIds, since],
  );
  return rows.map((row) => ({
    accountId: row.account_id,
    exchange: row.exchange,
    symbol: row.symbol,
    token: row.token,
    productType: row.product_type,
    side: row.side,
    quantity: toNumber(row.filled_quantity),
    price: toNumber(row.average_price),
    at: new Date(row.updated_at),
  }));
}

/**
 * The ids of the children in `status` of the masters of these accounts (unchanged since
 * `unchangedSince`, when given). SENT means sent with no answer yet: no broker order id.
 */
export async function childIdsOfMasters(
  em: EntityManager,
  masterAccountIds: string[],
  status: OrderStatus,
  unchangedSince?: Date,
): Promise<string[]> {
  if (masterAccountIds.length === 0) return [];
  const rows = await execute<{ id: string }[]>(
    em,
    `select c.id from orders c join orders m on m.id = c.master_order_id
      where c.status = ? and m.account_id in (${placeholders(masterAccountIds)}) ${unchangedSince ? 'and c.updated_at < ?' : ''}
        ${status === 'SENT' ? 'and c.broker_order_id is null' : ''}`,
    [status, ...masterAccountIds, ...(unchangedSince ? [unchangedSince] : [])],
  );
  return rows.map((row) => row.id);
}

/**
 * The accounts holding children of these masters that the broker may still move (sent and
 * acknowledged, open, partly filled, waiting for a trigger or the session): whose books a new
 * lease holder re-reads, since the old one may have heard their fills and died unrecorded, and
 * the holder re-reads now and then for those `unchangedSince` (an update whose transaction died).
 */
export async function accountsWithUnsettledChildren(
  em: EntityManager,
  masterAccountIds: string[],
  unchangedSince?: Date,
): Promise<string[]> {
  if (masterAccountIds.length === 0) return [];
  const rows = await execute<{ account_id: string }[]>(
    em,
    `select distinct c.account_id from orders c join orders m on m.id = c.master_order_id
      where c.status in (${AT_BROKER_UNSETTLED})
        and m.account_id in (${placeholders(masterAccountIds)}) ${unchangedSince ? 'and c.updated_at < ?' : ''}`,
    [...masterAccountIds, ...(unchangedSince ? [unchangedSince] : [])],
  );
  return rows.map((row) => row.account_id);
}

/**
 * Of these accounts, those with orders of their own (placed there, not copies) that the broker
 * may still move and that have not changed since `unchangedSince`: the masters whose books the
 * lease holder re-reads now and then, as it does its children's.
 */
export async function accountsWithUnsettledOwnOrders(em: EntityManager, accountIds: string[], unchangedSince: Date): Promise<string[]> {
  if (accountIds.length === 0) return [];
  const rows = await execute<{ account_id: string }[]>(
    em,
    `select distinct account_id from orders
      where master_order_id is null and account_id in (${placeholders(accountIds)}) and updated_at < ?
        and status in (${AT_BROKER_UNSETTLED})`,
    [...accountIds, unchangedSince],
  );
  return rows.map((row) => row.account_id);
}

/** The ids of orders placed on these accounts themselves (not copies) sent with no answer and unchanged since `unchangedSince`. */
export async function ownOrdersSentWithoutAnswer(em: EntityManager, accountIds: string[], unchangedSince: Date): Promise<string[]> {
  if (accountIds.length === 0) return [];
  const rows = await execute<{ id: string }[]>(
    em,
    `select id from orders where master_order_id is null and status = 'SENT' and broker_order_id is null
        and account_id in (${placeholders(accountIds)}) and updated_at < ?`,
    [...accountIds, unchangedSince],
  );
  return rows.map((row) => row.id);
}

/** A master order as far as it filled, with the master's position in its instrument and product just before it. */
export interface MasterFillRow {
  exchange: string;
  symbol: string;
  token: string;
  side: Side;
  quantity: number;
  filledQuantity: number;
  orderType: OrderType;
  productType: ProductType;
  variety: Variety;
  price: number | null;
  triggerPrice: number | null;
  averagePrice: number | null;
  placedAt: Date;
  /** The master's net position (+long, -short) from every earlier fill of its own in the same token and product. */
  positionBefore: number;
}

/**
 * The account's orders placed since `since` that filled (its own, not copies into it), oldest
 * first. The position before each counts every earlier fill, also those before `since`, so an
 * exit of what was held before `since` reads as an exit.
 */
export async function masterFillsSince(em: EntityManager, accountId: string, since: Date): Promise<MasterFillRow[]> {
  const rows = await execute<
    {
      exchange: string;
      symbol: string;
      token: string;
      side: Side;
      quantity: unknown;
      filled_quantity: unknown;
      order_type: OrderType;
      product_type: ProductType;
      variety: Variety;
      price: unknown;
      trigger_price: unknown;
      average_price: unknown;
      created_at: Date | string;
      position_before: unknown;
    }[]
  >(
    em,
    `select * from (
       select o.exchange, o.symbol, o.token, o.side, o.quantity, o.filled_quantity, o.order_type, o.product_type, o.variety,
              o.price, o.trigger_price, o.average_price, o.created_at,
              coalesce(sum(case when o.side = 'BUY' then o.filled_quantity else -o.filled_quantity end) over (
                partition by o.token, o.product_type order by o.created_at, o.id rows between unbounded preceding and 1 preceding
              ), 0) as position_before
         from orders o
        where o.account_id = ? and o.master_order_id is null and o.filled_quantity > 0
     ) f
     where f.created_at >= ?
     order by f.created_at`,
    [accountId, since],
  );
  const money = (value: unknown) => (value === null || value === undefined ? null : toNumber(value));
  return rows.map((row) => ({
    exchange: row.exchange,
    symbol: row.symbol,
    token: row.token,
    side: row.side,
    quantity: toNumber(row.quantity),
    filledQuantity: toNumber(row.filled_quantity),
    orderType: row.order_type,
    productType: row.product_type,
    variety: row.variety,
    price: money(row.price),
    triggerPrice: money(row.trigger_price),
    averagePrice: money(row.average_price),
    placedAt: new Date(row.created_at),
    positionBefore: toNumber(row.position_before),
  }));
}

/** A master's newest order, and when it and all its copies were last final (null while any is not). */
export interface LatestMasterOrder {
  accountId: string;
  orderId: string;
  settledAt: Date | null;
}

/** For each of the accounts that has orders of its own: its newest one, and whether it and every copy of it are final. */
export async function latestMasterOrders(em: EntityManager, accountIds: string[]): Promise<LatestMasterOrder[]> {
  if (accountIds.length === 0) return [];
  const unsettled = UNSETTLED.map((s) => `'${s}'`).join(', ');
  const rows = await execute<{ account_id: string; id: string; open: unknown; last_change: Date | string }[]>(
    em,
    `select m.account_id, m.id,
            (m.status in (${unsettled}))::int + (select count(*) from orders c where c.master_order_id = m.id and c.status in (${unsettled})) as open,
            greatest(m.updated_at, coalesce((select max(c.updated_at) from orders c where c.master_order_id = m.id), m.updated_at)) as last_change
       from (select distinct on (o.account_id) o.account_id, o.id, o.status, o.updated_at
               from orders o
              where o.account_id in (${placeholders(accountIds)}) and o.master_order_id is null
              order by o.account_id, o.created_at desc, o.id desc) m`,
    accountIds,
  );
  return rows.map((row) => ({
    accountId: row.account_id,
    orderId: row.id,
    settledAt: toNumber(row.open) === 0 ? new Date(row.last_change) : null,
  }));
}
