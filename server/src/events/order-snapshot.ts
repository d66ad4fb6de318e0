import type { Order } from '../persistence/entities/order.entity.ts';

type OrderField = Exclude<keyof Order, symbol>;

/**
 * An order as it was right after one change, as the order_events table keeps it and the
 * PubSub carries it: every field of the order, dates as ISO strings, so it crosses Redis and
 * JSON columns unchanged.
 */
export type OrderSnapshot = {
  [K in OrderField]: Order[K] extends Date ? string : Order[K] extends Date | null ? string | null : Order[K];
};

const iso = (value: Date | null) => (value === null ? null : value.toISOString());
const date = (value: string | null) => (value === null ? null : new Date(value));

export function snapshotOf(order: Order): OrderSnapshot {
  return {
    ...order,
    detectedAt: iso(order.detectedAt),
    exchangeAt: iso(order.exchangeAt),
    sentAt: iso(order.sentAt),
    acknowledgedAt: iso(order.acknowledgedAt),
    copyPlannedAt: iso(order.copyPlannedAt),
    createdAt: order.createdAt.toISOString(),
    updatedAt: order.updatedAt.toISOString(),
  };
}

/**
 * The order a snapshot describes, dates and all, for the fields that read an Order. A plain
 * object of the entity's shape, not an entity: the API reads it for every event a subscriber
 * gets, and constructing an entity (a fresh UUID, the ORM's property hooks) cost more than the
 * rest of the answer. Nothing persists it.
 */
export function orderFromSnapshot(snapshot: OrderSnapshot): Order {
  const order: Omit<Order, never> = {
    ...snapshot,
    detectedAt: date(snapshot.detectedAt),
    exchangeAt: date(snapshot.exchangeAt),
    sentAt: date(snapshot.sentAt),
    acknowledgedAt: date(snapshot.acknowledgedAt),
    copyPlannedAt: date(snapshot.copyPlannedAt),
    createdAt: new Date(snapshot.createdAt),
    updatedAt: new Date(snapshot.updatedAt),
  };
  return order as Order;
}
