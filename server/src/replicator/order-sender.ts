import { randomUUID } from 'node:crypto';
import { LockMode, type EntityManager } from '@mikro-orm/core';
import { BrokerCallError, type BrokerAck } from '../brokers/port.ts';
import { TERMINAL_STATUSES } from '../core/types.ts';
import type { Account } from '../persistence/entities/account.entity.ts';
import { Order } from '../persistence/entities/order.entity.ts';
import type { ReplicatorDeps } from './deps.ts';
import type { AccountLimiter } from './account-limiter.ts';
import { MicroBatcher } from '../concurrency/micro-batch.ts';
import type { LeaseFence } from './account-leases.ts';

export type SendAccount = Pick<Account, 'id' | 'broker' | 'clientCode' | 'label'>;
export type SendOutcome = 'acknowledged' | 'failed' | 'unknown' | 'not-claimed' | 'fenced';

/**
 * How long a claim or a broker's reply is retried while the database connection is lost, before
 * its caller is told (a reply not recorded by then is looked up by tag by the settle sweep).
 */
const REPLY_PATIENCE_MS = 30_000;

/**
 * An order's reason without the note it carries while queued for its account's rate limit: what
 * it says once sent (a square-off's reason, a copy's notes), or null when the note was all.
 */
function withoutQueuedNote(reason: string | null): string | null {
  return reason?.replace(/(?:^|; )queued \d+ ms for .*'s broker rate limit$/s, '') || null;
}

/** How many children's master accounts are remembered for the lease check. */
const MASTERS_KEPT = 50_000;

/** `sentAt`: when the call went out; `at`: when the broker answered (the acknowledgement), not when either was recorded. */
type Reply = { orderId: string; sentAt: Date; at: Date } & ({ ack: BrokerAck } | { error: unknown });

/**
 * Sends PENDING orders to their brokers exactly once: wait for the account's rate limit,
 * claim (PENDING -> SENT, conditional, so no other worker or instance can send it), place,
 * and record the reply. Claims and replies of orders sent together share one transaction each.
 */
export class OrderSender {
  private readonly claims = new MicroBatcher<string, boolean>((ids) => this.claimBatch(ids));
  private readonly replies = new MicroBatcher<Reply, SendOutcome>((replies) => this.recordBatch(replies));
  /** Called for an order whose fate the broker left unknown; the reconciler looks it up by tag. */
  onUnknown: (orderId: string) => void = () => undefined;
  /** Master leases: a child is claimed only by the instance replicating its master. None: every child (one instance). */
  fence: LeaseFence | null = null;
  /** Fault injection for tests: runs between a child's claim and its lease check (a GC pause, a SIGSTOP). */
  beforeBrokerCall: ((orderId: string) => Promise<void>) | null = null;
  /** Orders between their broker call and their recorded reply, in this process. */
  private readonly sending = new Set<string>();
  /** Each child's master account, for the lease check before its broker call. */
  private readonly masterAccounts = new Map<string, string>();

  constructor(
    private readonly services: ReplicatorDeps,
    private readonly limiter: AccountLimiter,
  ) {}

  /**
   * Claims only once the account's turn has come, so an order queued for the rate limit stays
   * PENDING meanwhile; the turn ends with the broker's answer, before the reply is recorded.
   */
  async send(order: Order, account: SendAccount): Promise<SendOutcome> {
    this.sending.add(order.id);
    try {
      const reply = await this.limiter.call(
        account,
        async () => {
          if (!(await this.claims.submit(order.id))) return 'not-claimed' as const;
          return this.place(order, account);
        },
        (waitMs) => void this.recordQueued(order.id, account, waitMs),
      );
      return typeof reply === 'string' ? reply : await this.replies.submit(reply);
    } finally {
      this.sending.delete(order.id);
    }
  }

  /** Whether this process is sending the order now (claimed or about to be, reply not recorded yet). */
  isSending(orderId: string): boolean {
    return this.sending.has(orderId);
  }

  /** The master account of children about to be sent, when the caller knows it (saves a read). */
  rememberMaster(masterOrderId: string, masterAccountId: string): void {
    this.masterAccounts.set(masterOrderId, masterAccountId);
    if (this.masterAccounts.size > MASTERS_KEPT) this.masterAccounts.delete(this.masterAccounts.keys().next().value!);
  }

  /** A modification or cancellation at the broker, in the account's turn like every order call. */
  inTurn<T>(account: SendAccount, call: () => Promise<T>): Promise<T> {
    return this.limiter.call(account, call);
  }

  /**
   * A modification or cancellation of a child, in the account's turn, only while this instance
   * surely holds the child's master: refused (nothing sent) once the lease may have moved on.
   */
  forChild<T>(child: Order, account: SendAccount, call: () => Promise<T>): Promise<T> {
    return this.limiter.call(account, async () => {
      if (!(await this.fenceAllows(child)))
        throw new BrokerCallError(
          'rejected',
          "not sent: this instance's lease on the master ran out; the new holder follows the master from here",
        );
      return call();
    });
  }

  /** Whether orders to this account can be claimed the moment they are written: no rate limit to wait for. */
  claimsAtBirth(account: SendAccount): boolean {
    return this.limiter.isUnlimited(account);
  }

  /**
   * Places an order this worker already holds (status SENT, claimed by the transaction that
   * wrote it or by `send`) and records the broker's reply.
   */
  async sendClaimed(order: Order, account: SendAccount): Promise<SendOutcome> {
    this.sending.add(order.id);
    try {
      const reply = await this.place(order, account);
      return typeof reply === 'string' ? reply : await this.replies.submit(reply);
    } finally {
      this.sending.delete(order.id);
    }
  }

  /**
   * Whether a claimed child may go to its broker now: its master's lease is still surely this
   * instance's. One that may not stays SENT with no broker id, for the lease's new holder to
   * look up by tag (after one TTL) and send if the broker never got it.
   */
  private async fenceAllows(order: Order): Promise<boolean> {
    if (!this.fence || order.masterOrderId === null) return true;
    let masterAccountId = this.masterAccounts.get(order.masterOrderId);
    if (masterAccountId === undefined) {
      const master = await this.services.orm.em.fork().findOne(Order, { id: order.masterOrderId }, { fields: ['accountId'] });
      if (!master) return false;
      masterAccountId = master.accountId;
      this.rememberMaster(order.masterOrderId, masterAccountId);
    }
    return this.fence.mayCallBroker(masterAccountId);
  }

  private async place(order: Order, account: SendAccount): Promise<Reply | 'fenced'> {
    if (this.beforeBrokerCall) await this.beforeBrokerCall(order.id);
    if (!(await this.fenceAllows(order))) {
      this.services.log.warn(
        { orderId: order.id, orderTag: order.orderTag, masterOrderId: order.masterOrderId },
        "not sent: this instance's lease on the master ran out before the broker call; the new holder looks it up by tag",
      );
      return 'fenced';
    }
    const broker = this.services.brokers.brokerFor(account);
    const timer = this.services.metrics.brokerCallSeconds.startTimer({ broker: account.broker, call: 'placeOrder' });
    const sentAt = this.services.clock.now();
    let reply: Reply;
    try {
      const ack = await broker.placeOrder({
        exchange: order.exchange,
        symbol: order.symbol,
        token: order.token,
        side: order.side,
        quantity: order.quantity,
        orderType: order.orderType,
        productType: order.productType,
        variety: order.variety,
        price: order.price,
        triggerPrice: order.triggerPrice,
        orderTag: order.orderTag ?? '',
      });
      reply = { orderId: order.id, sentAt, at: this.services.clock.now(), ack };
    } catch (error) {
      reply = { orderId: order.id, sentAt, at: this.services.clock.now(), error };
    } finally {
      timer();
    }
    return reply;
  }

  private async recordQueued(orderId: string, account: SendAccount, waitMs: number): Promise<void> {
    await this.services.journal
      .record(async (tx, emit) => {
        const row = await tx.findOne(Order, { id: orderId, status: 'PENDING' });
        if (!row) return;
        const note = `queued ${Math.ceil(waitMs)} ms for ${account.label}'s broker rate limit`;
        const standing = withoutQueuedNote(row.reason);
        row.reason = standing ? `${standing}; ${note}` : note;
        emit(row, 'QUEUED', { message: note });
      })
      .catch((error: unknown) => this.services.log.error({ err: error, orderId }, 'recording a queued order failed'));
  }

  /**
   * PENDING -> SENT for these orders, in one transaction, retried while the database connection
   * is lost. A retry counts as claimed the rows its own earlier attempt committed (SENT at the
   * very `sentAt` it wrote, no broker id): that attempt's answer was lost, not its commit.
   */
  private async claimBatch(ids: string[]): Promise<boolean[]> {
    const sentAt = this.services.clock.now();
    const claimed = await this.services.database.whileUnreachable(
      'claiming orders to send',
      (attempt) =>
        this.services.journal.record(async (tx, emit) => {
          const rows = await this.ours(
            tx,
            await tx.find(Order, { id: { $in: ids }, status: 'PENDING' }, { lockMode: LockMode.PESSIMISTIC_WRITE }),
          );
          for (const row of rows) {
            Object.assign(row, { status: 'SENT', sentAt, reason: withoutQueuedNote(row.reason), updatedAt: sentAt });
            emit(row, 'SENT');
          }
          const ours = new Set(rows.map((row) => row.id));
          if (attempt > 0) {
            const earlier = await tx.find(Order, { id: { $in: ids }, status: 'SENT', sentAt, brokerOrderId: null }, { fields: ['id'] });
            for (const row of earlier) ours.add(row.id);
          }
          return ours;
        }),
      REPLY_PATIENCE_MS,
    );
    return ids.map((id) => claimed.has(id));
  }

  /**
   * Of these rows, those this instance may send or reset: orders placed through the API, and
   * children of masters whose lease it holds in its current epoch (locked until commit).
   */
  async ours(tx: EntityManager, rows: Order[]): Promise<Order[]> {
    const children = rows.filter((row) => row.masterOrderId !== null);
    if (!this.fence || children.length === 0) return rows;
    const masters = await tx.find(
      Order,
      { id: { $in: [...new Set(children.map((c) => c.masterOrderId!))] } },
      { fields: ['id', 'accountId'] },
    );
    const accountOf = new Map(masters.map((m) => [m.id, m.accountId]));
    for (const [masterId, accountId] of accountOf) this.rememberMaster(masterId, accountId);
    const held = await this.fence.heldIn(tx, [...accountOf.values()]);
    return rows.filter((row) => row.masterOrderId === null || held.has(accountOf.get(row.masterOrderId)!));
  }

  /**
   * Records brokers' replies, many per transaction. A reply is what the broker did, known
   * nowhere else: it is retried while the database connection is lost (REPLY_PATIENCE_MS;
   * after that the order stays SENT and the settle sweep looks it up by tag). A retry skips
   * what its own earlier attempt committed (the acknowledgement time or the failure it wrote).
   */
  private async recordBatch(replies: Reply[]): Promise<SendOutcome[]> {
    const failures = new Map(
      replies.flatMap((reply) => ('error' in reply ? [[reply.orderId, this.describeFailure(reply.error, reply.orderId)]] : [])),
    );
    const outcomes = await this.services.database.whileUnreachable(
      "recording brokers' replies",
      (attempt) =>
        this.services.journal.record(async (tx, emit, along) => {
          // Read whole and unmanaged: the changed rows are written by the events' statement.
          const rows = await tx.find(
            Order,
            { id: { $in: replies.map((r) => r.orderId) } },
            { lockMode: LockMode.PESSIMISTIC_WRITE, disableIdentityMap: true },
          );
          const byId = new Map(rows.map((row) => [row.id, row]));
          const changed = new Set<Order>();
          const now = this.services.clock.now();
          const outcomes = replies.map((reply): SendOutcome => {
            const row = byId.get(reply.orderId);
            if (!row) return 'failed';
            // The broker's own update overtook a reply that then timed out: the order is in its
            // book already, so nothing is unknown and its row keeps the broker's state and words.
            if ('error' in reply && reply.error instanceof BrokerCallError && reply.error.outcome === 'unknown' && row.brokerOrderId) {
              this.services.log.info(
                { orderId: row.id, orderTag: row.orderTag, brokerOrderId: row.brokerOrderId, err: reply.error.message },
                "the broker's answer was lost, but its order update had arrived: the order stands as the broker reported it",
              );
              return 'acknowledged';
            }
            if ('ack' in reply) {
              if (attempt > 0 && row.brokerOrderId === reply.ack.brokerOrderId && row.acknowledgedAt?.getTime() === reply.at.getTime())
                return 'acknowledged';
              row.updatedAt = now;
              row.sentAt = reply.sentAt;
              row.brokerOrderId ??= reply.ack.brokerOrderId;
              if (!row.acknowledgedAt || row.acknowledgedAt > reply.at) row.acknowledgedAt = reply.at;
              if (row.status === 'SENT') row.status = 'OPEN';
              changed.add(row);
              emit(row, 'ACKNOWLEDGED');
              return 'acknowledged';
            }
            const { message, unknown } = failures.get(row.id)!;
            if (attempt > 0 && row.reason?.includes(message)) return unknown ? 'unknown' : 'failed';
            row.updatedAt = now;
            row.sentAt = reply.sentAt;
            changed.add(row);
            if (unknown) {
              row.reason = `broker did not confirm (${message}); looking it up by tag ${row.orderTag} before anything is resent`;
              emit(row, 'OUTCOME_UNKNOWN', { message: row.reason });
              return 'unknown';
            }
            this.services.log.warn({ orderId: row.id, err: message }, 'the broker refused an order');
            if (!TERMINAL_STATUSES.has(row.status)) {
              row.status = 'FAILED';
              row.reason = message;
            }
            emit(row, 'FAILED', { message });
            return 'failed';
          });
          along.update(Order, [...changed]);
          return outcomes;
        }),
      REPLY_PATIENCE_MS,
    );
    replies.forEach((reply, index) => {
      if (outcomes[index] === 'unknown') this.onUnknown(reply.orderId);
    });
    return outcomes;
  }

  /**
   * What a failed call says on the order, and whether the broker may have the order anyway. A
   * broker's own refusal keeps its words; anything else (a broker that could not answer, a bug)
   * is unknown, looked up by tag before a resend, and its details stay in the log under an id:
   * they may hold SQL or a response body.
   */
  private describeFailure(error: unknown, orderId: string): { message: string; unknown: boolean } {
    if (error instanceof BrokerCallError) return { message: error.message, unknown: error.outcome === 'unknown' };
    const errorId = randomUUID();
    this.services.log.error({ err: error, errorId, orderId }, 'a broker call failed unexpectedly');
    return { message: `the broker call failed unexpectedly (error id ${errorId})`, unknown: true };
  }
}
