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

/**
 * Turns committed order changes into alerts in the outbox. Written just after the commit, in a
 * transaction of their own (the journal's transaction belongs to events/order-journal.ts): a
 * process killed in the milliseconds between the two loses those alerts, never the orders' own
 * record. While the database connection is lost they wait and are written once it answers.
 */
export function createOrderEventAlerter(services: AlertServices & { database: DatabaseHealth }) {
  const writing = new Set<Promise<void>>();
  return {
    onCommitted(events: OrderEventMessage[]): void {
      const alerts: Alert[] = events.flatMap((event) => {
        const alert = alertFor(event);
        return alert ? [{ ...alert, at: event.at, orderId: event.orderId, accountId: event.accountId, status: event.status }] : [];
      });
      if (alerts.length === 0) return;
      const written = services.database
        .whileUnreachable('writing alerts', () => enqueueAlerts(services, alerts))
        .catch((error: unknown) =>
          services.log.error({ err: error, orderIds: alerts.map((a) => a.orderId) }, 'writing alerts for order changes failed'),
        )
        .finally(() => writing.delete(written));
      writing.add(written);
    },
    /** Resolves once every alert handed over so far is written (or failed to be). */
    async settled(): Promise<void> {
      await Promise.all([...writing]);
    },
  };
}
