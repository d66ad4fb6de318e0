import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** One registry per app instance, so tests that start several servers in one process do not collide. */
export function createMetrics() {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  return {
    registry,
    orderEvents: new Counter({
      name: 'tandem_order_events_total',
      help: 'Order state changes recorded',
      labelNames: ['status'],
      registers: [registry],
    }),
    httpRequests: new Counter({
      name: 'tandem_http_requests_total',
      help: 'HTTP requests served',
      labelNames: ['route', 'status'],
      registers: [registry],
    }),
    subscriptionAnswers: new Counter({
      name: 'tandem_subscription_answers_total',
      help: "Subscription events answered: 'executed' ran the selection, 'shared' took an alike subscriber's answer",
      labelNames: ['how'],
      registers: [registry],
    }),
    apiTokenRefusals: new Counter({
      name: 'tandem_api_token_refusals_total',
      help: 'GraphQL requests and subscription starts refused because their API token used up API_TOKEN_RATE_PER_MIN',
      registers: [registry],
    }),
    alertAttempts: new Counter({
      name: 'tandem_alert_attempts_total',
      help: "Posts of alerts to ALERT_WEBHOOK_URL: 'delivered' (answered 2xx) or 'failed' (anything else, no answer included)",
      labelNames: ['outcome'],
      registers: [registry],
    }),
    alertsUndelivered: new Counter({
      name: 'tandem_alerts_undelivered_total',
      help: 'Alerts given up (FAILED) after a day of failed posts',
      registers: [registry],
    }),
    alertsPending: new Gauge({
      name: 'tandem_alerts_pending',
      help: 'Alerts in the outbox not yet delivered nor given up, as last counted by an instance that delivers them',
      registers: [registry],
    }),
    brokerCallSeconds: new Histogram({
      name: 'tandem_broker_call_seconds',
      help: 'Broker round trips',
      labelNames: ['broker', 'call'],
      registers: [registry],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    }),
  };
}

export type Metrics = ReturnType<typeof createMetrics>;
