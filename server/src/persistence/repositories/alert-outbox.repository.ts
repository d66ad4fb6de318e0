import { randomUUID } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/core';
import { execute, toNumber } from '../db.ts';
import { AlertDelivery, type AlertDeliveryState } from '../entities/alert-delivery.entity.ts';

// The alert outbox. Every time here is the database's (now()), so instances on machines whose
// clocks disagree still agree on what is due and when a claim runs out.

export interface NewAlertDelivery {
  id: string;
  kind: string;
  severity: string;
  payload: Record<string, unknown>;
}

export interface ClaimedAlert {
  id: string;
  kind: string;
  severity: string;
  payload: Record<string, unknown>;
  /** Attempts made before this one. */
  attempts: number;
}

const ms = (value: number) => `${Math.max(0, Math.round(value))} milliseconds`;

/** Adds deliveries due at once, in `em`'s transaction when it has one. */
export async function insertAlertDeliveries(em: EntityManager, rows: NewAlertDelivery[]): Promise<void> {
  if (rows.length === 0) return;
  await execute(
    em,
    `insert into alert_deliveries (id, kind, severity, payload, state, attempts, next_attempt_at, created_at)
     values ${rows.map(() => "(?, ?, ?, ?::jsonb, 'PENDING', 0, now(), now())").join(', ')}`,
    rows.flatMap((row) => [row.id, row.kind, row.severity, JSON.stringify(row.payload)]),
  );
}

/**
 * Takes up to `limit` due deliveries for one attempt each: their next_attempt_at moves `leaseMs`
 * ahead, so no other instance takes them meanwhile, and a crash mid-post leaves them due again
 * once the lease runs out. SKIP LOCKED: instances claiming at once take different rows.
 */
export async function claimDueAlerts(em: EntityManager, limit: number, leaseMs: number): Promise<ClaimedAlert[]> {
  const rows = await execute<{ id: string; kind: string; severity: string; payload: unknown; attempts: unknown }[]>(
    em,
    `update alert_deliveries set next_attempt_at = now() + ?::interval
     where id in (
       select id from alert_deliveries where state = 'PENDING' and next_attempt_at <= now()
       order by next_attempt_at limit ? for update skip locked)
     returning id, kind, severity, payload, attempts`,
    [ms(leaseMs), limit],
  );
  return rows.map((row) => ({
    id: row.id,
    kind: row.kind,
    severity: row.severity,
    payload: (typeof row.payload === 'string' ? JSON.parse(row.payload) : row.payload) as Record<string, unknown>,
    attempts: toNumber(row.attempts),
  }));
}

export interface AttemptOutcome {
  deliveryId: string;
  /** The number of this attempt (1 for the first). */
  attempt: number;
  at: Date;
  httpStatus: number | null;
  error: string | null;
  durationMs: number;
  delivered: boolean;
  /** When not delivered: how long until the next attempt. */
  retryInMs: number;
  /** When not delivered: a delivery whose next attempt would come later than this after it was written is given up. */
  giveUpAfterMs: number;
}

/**
 * Records one attempt and moves its delivery on, in one transaction: DELIVERED, PENDING again
 * after `retryInMs`, or FAILED when that would be past `giveUpAfterMs`. A delivery that is no
 * longer PENDING (another instance finished it after this one's claim ran out) keeps its state;
 * the attempt is recorded all the same. Returns the delivery's state and attempts after it.
 */
export async function recordAlertAttempt(
  em: EntityManager,
  outcome: AttemptOutcome,
): Promise<{ state: AlertDeliveryState; attempts: number; lastError: string | null } | null> {
  return em.transactional(async (tx) => {
    await execute(
      tx,
      `insert into alert_delivery_attempts (id, delivery_id, attempt, at, http_status, error, duration_ms) values (?, ?, ?, ?::timestamptz, ?, ?, ?)`,
      [
        randomUUID(),
        outcome.deliveryId,
        outcome.attempt,
        outcome.at.toISOString(),
        outcome.httpStatus,
        outcome.error,
        Math.round(outcome.durationMs),
      ],
    );
    const rows = await execute<{ state: AlertDeliveryState; attempts: unknown; last_error: string | null }[]>(
      tx,
      `update alert_deliveries set
         attempts = attempts + 1,
         last_error = case when ? then last_error else ? end,
         delivered_at = case when state = 'PENDING' and ? then now() else delivered_at end,
         next_attempt_at = case when state = 'PENDING' and not ? then now() + ?::interval else next_attempt_at end,
         state = case
           when state <> 'PENDING' then state
           when ? then 'DELIVERED'
           when now() + ?::interval > created_at + ?::interval then 'FAILED'
           else 'PENDING' end
       where id = ? returning state, attempts, last_error`,
      [
        outcome.delivered,
        outcome.error,
        outcome.delivered,
        outcome.delivered,
        ms(outcome.retryInMs),
        outcome.delivered,
        ms(outcome.retryInMs),
        ms(outcome.giveUpAfterMs),
        outcome.deliveryId,
      ],
    );
    const row = rows[0];
    return row ? { state: row.state, attempts: toNumber(row.attempts), lastError: row.last_error } : null;
  });
}

/** Deliveries still to be made (including those being attempted now). */
export async function countPendingAlerts(em: EntityManager): Promise<number> {
  const rows = await execute<{ n: unknown }[]>(em, "select count(*) as n from alert_deliveries where state = 'PENDING'");
  return toNumber(rows[0]?.n ?? 0);
}

/** Forgets delivered and given-up alerts written before `before` (their attempts go with them). */
export async function pruneAlertDeliveries(em: EntityManager, before: Date): Promise<number> {
  return em.nativeDelete(AlertDelivery, { state: { $ne: 'PENDING' }, createdAt: { $lt: before } });
}
