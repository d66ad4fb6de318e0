import type { EntityManager } from '@mikro-orm/core';
import type { OrderEventMessage } from '../events/pubsub.ts';
import type { DatabaseHealth } from '../persistence/connection-loss.ts';
import type { Alert, AlertKind, AlertSeverity } from './alert.ts';
import { type AlertServices, enqueueAlerts } from './outbox.ts';

/** Angel One's static-IP rule (docs/smartapi.md §9): every order write from this server is refused until it is fixed. */
const STATIC_IP_CODE = /\bAG7002\b/;

/** What is worth waking a person for: copies that failed or were refused, and halted followers. */
export function alertFor(event: OrderEventMessage): { kind: AlertKind; severity: AlertSeverity; text: string } | null {
  const symbol = event.snapshot.symbol;
  const reason = event.message ?? event.snapshot.reason ?? '';
  const isChild = event.snapshot.masterOrderId !== null;
  if (event.kind === 'FAILED' || (event.status === 'REJECTED' && event.kind === 'BROKER_UPDATE')) {
    return {
      kind: STATIC_IP_CODE.test(reason) ? 'order.static_ip' : 'order.failed',
      severity: 'critical',
      text: `${isChild ? 'Copy' : 'Order'} of ${symbol} ${event.status === 'REJECTED' ? 'rejected' : 'failed'}: ${reason}`,
    };
  }
  if (event.kind === 'SKIPPED' && /kill switch|daily (order|loss) limit/i.test(reason)) {
    return { kind: 'copy.skipped', severity: 'warning', text: `Copy of ${symbol} skipped: ${reason}` };
  }
  if (event.kind === 'OUTCOME_UNKNOWN' || event.kind === 'CANCEL_FAILED') {
    return {
      kind: event.kind === 'CANCEL_FAILED' ? 'order.cancel_failed' : 'order.outcome_unknown',
      severity: 'warning',
      text: `${symbol}: ${reason}`,
    };
  }
  return null;
}

/** The alerts a batch of order changes calls for. */
export function orderAlerts(events: readonly OrderEventMessage[]): Alert[] {
  return events.flatMap((event) => {
    const alert = alertFor(event);
    return alert ? [{ ...alert, at: event.at, orderId: event.orderId, accountId: event.accountId, status: event.status }] : [];
  });
}

/**
 * Writes the alerts order changes call for into the outbox inside the transaction that records
 * the changes (OrderJournal.writeAlong): they exist exactly when the changes committed, so a
 * restart loses none. Inside a savepoint, so an outbox that refuses them never fails the order
 * change itself: they are then written just after the commit, in a transaction of their own.
 */
export function createOrderEventAlerter(services: AlertServices & { database: DatabaseHealth }) {
  const writing = new Set<Promise<void>>();
  const afterCommit = (alerts: Alert[]) => {
    const written = services.database
      .whileUnreachable('writing alerts', () => enqueueAlerts(services, alerts))
      .catch((error: unknown) =>
        services.log.error({ err: error, orderIds: alerts.map((a) => a.orderId) }, 'writing alerts for order changes failed'),
      )
      .finally(() => writing.delete(written));
    writing.add(written);
  };
  return {
    async writeAlong(em: EntityManager, events: OrderEventMessage[]): Promise<void> {
      const alerts = orderAlerts(events);
      if (alerts.length === 0) return;
      try {
        await em.transactional((savepoint) => enqueueAlerts(services, alerts, savepoint));
      } catch (error) {
        services.log.error(
          { err: error, orderIds: alerts.map((a) => a.orderId) },
          'the outbox refused alerts in the order change; writing them after it',
        );
        // Not awaited: a transaction of its own, which waits for this one where there is one connection.
        afterCommit(alerts);
      }
    },
    /** Resolves once every alert handed over to be written after a commit is written (or failed to be). */
    async settled(): Promise<void> {
      await Promise.all([...writing]);
    },
  };
}
