import { EntitySchema } from '@mikro-orm/core';
import type { OrderEventKind, OrderStatus } from '../../core/types.ts';
import { bigintNumber } from './base.ts';

/**
 * Append-only: one row per change of an order, written in the change's transaction.
 * `cursor` comes from the event_counter row so cursors follow commit order with no gaps.
 */
export class OrderEvent {
  cursor!: number;
  orderId!: string;
  accountId!: string;
  /** The master order's account, for masters and children alike, so a master's feed includes its children. */
  masterAccountId: string | null = null;
  status!: OrderStatus;
  kind!: OrderEventKind;
  message: string | null = null;
  /** The order as it was after this change, so subscribers need no read per event. */
  snapshot!: Record<string, unknown>;
  at!: Date;
}

export const OrderEventSchema = new EntitySchema<OrderEvent>({
  class: OrderEvent,
  tableName: 'order_events',
  indexes: [{ properties: ['accountId', 'cursor'] }, { properties: ['masterAccountId', 'cursor'] }, { properties: ['at'] }],
  properties: {
    cursor: { ...bigintNumber(), primary: true, autoincrement: false },
    orderId: { type: 'uuid' },
    accountId: { type: 'uuid' },
    masterAccountId: { type: 'uuid', nullable: true },
    status: { type: 'string', length: 24 },
    kind: { type: 'string', length: 24 },
    message: { type: 'text', nullable: true },
    snapshot: { type: 'json' },
    at: { type: 'Date' },
  },
});

/** A single row whose value is the last cursor handed out. */
export class EventCounter {
  id!: number;
  value!: number;
}

export const EventCounterSchema = new EntitySchema<EventCounter>({
  class: EventCounter,
  tableName: 'event_counter',
  properties: {
    id: { type: 'integer', primary: true, autoincrement: false },
    value: bigintNumber(),
  },
});
