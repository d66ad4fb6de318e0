import { randomUUID } from 'node:crypto';
import { EntitySchema } from '@mikro-orm/core';
import { idProperty } from './base.ts';

export type AlertDeliveryState = 'PENDING' | 'DELIVERED' | 'FAILED';

/**
 * One alert to post to ALERT_WEBHOOK_URL: the outbox. Written before anything is posted (in the
 * transaction of the change that caused it where there is one), so a restart loses none; the
 * deliverer (alerts/deliverer.ts) posts it until the receiver answers 2xx or it gives up.
 * Rows are written and claimed with SQL (alert-outbox.repository.ts), on the database's clock.
 */
export class AlertDelivery {
  /** Sent as X-Tandem-Delivery and the body's `id`: the same on every attempt, so receivers drop repeats. */
  id: string = randomUUID();
  kind!: string;
  severity!: string;
  /** The body posted, but for its `id`. */
  payload!: Record<string, unknown>;
  state: AlertDeliveryState = 'PENDING';
  attempts = 0;
  /** When the next attempt is due; while one is under way, when its claim runs out. */
  nextAttemptAt!: Date;
  lastError: string | null = null;
  createdAt!: Date;
  deliveredAt: Date | null = null;
}

export const AlertDeliverySchema = new EntitySchema<AlertDelivery>({
  class: AlertDelivery,
  tableName: 'alert_deliveries',
  indexes: [{ properties: ['state', 'nextAttemptAt'] }, { properties: ['createdAt'] }],
  properties: {
    id: idProperty,
    kind: { type: 'string', length: 48 },
    severity: { type: 'string', length: 16 },
    payload: { type: 'json' },
    state: { type: 'string', length: 16 },
    attempts: { type: 'integer' },
    nextAttemptAt: { type: 'Date' },
    lastError: { type: 'text', nullable: true },
    createdAt: { type: 'Date' },
    deliveredAt: { type: 'Date', nullable: true },
  },
});

/**
 * One post of an alert and what came of it. Rows of their own rather than a jsonb array on the
 * delivery: an attempt is appended, never rewritten, so recording one never rewrites the
 * history before it, and "which receivers answer 500" is a plain query.
 */
export class AlertAttempt {
  id: string = randomUUID();
  deliveryId!: string;
  /** 1 for the first post of the delivery. */
  attempt!: number;
  at!: Date;
  /** The receiver's HTTP status; null when there was no answer (see `error`). */
  httpStatus: number | null = null;
  error: string | null = null;
  durationMs!: number;
}

export const AlertAttemptSchema = new EntitySchema<AlertAttempt>({
  class: AlertAttempt,
  tableName: 'alert_delivery_attempts',
  // Pruning a delivery removes its attempts (cascade), found through this index.
  indexes: [{ properties: ['deliveryId'] }],
  properties: {
    id: idProperty,
    deliveryId: { kind: 'm:1', entity: () => AlertDelivery, mapToPk: true, fieldName: 'delivery_id', deleteRule: 'cascade' },
    attempt: { type: 'integer' },
    at: { type: 'Date' },
    httpStatus: { type: 'integer', nullable: true },
    error: { type: 'text', nullable: true },
    durationMs: { type: 'integer' },
  },
});
