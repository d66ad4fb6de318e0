import type { Logger } from 'pino';
import type { AlertDeliverer } from './alerts/deliverer.ts';
import type { BrokerOrder } from './brokers/port.ts';
import { AccountLimiter } from './replicator/account-limiter.ts';
import { KeyedQueue } from './concurrency/keyed-queue.ts';
import { MicroBatcher } from './concurrency/micro-batch.ts';
import { OrderSender } from './replicator/order-sender.ts';
import { OrderService } from './services/order-service.ts';
import { Reconciler } from './replicator/reconciler.ts';
import { Account } from './persistence/entities/account.entity.ts';
import { MasterDetector } from './replicator/detector.ts';
import { AccountLeases } from './replicator/account-leases.ts';
import { DRIFT_CHECK_MS, DriftWatch } from './services/drift-watch.ts';
import { recoverAfterRestart, recoverMasters, type RecoveryDeps, type RecoveryReport, settleStale } from './replicator/recovery.ts';
import { Replicator } from './replicator/replicator.ts';
import type { RateLimiter } from './rate-limit/limiter.ts';
import type { AppServices } from './services/container.ts';

export interface EngineOptions {
  installId: string;
  /** How long the reconciler waits between its two look-ups of an unknown order. */
  reconcileRecheckMs?: number;
  /** How long a master's lease lasts unrenewed: a dead instance's masters are taken over after this. */
  leaseTtlMs?: number;
  /** 'sequential' is the benchmark's baseline only. */
  fanOut?: 'parallel' | 'sequential';
  /** Where order calls wait for their turn: counted in this process, or through Redis when instances share it. */
  limiter: RateLimiter;
  /** This instance's name in lease rows and its heartbeat. */
  instanceId?: string;
  /** Fault injection for tests (see OrderSender.beforeBrokerCall). */
  beforeBrokerCall?: (orderId: string) => Promise<void>;
  /** Posts the alert outbox (ALERT_WEBHOOK_URL set): run with the background work, not by API-only instances. */
  alerts?: AlertDeliverer | null;
}

const UNPLANNED_SWEEP_MS = 5_000;
/** How far back the sweep looks; older unplanned masters are planned at a takeover or restart (as stale skips). */
const UNPLANNED_SWEEP_WINDOW_MS = 10 * 60_000;

/**
 * The trading engine: sends orders, follows brokers' updates, detects and replicates master
 * orders, and reconciles what a crash or timeout left unknown.
 */
export class Engine {
  readonly orders: OrderService;
  readonly replicator: Replicator;
  readonly reconciler: Reconciler;
  readonly detector: MasterDetector;
  readonly leases: AccountLeases;
  /** Drift alerts for the masters held here (tests call its check). */
  readonly driftWatch: DriftWatch;
  private readonly sender: OrderSender;
  /** Broker updates from every account, applied in arrival order, many per transaction. */
  private readonly updates = new MicroBatcher<{ broker: Account['broker']; clientCode: string; update: BrokerOrder }, undefined>(
    (items) => this.applyUpdates(items),
    { serial: true },
  );
  private readonly background = new Set<Promise<unknown>>();
  private readonly stops: (() => void)[] = [];
  private readonly accounts = new Map<string, Account>();
  /** Start-up recovery covers the masters held then; masters acquired later are recovered as they come. */
  private recovered = false;
  private acquiredDuringRecovery: string[] = [];
  /** The alert outbox's deliverer, when ALERT_WEBHOOK_URL is set. */
  readonly alerts: AlertDeliverer | null;

  constructor(
    private readonly services: AppServices,
    options: EngineOptions,
    private readonly log: Logger = services.log,
  ) {
    const sender = new OrderSender(services, new AccountLimiter(options.limiter));
    this.sender = sender;
    sender.beforeBrokerCall = options.beforeBrokerCall ?? null;
    this.orders = new OrderService(services, options.installId, sender);
    this.reconciler = new Reconciler(services, sender, options.reconcileRecheckMs);
    this.detector = new MasterDetector(services.journal, services.clock, options.installId, log);
    this.replicator = new Replicator(services, sender, options.installId, new KeyedQueue(), options.fanOut);
    sender.onUnknown = (orderId) => this.track(this.reconciler.reconcile(orderId));
    this.leases = new AccountLeases(
      services.orm,
      {
        acquired: (leases) => {
          this.track(this.followSmartApi(leases.map((l) => l.accountId)));
          if (!this.recovered) {
            this.acquiredDuringRecovery.push(...leases.map((l) => l.accountId));
            return;
          }
          // A master no one held before has no children anywhere: only its unplanned orders (placed
          // through an API-only instance) need copying. One taken over may have unfinished fan-outs.
          const fresh = leases.filter((l) => l.epoch === 1).map((l) => l.accountId);
          const takenOver = leases.filter((l) => l.epoch > 1).map((l) => l.accountId);
          if (fresh.length > 0) this.track(this.replicator.replicateUnplanned(fresh));
          if (takenOver.length > 0)
            this.track(recoverMasters(services, this.recoveryDeps(), takenOver, { unknownAfterMs: this.leases.ttl }));
        },
        // Each event and each claim asks the lease again; only the broker's socket and poll stop here.
        lost: (accountIds) => {
          for (const id of accountIds) this.track(services.brokers.forget(id));
        },
      },
      log,
      options.leaseTtlMs,
      options.instanceId,
    );
    this.replicator.fence = this.leases;
    this.driftWatch = new DriftWatch(services, () => this.leases.heldAccountIds);
    sender.fence = this.leases;
    this.alerts = options.alerts ?? null;
  }

  /** Follows the brokers and the journal; with `replicate`, also recovers and copies (ROLE all/replicator). */
  async start(replicate: boolean): Promise<RecoveryReport | null> {
    // Every broker's order updates come in here alone, through the registry, applied in arrival order.
    this.stops.push(
      this.services.brokers.onOrderUpdate(({ broker, clientCode }, update) => {
        this.track(this.updates.submit({ broker, clientCode, update }));
      }),
    );
    if (!replicate) return null;
    // First, so alerts left by an earlier run go out while recovery runs.
    this.alerts?.start();
    // SmartAPI accounts' sockets and polls run on the one instance holding each account's lease:
    // Angel allows three sockets per client code, and API-only instances open none.
    this.services.brokers.watchWith((accountId) => this.leases.holds(accountId));
    await this.leases.refresh();
    // A new master or SmartAPI account is taken at once rather than at the next renewal. Muted,
    // not unsubscribed, on stop: see Replicator.start.
    let muted = false;
    await this.services.pubsub.subscribe('visibilityChanged', () => {
      if (!muted) void this.leases.refresh();
    });
    this.stops.push(() => {
      muted = true;
    });
    this.stops.push(await this.replicator.start());
    const heldAtStart = this.leases.heldAccountIds;
    this.acquiredDuringRecovery = [];
    const report = await recoverAfterRestart(this.services, {
      ...this.recoveryDeps(),
      masterIds: heldAtStart,
      unknownAfterMs: this.leases.ttl,
    });
    this.recovered = true;
    const late = this.acquiredDuringRecovery.filter((id) => !heldAtStart.includes(id));
    if (late.length > 0) this.track(recoverMasters(this.services, this.recoveryDeps(), late, { unknownAfterMs: this.leases.ttl }));
    this.leases.start();
    // A master change whose Redis message was lost is still copied: every few seconds the masters
    // this instance holds are checked for accepted orders no one planned (the check is one query).
    const sweep = setInterval(() => {
      const since = new Date(this.services.clock.now().getTime() - UNPLANNED_SWEEP_WINDOW_MS);
      this.track(this.replicator.replicateUnplanned(this.leases.heldAccountIds, since));
    }, UNPLANNED_SWEEP_MS);
    sweep.unref();
    this.stops.push(() => clearInterval(sweep));
    // Orders not final and unchanged for SETTLE_AFTER_S are reconciled with their books, looked for
    // every 1.5 times that: an order is settled between one and 2.5 times SETTLE_AFTER_S after it went quiet.
    const settle = setInterval(() => void this.track(this.settleStale()), this.services.config.SETTLE_AFTER_S * 1500);
    settle.unref();
    this.stops.push(() => clearInterval(settle));
    // Followers out of line with their masters, once the masters' newest orders have settled.
    const drift = setInterval(() => void this.track(this.driftWatch.check()), DRIFT_CHECK_MS);
    drift.unref();
    this.stops.push(() => clearInterval(drift));
    return report;
  }

  /**
   * Reconciles with their brokers' books the children of the masters held here that have not
   * changed for SETTLE_AFTER_S and are not final: runs every 1.5 x SETTLE_AFTER_S (tests call it).
   */
  settleStale(): Promise<{ booksSynced: number; unknownLookedUp: number; childrenSent: number }> {
    const unchangedSince = new Date(this.services.clock.now().getTime() - this.services.config.SETTLE_AFTER_S * 1000);
    return settleStale(this.services, this.recoveryDeps(), this.leases.heldAccountIds, unchangedSince, (id) => this.sender.isSending(id));
  }

  private recoveryDeps(): RecoveryDeps {
    return { orders: this.orders, replicator: this.replicator, reconciler: this.reconciler, detector: this.detector, log: this.log };
  }

  async stop(): Promise<void> {
    for (const stop of this.stops.splice(0)) stop();
    await this.services.brokers.stopFollowing();
    await this.idle();
    await this.leases.stop();
    await this.alerts?.stop();
  }

  /** Resolves when no update, replication or reconciliation started so far is still running. */
  async idle(): Promise<void> {
    for (;;) {
      await this.replicator.idle();
      if (this.background.size === 0) return;
      await Promise.allSettled([...this.background]);
    }
  }

  /**
   * Brokers' updates are what happened at the broker: while the database connection is lost
   * they wait, in order, and are applied once it answers (folding one twice changes nothing).
   */
  private applyUpdates(items: { broker: Account['broker']; clientCode: string; update: BrokerOrder }[]): Promise<undefined[]> {
    return this.services.database.whileUnreachable("applying brokers' order updates", () => this.applyUpdatesOnce(items));
  }

  private async applyUpdatesOnce(items: { broker: Account['broker']; clientCode: string; update: BrokerOrder }[]): Promise<undefined[]> {
    const key = (broker: string, clientCode: string) => `${broker}:${clientCode}`;
    const missing = [...new Set(items.map((i) => key(i.broker, i.clientCode)))].filter((k) => !this.accounts.has(k));
    if (missing.length > 0) {
      const found = await this.services.orm.em
        .fork()
        .find(Account, { $or: items.map((i) => ({ broker: i.broker, clientCode: i.clientCode })) });
      for (const account of found) this.accounts.set(key(account.broker, account.clientCode), account);
    }
    const known = items.flatMap((item) => {
      const account = this.accounts.get(key(item.broker, item.clientCode));
      return account ? [{ account, update: item.update }] : [];
    });
    const rows = await this.orders.applyBrokerUpdates(known.map(({ account, update }) => ({ accountId: account.id, update })));
    // An order Tandem has no row for is detected once, from its latest state in this batch.
    const unknown = new Map<string, (typeof known)[number]>();
    rows.forEach((row, index) => {
      const item = known[index]!;
      if (!row) unknown.set(`${item.account.id}|${item.update.brokerOrderId}`, item);
    });
    for (const item of unknown.values()) await this.detector.detect(item.account, item.update);
    return items.map(() => undefined);
  }

  private async followSmartApi(accountIds: string[]): Promise<void> {
    if (accountIds.length === 0) return;
    this.services.brokers.follow(await this.services.orm.em.fork().find(Account, { id: { $in: accountIds }, broker: 'SMARTAPI' }));
  }

  private track(work: Promise<unknown>): void {
    const tracked = work.catch((error: unknown) => this.log.error({ err: error }, 'background order work failed'));
    this.background.add(tracked);
    void tracked.finally(() => this.background.delete(tracked));
  }
}
