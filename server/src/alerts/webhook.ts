import type { Logger } from 'pino';
import type { OrderEventMessage } from '../graphql/pubsub.ts';

/** What is worth waking a person for: copies that failed or were refused, and halted followers. */
export function alertFor(event: OrderEventMessage): { severity: 'warning' | 'critical'; text: string } | null {
  const symbol = String(event.snapshot['symbol'] ?? '');
  const reason = event.message ?? (event.snapshot['reason'] as string | null) ?? '';
  const isChild = event.snapshot['masterOrderId'] !== null;
  if (event.kind === 'FAILED' || (event.status === 'REJECTED' && event.kind === 'BROKER_UPDATE')) {
    return { severity: 'critical', text: `${isChild ? 'Copy' : 'Order'} of ${symbol} ${event.status === 'REJECTED' ? 'rejected' : 'failed'}: ${reason}` };
  }
  if (event.kind === 'SKIPPED' && /kill switch|daily (order|loss) limit/i.test(reason)) {
    return { severity: 'warning', text: `Copy of ${symbol} skipped: ${reason}` };
  }
  if (event.kind === 'OUTCOME_UNKNOWN' || event.kind === 'CANCEL_FAILED') {
    return { severity: 'warning', text: `${symbol}: ${reason}` };
  }
  return null;
}

/**
 * Posts alerts to ALERT_WEBHOOK_URL as JSON ({ text, severity, orderId, accountId, status, at }),
 * the shape Slack-style incoming webhooks accept. Never blocks trading: each post has a short
 * timeout and a failure is logged, not retried.
 */
export function createWebhookAlerter(url: string, log: Logger, timeoutMs = 5000) {
  return (events: OrderEventMessage[]) => {
    for (const event of events) {
      const alert = alertFor(event);
      if (!alert) continue;
      const body = JSON.stringify({ ...alert, orderId: event.orderId, accountId: event.accountId, status: event.status, at: event.at });
      void fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body, signal: AbortSignal.timeout(timeoutMs) })
        .then((response) => {
          if (!response.ok) log.warn({ status: response.status }, 'the alert webhook refused an alert');
        })
        .catch((error: unknown) => log.warn({ err: error instanceof Error ? error.message : String(error) }, 'posting an alert failed'));
    }
  };
}
