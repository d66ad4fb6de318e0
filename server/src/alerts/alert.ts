// What Tandem tells people through ALERT_WEBHOOK_URL. An alert is one JSON object: `kind` says
// what happened (receivers route on it), `text` is the line a person reads (what Slack-style
// incoming webhooks show), and the rest says what it is about.

export type AlertSeverity = 'info' | 'warning' | 'critical';

/**
 * What happened. Order alerts (alerts/order-alerts.ts) and broker sessions
 * (alerts/session-alerts.ts) raise the first ones; 'position.drift' and 'square_off' are
 * raised by drift and square-off, which call enqueueAlert (alerts/outbox.ts).
 */
export type AlertKind =
  | 'order.failed'
  | 'order.static_ip'
  | 'order.outcome_unknown'
  | 'order.cancel_failed'
  | 'copy.skipped'
  | 'copy.write_failed'
  | 'session.auth_failed'
  | 'session.expired'
  | 'position.drift'
  | 'position.mismatch'
  | 'square_off';

export interface Alert {
  kind: AlertKind;
  severity: AlertSeverity;
  /** One line a person can act on. */
  text: string;
  /** When it happened (ISO 8601). */
  at: string;
  /** What it is about: order alerts carry orderId, accountId and status; other kinds what they need. Plain JSON values only. */
  [field: string]: unknown;
}
