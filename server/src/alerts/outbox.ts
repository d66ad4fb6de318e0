// The way in for every alert: written to the outbox (alert_deliveries) first, then posted by the
// deliverer (alerts/deliverer.ts) of an instance that does background work. Written in the
// caller's transaction when it passes one, so an alert exists exactly when the change that
// caused it committed; otherwise in a transaction of its own, at once.
//
// Hooks for later work: drift and square-off call `enqueueAlert(services, { kind:
// 'position.drift' | 'square_off', severity, text, at, ...details }, tx?)`.
import { randomUUID } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/core';
import type { Logger } from 'pino';
import type { Config } from '../config.ts';
import type { Orm } from '../persistence/db.ts';
import { insertAlertDeliveries, type NewAlertDelivery } from '../persistence/repositories/alert-outbox.repository.ts';
import type { Alert } from './alert.ts';
import { postAlert } from './webhook.ts';

export interface AlertServices {
  orm: Orm;
  config: Pick<Config, 'ALERT_WEBHOOK_URL' | 'ALERT_WEBHOOK_SECRET'>;
  log: Logger;
}

/** Transactions that wrote alerts: the deliverer is woken when one of them commits. */
const wroteAlerts = new WeakSet<object>();

function delivery(alert: Alert): NewAlertDelivery {
  return { id: randomUUID(), kind: alert.kind, severity: alert.severity, payload: { ...alert } };
}

/** The JSON text posted for a delivery: its payload with the delivery's id first. */
export function alertBody(id: string, payload: Record<string, unknown>): string {
  return JSON.stringify({ id, ...payload });
}

/**
 * Writes alerts to the outbox: in `tx`'s transaction when it is in one (they are delivered only
 * if it commits), else in a transaction of their own. Nothing is written without
 * ALERT_WEBHOOK_URL: there is nowhere to deliver to, and configuring one later should not post
 * old news.
 */
export async function enqueueAlerts(services: AlertServices, alerts: Alert[], tx?: EntityManager): Promise<void> {
  if (!services.config.ALERT_WEBHOOK_URL || alerts.length === 0) return;
  const rows = alerts.map(delivery);
  const write = async (em: EntityManager) => {
    await insertAlertDeliveries(em, rows);
    const transaction = em.getTransactionContext<object>();
    if (transaction) wroteAlerts.add(transaction);
  };
  if (tx?.isInTransaction()) await write(tx);
  else await (tx ?? services.orm.em.fork()).transactional(write);
}

export function enqueueAlert(services: AlertServices, alert: Alert, tx?: EntityManager): Promise<void> {
  return enqueueAlerts(services, [alert], tx);
}

/**
 * Calls `listener` after each commit of a transaction that wrote alerts through `orm`, so they
 * go out at once rather than at the next poll. A nested transaction (a savepoint) is not seen:
 * its alerts wait for the poll.
 */
export function onAlertsCommitted(orm: Orm, listener: () => void): () => void {
  let listening = true;
  // MikroORM has no way to remove a subscriber: a stopped listener stays registered, muted.
  orm.em.getEventManager().registerSubscriber({
    afterTransactionCommit: ({ transaction }) => {
      if (listening && transaction && wroteAlerts.has(transaction)) listener();
    },
  });
  return () => {
    listening = false;
  };
}

/**
 * For alerts about the database itself failing: written to the outbox when it takes them, and
 * otherwise posted once, directly, so the failure is still told. Never rejects.
 */
export async function raiseAlert(services: AlertServices, alert: Alert): Promise<void> {
  const url = services.config.ALERT_WEBHOOK_URL;
  if (!url) return;
  try {
    await enqueueAlert(services, alert);
  } catch (error) {
    services.log.error({ err: error, kind: alert.kind }, 'the alert outbox refused an alert; posting it once, directly');
    const row = delivery(alert);
    await postAlert(
      { url, deliveryId: row.id, attempt: 1, body: alertBody(row.id, row.payload), secret: services.config.ALERT_WEBHOOK_SECRET ?? null },
      AbortSignal.timeout(10_000),
    )
      .then((status) => {
        if (status < 200 || status > 299) services.log.error({ status, deliveryId: row.id }, 'the alert webhook refused a direct alert');
      })
      .catch((postError: unknown) => services.log.error({ err: postError, deliveryId: row.id }, 'posting an alert directly failed'));
  }
}
