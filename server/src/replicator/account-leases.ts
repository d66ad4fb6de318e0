import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type { EntityManager } from '@mikro-orm/core';
import type { Logger } from 'pino';
import type { Orm } from '../persistence/db.ts';
import {
  handBackLeases,
  lockHeldLeases,
  nextForeignExpiryMs,
  renewLeases,
  takeFreeLeases,
} from '../persistence/repositories/account-lease.repository.ts';

export interface AcquiredLease {
  accountId: string;
  /** 1 for an account no instance ever held; higher when taken over (or handed back). */
  epoch: number;
}

export interface LeaseHandlers {
  /** Accounts this instance now watches: new ones, or taken over from an instance that stopped or went quiet. */
  acquired(leases: AcquiredLease[]): void;
  /** Accounts another instance took (this one was too slow to renew): stop watching and sending for them. */
  lost(accountIds: string[]): void;
}

/** The check made inside a transaction before writing ahead or claiming: does this instance hold these masters now? */
export interface LeaseFence {
  readonly holder: string;
  /** Of `accountIds`, the masters this instance holds in the epoch it believes; their lease rows stay locked until commit. */
  heldIn(tx: EntityManager, accountIds: string[]): Promise<Set<string>>;
  holds(accountId: string): boolean;
  /**
   * Checked right before every broker call for a master's children: whether this instance's
   * lease on the master is certainly still running by its own monotonic clock. The deadline
   * is taken from when the renewal was sent, so it ends no later than the database's expiry.
   */
  mayCallBroker(accountId: string): boolean;
}

/**
 * Each watched account (every master, and every SmartAPI account, whose order socket Angel
 * allows three of per client code) is watched by one instance at a time: a lease row in the
 * database with an expiry and a fencing epoch. The holder renews every `ttlMs / 3`; an
 * instance that stops renewing loses its accounts to whoever takes them after the expiry,
 * with the epoch bumped.
 * Writing ahead and claiming lock the lease row (FOR SHARE) and check holder and epoch, so a
 * takeover can never overlap with the old holder's last claims. Time is the database's clock;
 * besides, each lease has a local deadline on this process's monotonic clock, checked right
 * before every broker call, so an instance paused between claim and send (GC, SIGSTOP) wakes
 * to find its deadline gone and sends nothing.
 */
/** How long after another holder's expiry its lease is asked for: the database's clock decides, so a little late. */
const EXPIRY_MARGIN_MS = 20;

/** A name for this process that no other instance, here or on another host, has. */
export function newInstanceId(): string {
  return `${hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`;
}

export class AccountLeases implements LeaseFence {
  private readonly held = new Map<string, number>();
  /** performance.now() by which each held lease has surely not expired in the database. */
  private readonly deadlines = new Map<string, number>();
  private timer: NodeJS.Timeout | null = null;
  private expiryTimer: NodeJS.Timeout | null = null;
  private refreshing: Promise<void> | null = null;

  constructor(
    private readonly orm: Orm,
    private readonly handlers: LeaseHandlers,
    private readonly log: Logger,
    private readonly ttlMs = 15_000,
    /** This instance's name in the lease rows (and its heartbeat): host:pid:random. */
    readonly holder = newInstanceId(),
  ) {}

  holds(accountId: string): boolean {
    return this.held.has(accountId);
  }

  mayCallBroker(accountId: string): boolean {
    return this.held.has(accountId) && performance.now() < (this.deadlines.get(accountId) ?? 0);
  }

  get ttl(): number {
    return this.ttlMs;
  }

  get heldAccountIds(): string[] {
    return [...this.held.keys()];
  }

  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => void this.refresh(), this.renewEveryMs);
    this.timer.unref();
  }

  private get renewEveryMs(): number {
    return Math.max(200, Math.floor(this.ttlMs / 3));
  }

  /** One refresh at `ms` from now, besides the regular ones (the last such wins). */
  private refreshAt(ms: number): void {
    if (this.expiryTimer) clearTimeout(this.expiryTimer);
    this.expiryTimer = setTimeout(() => {
      this.expiryTimer = null;
      void this.refresh();
    }, ms);
    this.expiryTimer.unref();
  }

  /**
   * Stops renewing and hands every account back at once (expired now, epoch kept, so the next
   * holder's epoch is still higher), so another instance takes over without waiting.
   */
  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    if (this.expiryTimer) clearTimeout(this.expiryTimer);
    this.timer = null;
    this.expiryTimer = null;
    await this.refreshing;
    this.held.clear();
    this.deadlines.clear();
    await handBackLeases(this.orm.em.fork(), this.holder).catch((error: unknown) => {
      this.log.warn({ err: error }, 'handing back account leases failed; they expire on their own');
    });
  }

  /** Renews what is held and takes every watched account nobody holds. One at a time. */
  refresh(): Promise<void> {
    if (this.refreshing) return this.refreshing;
    this.refreshing = this.renewAndTake()
      .catch((error: unknown) => this.log.error({ err: error }, 'refreshing account leases failed'))
      .finally(() => {
        this.refreshing = null;
      });
    return this.refreshing;
  }

  async heldIn(tx: EntityManager, accountIds: string[]): Promise<Set<string>> {
    const wanted = [...new Set(accountIds)].filter((id) => this.held.has(id));
    if (wanted.length === 0) return new Set();
    const locked = await lockHeldLeases(tx, this.holder, wanted);
    return new Set([...locked].filter(([id, epoch]) => this.held.get(id) === epoch).map(([id]) => id));
  }

  private async renewAndTake(): Promise<void> {
    const em = this.orm.em.fork();
    // Before the statement goes out: the database's expiry (its now() + ttl) comes later still.
    const deadline = performance.now() + this.ttlMs;
    const stillHeld = await renewLeases(em, this.holder, this.ttlMs);
    const lost = [...this.held].filter(([id, epoch]) => stillHeld.get(id) !== epoch).map(([id]) => id);
    for (const id of lost) {
      this.held.delete(id);
      this.deadlines.delete(id);
    }
    for (const id of this.held.keys()) this.deadlines.set(id, deadline);

    // An account nobody holds, or whose holder let its lease run out, is taken with the next epoch.
    const taken = await takeFreeLeases(em, this.holder, this.ttlMs);
    const acquired = [...taken].map(([accountId, epoch]) => ({ accountId, epoch }));
    for (const lease of acquired) {
      this.held.set(lease.accountId, lease.epoch);
      this.deadlines.set(lease.accountId, deadline);
    }

    // A lease another instance holds that runs out before the next renewal is taken the moment it
    // does, not up to a renewal period later: a dead holder's masters move on within the TTL.
    if (this.timer) {
      const untilExpiry = await nextForeignExpiryMs(em, this.holder);
      if (untilExpiry !== null && untilExpiry < this.renewEveryMs) this.refreshAt(Math.max(0, untilExpiry) + EXPIRY_MARGIN_MS);
    }

    if (lost.length > 0) {
      this.log.warn({ accountIds: lost }, 'account leases lost to another instance; no longer watching those accounts here');
      this.handlers.lost(lost);
    }
    if (acquired.length > 0) {
      this.log.info({ leases: acquired, holder: this.holder }, 'account leases acquired; watching those accounts here');
      this.handlers.acquired(acquired);
    }
  }
}
