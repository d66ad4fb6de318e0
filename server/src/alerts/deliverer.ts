import type { Logger } from 'pino';
import type { Metrics } from '../metrics.ts';
import type { Orm } from '../persistence/db.ts';
import {
  type ClaimedAlert,
  claimDueAlerts,
  countPendingAlerts,
  pruneAlertDeliveries,
  recordAlertAttempt,
} from '../persistence/repositories/alert-outbox.repository.ts';
import { alertBody, onAlertsCommitted } from './outbox.ts';
import { ALERT_GIVE_UP_AFTER_MS, ALERT_RETRY_DELAYS_MS, retryDelayMs } from './retry-schedule.ts';
import { postAlert } from './webhook.ts';

export interface AlertDelivererOptions {
  url: string;
  /** ALERT_WEBHOOK_SECRET; null posts unsigned. */
  secret: string | null;
  /** Waits after the 1st, 2nd, ... failed attempt; the last repeats (tests pass short ones). */
  retryDelaysMs?: readonly number[];
  giveUpAfterMs?: number;
  /** How long one post may take before it counts as failed. */
  timeoutMs?: number;
  /** How often due deliveries are looked for besides the wake-ups after each commit of alerts. */
  pollMs?: number;
  /** Deliveries claimed, and posted side by side, at a time. */
  batchSize?: number;
  /** Delivered and given-up alerts are kept this long (the order events' retention). */
  keepMs?: number;
  /** On stop, how long posts under way may still finish before they are cut off. */
  shutdownGraceMs?: number;
}

export interface AlertDelivererDeps {
  orm: Orm;
  log: Logger;
  metrics: Pick<Metrics, 'alertAttempts' | 'alertsUndelivered' | 'alertsPending'>;
}

const PRUNE_EVERY_MS = 3_600_000;

/**
 * Posts the outbox's due alerts to ALERT_WEBHOOK_URL, signed, and retries with back-off what is
 * not answered with 2xx, recording every attempt. Runs in the instances that do background work;
 * several may run at once, since each claims its rows (claimDueAlerts). Nothing in the order path
 * waits on it: writers only add rows, and wake it after their commit.
 */
export class AlertDeliverer {
  private readonly delays: readonly number[];
  private readonly giveUpAfterMs: number;
  private readonly timeoutMs: number;
  private readonly pollMs: number;
  private readonly batchSize: number;
  private readonly leaseMs: number;
  private readonly shutdownGraceMs: number;
  private stopped = true;
  private running: Promise<void> | null = null;
  private again = false;
  private failing = false;
  private readonly timers: NodeJS.Timeout[] = [];
  private readonly inFlight = new Set<AbortController>();
  private readonly unlisten: () => void;
  private pruning: Promise<unknown> | null = null;

  constructor(
    private readonly deps: AlertDelivererDeps,
    private readonly options: AlertDelivererOptions,
  ) {
    this.delays = options.retryDelaysMs ?? ALERT_RETRY_DELAYS_MS;
    this.giveUpAfterMs = options.giveUpAfterMs ?? ALERT_GIVE_UP_AFTER_MS;
    this.timeoutMs = options.timeoutMs ?? 10_000;
    this.pollMs = options.pollMs ?? 2_000;
    this.batchSize = options.batchSize ?? 20;
    this.shutdownGraceMs = options.shutdownGraceMs ?? 2_000;
    // Longer than a post may take, with room to record it: a claim runs out only when its holder died.
    this.leaseMs = this.timeoutMs + 5_000;
    // Listening from construction: alerts written before start() wake it once it runs.
    this.unlisten = onAlertsCommitted(deps.orm, () => this.wake());
  }

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    const poll = setInterval(() => this.wake(), this.pollMs);
    poll.unref();
    this.timers.push(poll);
    if (this.options.keepMs !== undefined) {
      const prune = setInterval(() => this.prune(), PRUNE_EVERY_MS);
      prune.unref();
      this.timers.push(prune);
      this.prune();
    }
    // What an earlier run left (a restart, a receiver that was down) goes out now.
    this.wake();
  }

  /** Looks for due deliveries now (after a commit of alerts; every pollMs). */
  wake(): void {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = this.drain().finally(() => {
      this.running = null;
      if (this.again) {
        this.again = false;
        this.wake();
      }
    });
  }

  /** Resolves once nothing is being delivered. */
  async idle(): Promise<void> {
    while (this.running) await this.running;
  }

  /**
   * Stops claiming; posts under way get shutdownGraceMs to finish, then are cut off and
   * recorded as due at once, for the next instance or start to post again (same delivery id).
   */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    this.unlisten();
    for (const timer of this.timers.splice(0)) clearInterval(timer);
    const cutOff = setTimeout(() => {
      for (const controller of this.inFlight) controller.abort();
    }, this.shutdownGraceMs);
    await this.idle();
    clearTimeout(cutOff);
    await this.pruning;
  }

  private async drain(): Promise<void> {
    try {
      for (;;) {
        const claimed = await claimDueAlerts(this.deps.orm.em.fork(), this.batchSize, this.leaseMs);
        await Promise.all(claimed.map((alert) => this.attempt(alert)));
        if (claimed.length < this.batchSize || this.stopped) break;
      }
      this.deps.metrics.alertsPending.set(await countPendingAlerts(this.deps.orm.em.fork()));
      if (this.failing) this.deps.log.info('delivering alerts works again');
      this.failing = false;
    } catch (error) {
      // Claimed rows come due again when their claim runs out; nothing is lost.
      if (!this.failing) this.deps.log.error({ err: error }, 'delivering alerts failed; trying again at each poll');
      this.failing = true;
    }
  }

  private async attempt(alert: ClaimedAlert): Promise<void> {
    const attempt = alert.attempts + 1;
    const controller = new AbortController();
    this.inFlight.add(controller);
    const at = new Date();
    const started = performance.now();
    let httpStatus: number | null = null;
    let error: string | null = null;
    try {
      httpStatus = await postAlert(
        { url: this.options.url, deliveryId: alert.id, attempt, body: alertBody(alert.id, alert.payload), secret: this.options.secret },
        AbortSignal.any([controller.signal, AbortSignal.timeout(this.timeoutMs)]),
      );
    } catch (cause) {
      error = controller.signal.aborted ? 'cut off: Tandem stopped before the receiver answered' : this.describe(cause);
    } finally {
      this.inFlight.delete(controller);
    }
    const durationMs = performance.now() - started;
    const delivered = httpStatus !== null && httpStatus >= 200 && httpStatus < 300;
    if (httpStatus !== null && !delivered) error = `HTTP ${httpStatus}`;
    // An attempt cut off by a shutdown is no fault of the receiver's: due again at once.
    const retryInMs = controller.signal.aborted ? 0 : retryDelayMs(attempt, this.delays);
    const after = await recordAlertAttempt(this.deps.orm.em.fork(), {
      deliveryId: alert.id,
      attempt,
      at,
      httpStatus,
      error,
      durationMs,
      delivered,
      retryInMs,
      giveUpAfterMs: this.giveUpAfterMs,
    });
    this.deps.metrics.alertAttempts.inc({ outcome: delivered ? 'delivered' : 'failed' });
    if (delivered) return;
    const context = { deliveryId: alert.id, kind: alert.kind, attempt, error };
    if (after?.state === 'FAILED') {
      this.deps.metrics.alertsUndelivered.inc();
      this.deps.log.error({ ...context, text: alert.payload.text }, 'gave up delivering an alert: ALERT_WEBHOOK_URL never took it');
    } else {
      this.deps.log.warn({ ...context, retryInMs }, 'an alert was not delivered; it is tried again later');
    }
  }

  /** Why there was no answer, without the body or headers (the signature stays out of logs). */
  private describe(cause: unknown): string {
    if (cause instanceof Error && cause.name === 'TimeoutError') return `no answer within ${this.timeoutMs} ms`;
    if (cause instanceof Error) {
      const inner = cause.cause as { code?: string; message?: string } | undefined;
      return inner?.message ? `${cause.message}: ${inner.code ?? ''} ${inner.message}`.replace(/\s+/g, ' ') : cause.message;
    }
    return String(cause);
  }

  private prune(): void {
    if (this.pruning || this.options.keepMs === undefined) return;
    const before = new Date(Date.now() - this.options.keepMs);
    this.pruning = pruneAlertDeliveries(this.deps.orm.em.fork(), before)
      .catch((error: unknown) => this.deps.log.error({ err: error }, 'pruning delivered alerts failed'))
      .finally(() => {
        this.pruning = null;
      });
  }
}
