import type { RouteName } from './routes/names.ts';

// HTTP fault knobs. Socket and session faults live with the socket hub and the session store;
// the server's `faults` facade puts them all in one place.

export interface TimeoutAfterAccept {
  /** 'hang': never answer (the socket is destroyed after hangMs, if given); 'reset': destroy the socket at once. */
  mode: 'hang' | 'reset';
  hangMs?: number;
  routes: readonly RouteName[];
}

interface Countdown<T> {
  remaining: number;
  spec: T;
}

export class HttpFaults {
  private latencyMs = 0;
  private latencyRoutes: ReadonlySet<RouteName> | null = null;
  private serverErrors: Countdown<{ status: number; routes: ReadonlySet<RouteName> | null }> | null = null;
  private timeouts: Countdown<TimeoutAfterAccept> | null = null;
  private rejections: Countdown<{ text: string }> | null = null;

  /** Extra delay before every answer (or only on the routes listed). */
  setLatency(ms: number, routes?: readonly RouteName[]): void {
    this.latencyMs = Math.max(0, ms);
    this.latencyRoutes = routes ? new Set(routes) : null;
  }

  latencyFor(route: RouteName): number {
    return this.latencyRoutes === null || this.latencyRoutes.has(route) ? this.latencyMs : 0;
  }

  /** The next `count` calls (optionally only on some routes) answer a bare 5xx. */
  failNext(count: number, options: { status?: number; routes?: readonly RouteName[] } = {}): void {
    this.serverErrors = {
      remaining: count,
      spec: { status: options.status ?? 503, routes: options.routes ? new Set(options.routes) : null },
    };
  }

  takeServerError(route: RouteName): number | null {
    const f = this.serverErrors;
    if (!f || f.remaining <= 0 || (f.spec.routes && !f.spec.routes.has(route))) return null;
    f.remaining -= 1;
    return f.spec.status;
  }

  /** The next `count` order writes are carried out but never answered. */
  timeoutAfterAccept(count: number, options: Partial<TimeoutAfterAccept> = {}): void {
    this.timeouts = {
      remaining: count,
      spec: { mode: options.mode ?? 'hang', hangMs: options.hangMs, routes: options.routes ?? ['placeOrder'] },
    };
  }

  takeTimeout(route: RouteName): TimeoutAfterAccept | null {
    const f = this.timeouts;
    if (!f || f.remaining <= 0 || !f.spec.routes.includes(route)) return null;
    f.remaining -= 1;
    return f.spec;
  }

  /** The next `count` orders are accepted, then rejected by "RMS" with `text`. */
  rejectNextOrders(count: number, text = 'Your order has been rejected by RMS'): void {
    this.rejections = { remaining: count, spec: { text } };
  }

  takeRejection(): string | null {
    const f = this.rejections;
    if (!f || f.remaining <= 0) return null;
    f.remaining -= 1;
    return f.spec.text;
  }

  reset(): void {
    this.latencyMs = 0;
    this.latencyRoutes = null;
    this.serverErrors = null;
    this.timeouts = null;
    this.rejections = null;
  }
}
