import type { EntityManager } from '@mikro-orm/core';
import type { AccountRole, OrderStatus } from '../core/types.ts';
import { isConnectionLoss } from '../persistence/connection-loss.ts';
import { toEventMessage } from '../events/order-journal.ts';
import type { OrderEventMessage } from '../events/pubsub.ts';
import { eventsBetween, latestCursor } from '../persistence/repositories/order-event.repository.ts';
import { KeyedQueue } from '../concurrency/keyed-queue.ts';
import { OrderTagPool } from '../persistence/repositories/sequences.ts';
import type { OrderSender } from './order-sender.ts';
import { Account } from '../persistence/entities/account.entity.ts';
import { Order } from '../persistence/entities/order.entity.ts';
import type { ReplicatorDeps } from './deps.ts';
import { ChildFollower } from './child-follower.ts';
import { COPY_FAILED, alertCopyFailure, newCopyFailure, recordCopyFailure, type CopyFailure } from './copy-failure.ts';
import type { LeaseFence } from './account-leases.ts';
import { FollowerGuess, type MasterKey, type PlanningReads, planFollowers, readForPlanning } from './planner.ts';
import { writeChildrenAhead } from './write-ahead.ts';

/** Statuses that mean the broker accepted a master: copy from here on, never on a rejection. */
const ACCEPTED: ReadonlySet<OrderStatus> = new Set(['OPEN', 'TRIGGER_PENDING', 'AMO_QUEUED', 'PARTIALLY_FILLED', 'FILLED']);

/** How many cursors handled here are remembered, so an event is not handled twice (its echo from Redis, a catch-up). */
const SEEN_CURSORS_KEPT = 50_000;
const CATCH_UP_PAGE = 500;
/** How many earlier unplanned masters of an account are planned ahead of one (the sweep takes any more). */
const EARLIER_PLANNED_FIRST = 100;

/** One master's children written ahead, to send, with their followers' accounts. */
type Written = { children: Order[]; followers: Map<string, Account> };
/** A master just read, and what its plan reads if that was started beside it. */
type Fresh = { master: Order; reads?: Promise<PlanningReads> };

/**
 * The heart: reacts to committed changes of master orders. An accepted master is planned,
 * its children written ahead in one transaction, then sent all at once; a master's later
 * modification, cancellation or rejection is carried to its open children. Only masters whose
 * lease this instance holds are handled here, whichever instance committed the change.
 */
export class Replicator {
  private readonly roles = new Map<string, AccountRole>();
  private readonly followerGuess = new FollowerGuess();
  private readonly follower: ChildFollower;
  private readonly tags: OrderTagPool;
  private readonly inFlight = new Set<Promise<unknown>>();
  private readonly seenCursors = new Set<number>();
  /** Masters whose write-ahead failed and whose failure the database could not record yet. */
  private readonly unrecorded = new Map<string, CopyFailure>();
  /**
   * Planning and writing ahead, one master order at a time per master account, in the order
   * the changes arrived: each is sized with the copies of the ones before it written (in
   * flight), never beside them. Sending is outside it, so one slow fan-out holds up no plan.
   */
  private readonly planning = new KeyedQueue();
  private caughtUpTo = 0;
  private catchingUp: Promise<void> = Promise.resolve();
  /** Which masters this instance replicates; without one (tests of the replicator alone), all of them. */
  fence: LeaseFence | null = null;

  constructor(
    private readonly services: ReplicatorDeps,
    private readonly sender: OrderSender,
    installId: string,
    private readonly perMaster: KeyedQueue,
    private readonly fanOutMode: 'parallel' | 'sequential' = 'parallel',
  ) {
    this.tags = new OrderTagPool(installId, () => services.orm.em.fork());
    this.follower = new ChildFollower(services, sender, this.tags);
  }

  /** Reacts to master changes committed here and, when instances share Redis, to those committed elsewhere. */
  async start(): Promise<() => void> {
    const stopLocal = this.services.journal.onCommitted((events) => {
      for (const event of events) this.handleOnce(event);
    });
    if (this.services.pubsub.transport === 'memory') return stopLocal;
    // Stopping only mutes it: the subscription ends with the PubSub, since unsubscribing just
    // before the transport closes leaves the Redis engine an unawaited command to fail on.
    let stopped = false;
    await this.services.pubsub.subscribe('orderEvent', (event) => {
      if (!stopped) this.handleOnce(event);
    });
    // While Redis is down (or a message is lost), changes committed by other instances are read
    // from the database as the head watch finds them, about a second late instead of never.
    this.caughtUpTo = await latestCursor(this.services.orm.em.fork());
    const stopHeads = this.services.heads.onAdvance((head) => {
      if (!stopped) this.track(this.catchUp(head));
    });
    return () => {
      stopLocal();
      stopHeads();
      stopped = true;
    };
  }

  private handleOnce(event: OrderEventMessage): void {
    if (this.seenCursors.has(event.cursor)) return;
    this.remember(event.cursor);
    this.handle(event);
  }

  /** Handles every event up to `head` that no message brought here, one catch-up at a time, in cursor order. */
  private catchUp(head: number): Promise<void> {
    this.catchingUp = this.catchingUp.then(async () => {
      while (this.caughtUpTo < head) {
        const page = await eventsBetween(this.services.orm.em.fork(), this.caughtUpTo, head, null, CATCH_UP_PAGE);
        for (const event of page) this.handleOnce(toEventMessage(event));
        this.caughtUpTo = page.length === CATCH_UP_PAGE ? page.at(-1)!.cursor : head;
      }
    });
    return this.catchingUp;
  }

  /**
   * Plans every accepted master of these accounts that no one planned yet (a takeover, a lost
   * message); with `since`, only those created from then on (the periodic sweep reads recent
   * orders, not every order the masters ever had).
   */
  async replicateUnplanned(accountIds: string[], since?: Date): Promise<number> {
    // Leases also cover SmartAPI followers, whose own orders are not masters.
    const masterAccounts = [];
    for (const id of accountIds) if ((await this.roleOf(id)) === 'MASTER') masterAccounts.push(id);
    if (masterAccounts.length === 0) return 0;
    const masters = await this.services.orm.em.fork().find(
      Order,
      {
        masterOrderId: null,
        copyPlannedAt: null,
        accountId: { $in: masterAccounts },
        status: { $in: [...ACCEPTED] },
        ...(since ? { createdAt: { $gte: since } } : {}),
      },
      { fields: ['id', 'accountId'], orderBy: { createdAt: 'asc', id: 'asc' } },
    );
    await Promise.all(masters.map((master) => this.schedule(master.id, master.accountId)));
    return masters.length;
  }

  private handle(event: OrderEventMessage): void {
    if (event.snapshot.masterOrderId !== null) return;
    if (event.snapshot.copyPlannedAt === null && ACCEPTED.has(event.status)) {
      const { snapshot } = event;
      const known = { id: snapshot.id, accountId: snapshot.accountId, token: snapshot.token, createdAt: new Date(snapshot.createdAt) };
      this.track(this.schedule(event.orderId, event.accountId, () => this.isMine(event.accountId), known));
    } else {
      this.track(this.perMaster.run(event.orderId, () => this.onMasterEvent(event)));
    }
  }

  /**
   * Takes the master's place in its account's planning queue now (synchronously, so arrival
   * order is planning order), then fans out in the master's own queue, ahead of whatever
   * modification or cancellation of it comes next.
   */
  private schedule(masterId: string, accountId: string, mine: () => Promise<boolean> = async () => true, known?: MasterKey): Promise<void> {
    const planned = this.planning.run(accountId, async () => ((await mine()) ? this.planInOrder(masterId, known) : []));
    return this.perMaster.run(masterId, async () => {
      const written = await planned;
      await Promise.all(written.map(({ children, followers }) => this.fanOut(children, followers)));
    });
  }

  private remember(cursor: number): void {
    this.seenCursors.add(cursor);
    if (this.seenCursors.size > SEEN_CURSORS_KEPT) this.seenCursors.delete(this.seenCursors.values().next().value!);
  }

  /**
   * Whether this instance replicates the account's masters: a master whose lease it holds. A new
   * master's lease is taken when the account is created (visibilityChanged), and whatever it
   * placed before that is planned when the lease is acquired, so no event waits on a lease here.
   */
  private async isMine(accountId: string): Promise<boolean> {
    if ((await this.roleOf(accountId)) !== 'MASTER') return false;
    return !this.fence || this.fence.holds(accountId);
  }

  /** Resolves when every replication started so far has finished (tests, shutdown). */
  async idle(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight]);
  }

  private track(work: Promise<unknown>): void {
    const tracked = work.catch((error: unknown) => this.services.log.error({ err: error }, 'replication step failed'));
    this.inFlight.add(tracked);
    void tracked.finally(() => this.inFlight.delete(tracked));
  }

  private async onMasterEvent(event: OrderEventMessage): Promise<void> {
    if (!(await this.isMine(event.accountId))) return;
    const planned = event.snapshot.copyPlannedAt !== null;
    if (planned && event.kind === 'MODIFIED') {
      await this.follower.propagateModification(event.orderId);
    } else if (
      planned &&
      (event.status === 'CANCELLED' || event.status === 'REJECTED') &&
      event.kind !== 'COPY_PLANNED' &&
      event.kind !== COPY_FAILED
    ) {
      await this.follower.propagateCancellation(event.orderId, event.status);
    }
  }

  /**
   * Plans a master after every accepted master of its account created before it and not planned
   * yet: one whose event came late, or a takeover's backlog racing the live events. Each is then
   * sized with the copies of the ones before it, whatever order their events arrived in.
   * `known`: the master's unchanging fields from its event, so the master, the masters before it
   * and what planning reads are all read at once.
   */
  private async planInOrder(masterId: string, known?: MasterKey): Promise<Written[]> {
    const em = this.services.orm.em.fork();
    const reads = known ? readForPlanning(this.services, em, known, this.followerGuess) : undefined;
    // Unused when something turns out to be planned first; never left to reject unheard.
    reads?.catch(() => undefined);
    const [master, earlier] = await Promise.all([em.findOne(Order, { id: masterId }), known ? this.unplannedBefore(em, known) : null]);
    if (!master) return [];
    const before = master.copyPlannedAt ? [] : (earlier ?? (await this.unplannedBefore(em, master)));
    const written: Written[] = [];
    for (const { id } of before) {
      const one = await this.planAndWriteAhead(id);
      if (one) written.push(one);
    }
    // Read just now, unless earlier masters were planned meanwhile: then read again.
    const one = before.length === 0 ? await this.planAndWriteAhead(masterId, { master, reads }) : await this.planAndWriteAhead(masterId);
    if (one) written.push(one);
    return written;
  }

  /**
   * The account's accepted masters created before this one and not planned yet, earlier as
   * positions are counted (holdingsByAccount's `before`): by time, then by id for masters of the
   * same millisecond, so planning order and sizing order agree.
   */
  private unplannedBefore(em: EntityManager, master: MasterKey): Promise<Pick<Order, 'id'>[]> {
    return em.find(
      Order,
      {
        accountId: master.accountId,
        masterOrderId: null,
        copyPlannedAt: null,
        status: { $in: [...ACCEPTED] },
        $or: [{ createdAt: { $lt: master.createdAt } }, { createdAt: master.createdAt, id: { $lt: master.id } }],
      },
      { fields: ['id'], orderBy: { createdAt: 'asc', id: 'asc' }, limit: EARLIER_PLANNED_FIRST },
    );
  }

  /**
   * Planned again from the start while the database connection is lost, for as long as a copy
   * may still go out (MAX_COPY_DELAY_S); a master left unplanned after that is taken by the
   * sweep, which skips its copies as stale. Every attempt writes the same `plannedAt`, so a
   * retry recognises a write-ahead its earlier attempt committed and sends those children.
   */
  private planAndWriteAhead(masterId: string, fresh?: Fresh): Promise<Written | null> {
    const plannedAt = this.services.clock.now();
    return this.services.database.whileUnreachable(
      'planning and writing copies ahead',
      (attempt) => this.planAndWriteAheadOnce(masterId, plannedAt, attempt > 0, attempt === 0 ? fresh : undefined),
      this.services.config.MAX_COPY_DELAY_S * 1000,
    );
  }

  /** `fresh`: the master as its caller has just read it, and what planning reads if already started. */
  private async planAndWriteAheadOnce(masterId: string, plannedAt: Date, retry: boolean, fresh?: Fresh): Promise<Written | null> {
    const em = this.services.orm.em.fork();
    const master = fresh?.master ?? (await em.findOne(Order, { id: masterId }));
    if (master && retry && master.copyPlannedAt?.getTime() === plannedAt.getTime()) {
      // Sent from here only well before the settle sweep may take them (unchanged SETTLE_AFTER_S): never both.
      const young = this.services.clock.now().getTime() - plannedAt.getTime() < (this.services.config.SETTLE_AFTER_S * 1000) / 2;
      return young ? this.writtenEarlier(em, master) : null;
    }
    if (!master || master.copyPlannedAt) {
      this.unrecorded.delete(masterId);
      return null;
    }
    const failed = this.unrecorded.get(masterId);
    if (failed) {
      await this.recordFailure(master, failed);
      return null;
    }
    const instrument =
      this.services.instruments.findByToken(master.exchange, master.token) ??
      this.services.instruments.find(master.exchange, master.symbol) ??
      null;
    if (!instrument)
      this.services.log.warn(
        { masterId, symbol: master.symbol, token: master.token },
        'master order on an instrument Tandem does not know; every copy skipped',
      );
    const plans = await planFollowers(
      this.services,
      em,
      master,
      instrument,
      fresh?.reads ?? readForPlanning(this.services, em, master, this.followerGuess),
    );
    let children: Order[] | null;
    try {
      // Taken before the transaction: a round trip only once a block of them runs out.
      const tags = await this.tags.take(plans.reduce((sum, p) => sum + (p.plan.kind === 'copy' ? p.plan.legs.length : 0), 0));
      children = await this.services.journal.record(async (tx, emit, along) => {
        // Fenced: only the holder of the master's lease, in its current epoch, writes ahead.
        if (this.fence && !(await this.fence.heldIn(tx, [master.accountId])).has(master.accountId)) return null;
        return writeChildrenAhead({ tx, emit, along }, master.id, plans, tags, plannedAt, (follower) =>
          this.sender.claimsAtBirth(follower),
        );
      });
    } catch (error) {
      // Planned again once the database answers (planAndWriteAhead), not failed.
      if (isConnectionLoss(error)) throw error;
      const failure = newCopyFailure(plans);
      this.services.log.error(
        {
          err: error,
          errorId: failure.errorId,
          masterId,
          accountId: master.accountId,
          symbol: master.symbol,
          side: master.side,
          quantity: master.quantity,
          copies: plans.map(({ follower, multiplier, plan }) => ({
            followerId: follower.id,
            multiplierId: multiplier.id,
            ...(plan.kind === 'copy' ? { side: plan.side, legs: plan.legs } : { skipped: plan.reason }),
          })),
        },
        'writing the copies ahead failed; no copy was sent',
      );
      await this.recordFailure(master, failure);
      return null;
    }
    if (!children) return null;
    this.sender.rememberMaster(master.id, master.accountId);
    return {
      children: children.filter((child) => child.status !== 'SKIPPED'),
      followers: new Map(plans.map((p) => [p.follower.id, p.follower])),
    };
  }

  /** The children a write-ahead whose answer was lost committed: sent now, as that attempt would have. */
  private async writtenEarlier(em: EntityManager, master: Order): Promise<Written> {
    const children = await em.find(Order, { masterOrderId: master.id, status: { $in: ['PENDING', 'SENT'] }, brokerOrderId: null });
    this.sender.rememberMaster(master.id, master.accountId);
    const followers = await em.find(Account, { id: { $in: [...new Set(children.map((c) => c.accountId))] } });
    return { children, followers: new Map(followers.map((f) => [f.id, f])) };
  }

  /**
   * Records a failed write-ahead, and alerts once, unless the master is no longer this
   * instance's to copy. Kept for the next sweep only when the database could not record it.
   */
  private async recordFailure(master: Order, failure: CopyFailure): Promise<void> {
    const outcome = await recordCopyFailure(this.services, this.fence, master.id, failure);
    if (outcome === 'planned elsewhere' || outcome === 'not ours') {
      this.services.log.warn(
        { errorId: failure.errorId, masterId: master.id, outcome },
        'a failed write-ahead was not recorded: the master is planned elsewhere or no longer held here',
      );
      this.unrecorded.delete(master.id);
      return;
    }
    alertCopyFailure(this.services, master, failure);
    if (outcome === 'unrecorded') this.unrecorded.set(master.id, failure);
    else this.unrecorded.delete(master.id);
  }

  /**
   * Every follower at once: one slow or failing follower never holds up the others.
   * SENT children were claimed when written; PENDING ones are claimed as their turn comes.
   * `sequential` exists only as the benchmark's baseline (one child after another).
   */
  async fanOut(children: Order[], known?: Map<string, Account>): Promise<void> {
    const accounts =
      known ??
      new Map(
        (await this.services.orm.em.fork().find(Account, { id: { $in: [...new Set(children.map((c) => c.accountId))] } })).map((a) => [
          a.id,
          a,
        ]),
      );
    const sendOne = async (child: Order) => {
      const account = accounts.get(child.accountId);
      if (!account) return;
      try {
        await (child.status === 'SENT' ? this.sender.sendClaimed(child, account) : this.sender.send(child, account));
      } catch (error) {
        this.services.log.error({ err: error, childId: child.id }, 'sending a child order failed');
      }
    };
    if (this.fanOutMode === 'sequential') {
      for (const child of children) await sendOne(child);
    } else {
      await Promise.all(children.map(sendOne));
    }
  }

  private async roleOf(accountId: string): Promise<AccountRole | null> {
    const known = this.roles.get(accountId);
    if (known) return known;
    const account = await this.services.orm.em.fork().findOne(Account, { id: accountId }, { fields: ['role'] });
    if (account) this.roles.set(accountId, account.role);
    return account?.role ?? null;
  }
}
