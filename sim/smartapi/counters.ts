import { ROUTE_NAMES, type RouteName } from './routes/names.ts';

export interface SimCountersSnapshot {
  /** Calls that reached a known endpoint, whatever the answer. */
  requests: Record<RouteName, number>;
  /** Calls answered with the plain-text 403 of the rate limiter. */
  rateLimited: Record<RouteName, number>;
  /** Calls answered with an injected 5xx. */
  serverErrors: Record<RouteName, number>;
  /** Calls carried out but left unanswered by the timeout-after-accept fault. */
  unanswered: Record<RouteName, number>;
  wsConnections: number;
  wsMessagesSent: number;
}

const zeroes = (): Record<RouteName, number> => Object.fromEntries(ROUTE_NAMES.map((name) => [name, 0])) as Record<RouteName, number>;

/** What tests and benchmarks assert on: how many calls each endpoint saw and how they were answered. */
export class SimCounters {
  private requests = zeroes();
  private rateLimited = zeroes();
  private serverErrors = zeroes();
  private unanswered = zeroes();

  request(route: RouteName): void {
    this.requests[route] += 1;
  }

  limited(route: RouteName): void {
    this.rateLimited[route] += 1;
  }

  serverError(route: RouteName): void {
    this.serverErrors[route] += 1;
  }

  leftUnanswered(route: RouteName): void {
    this.unanswered[route] += 1;
  }

  snapshot(ws: { connections: number; messagesSent: number }): SimCountersSnapshot {
    return {
      requests: { ...this.requests },
      rateLimited: { ...this.rateLimited },
      serverErrors: { ...this.serverErrors },
      unanswered: { ...this.unanswered },
      wsConnections: ws.connections,
      wsMessagesSent: ws.messagesSent,
    };
  }

  reset(): void {
    this.requests = zeroes();
    this.rateLimited = zeroes();
    this.serverErrors = zeroes();
    this.unanswered = zeroes();
  }
}
