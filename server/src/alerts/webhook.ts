import type { Logger } from 'pino';
import type { OrderEventMessage } from '../events/pubsub.ts';

/** What is worth waking a person for: copies that failed or were refused, and halted followers. */
export function alertFor(event: OrderEventMessage): { severity: 'warning' | 'critical'; text: string } | null {
  const symbol = event.snapshot.symbol;
  const reason = event.message ?? event.snapshot.reason ?? '';
  const isChild = event.snapshot.masterOrderId !== null;
  if (event.kind === 'FAILED' || (event.status === 'REJECTED' && event.kind === 'BROKER_UPDATE')) {
    return {
      severity: 'critical',
      text: `${isChild ? 'Copy' : 'Order'} of ${symbol} ${event.status === 'REJECTED' ? 'rejected' : 'failed'}: ${reason}`,
    };
  }
  if (event.kind === 'SKIPPED' && /kill switch|daily (order|loss) limit/i.test(reason)) {
    return { severity: 'warning', text: `Copy of ${symbol} skipped: ${reason}` };
  }
  if (event.kind === 'OUTCOME_UNKNOWN' || event.kind === 'CANCEL_FAILED') {
    return { severity: 'warning', text: `${symbol}: ${reason}` };
  }
  return null;
}

/** What is posted to ALERT_WEBHOOK_URL, the shape Slack-style incoming webhooks accept. */
export interface Alert {
  severity: 'warning' | 'critical';
  text: string;
  orderId: string;
  accountId: string;
  status: string;
  at: string;
}

/**
 * Posts one alert as JSON. Never blocks trading: the post has a short timeout and a failure
 * is logged, not retried; the returned promise never rejects.
 */
export function postAlert(url: string, alert: Alert, log: Logger, timeoutMs = 5000): Promise<void> {
  return fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(alert),
    signal: AbortSignal.timeout(timeoutMs),
  })
    .then((response) => {
      if (!response.ok) log.warn({ status: response.status }, 'the alert webhook refused an alert');
    })
    .catch((error: unknown) => log.warn({ err: error instanceof Error ? error.message : String(error) }, 'posting an alert failed'));
}

/** Posts the alerts that committed order changes call for (alertFor) to ALERT_WEBHOOK_URL. */
export function createWebhookAlerter(url: string, log: Logger, timeoutMs = 5000) {
  return (events: OrderEventMessage[]) => {
    for (const event of events) {
      const alert = alertFor(event);
      if (!alert) continue;
      void postAlert(
        url,
        { ...alert, orderId: event.orderId, accountId: event.accountId, status: event.status, at: event.at },
        log,
        timeoutMs,
      );
    }
  };
}
