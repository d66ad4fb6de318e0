import type { EntityClass, EntityManager } from '@mikro-orm/core';
import type { Logger } from 'pino';
import type { Clock } from '../core/clock.ts';
import type { OrderEventKind } from '../core/types.ts';
import type { OrderEventMessage, TypedPubSub } from './pubsub.ts';
import type { Orm } from '../persistence/db.ts';
import type { OrderEvent } from '../persistence/entities/order-event.entity.ts';
import { Order } from '../persistence/entities/order.entity.ts';
import { appendOrderEvents, type OrderEventDraft, type WrittenAlong } from '../persistence/repositories/order-event.repository.ts';
import { snapshotOf, type OrderSnapshot } from './order-snapshot.ts';

export type Emit = (order: Order, kind: OrderEventKind, options?: { message?: string | null; masterAccountId?: string | null }) => void;
/**
 * Rows written by the events' own statement (see appendOrderEvents) instead of round trips of
 * their own: new rows, and rows read whole with `disableIdentityMap` and changed.
 */
export interface WriteAlong {
  insert<T extends object>(entity: EntityClass<T>, rows: T[]): void;
  update<T extends object>(entity: EntityClass<T>, rows: T[]): void;
}

export function toEventMessage(event: OrderEvent): OrderEventMessage {
  return {
    cursor: event.cursor,
    orderId: event.orderId,
    accountId: event.accountId,
    masterAccountId: event.masterAccountId,
    status: event.status,
    kind: event.kind,
    message: event.message,
    // Written by snapshotOf in this journal, and only here.
    snapshot: event.snapshot as OrderSnapshot,
    at: event.at.toISOString(),
  };
}

/** How many masters' accounts the journal remembers (an order never changes account). */
const MASTER_ACCOUNTS_KEPT = 10_000;

/**
 * A child's events carry its master's account, so a master's feed includes them: remembered
 * once known (an order's account never changes), and one query for whatever a batch adds.
 */
class MasterAccounts {
  private readonly known = new Map<string, string>();

  async resolve(em: EntityManager, drafts: OrderEventDraft[]): Promise<void> {
    const unknown = [...new Set(drafts.map((d) => d.masterOrderId as string))].filter((id) => !this.known.has(id));
    if (unknown.length > 0) {
      const masters = await em.find(Order, { id: { $in: unknown } }, { fields: ['id', 'accountId'] });
      for (const master of masters) this.remember(master.id, master.accountId);
    }
    for (const draft of drafts) draft.masterAccountId = this.known.get(draft.masterOrderId as string) ?? null;
  }

  remember(masterId: string, accountId: string): void {
    if (this.known.has(masterId)) return;
    this.known.set(masterId, accountId);
    if (this.known.size > MASTER_ACCOUNTS_KEPT) this.known.delete(this.known.keys().next().value!);
  }
}

/**
 * Every change to an order goes through here: the change and its OrderEvents commit in one
 * transaction, and the events are published only after the commit.
 */
export class OrderJournal {
  private readonly committedListeners = new Set<(events: OrderEventMessage[]) => void>();
  private readonly writersAlong = new Set<(em: EntityManager, events: OrderEventMessage[]) => Promise<void>>();
  private readonly masterAccounts = new MasterAccounts();

  constructor(
    private readonly orm: Orm,
    private readonly pubsub: TypedPubSub,
    private readonly clock: Clock,
    private readonly log: Logger,
  ) {}

  async record<T>(work: (em: EntityManager, emit: Emit, along: WriteAlong) => Promise<T>): Promise<T> {
    const { result, events: messages } = await this.orm.em.fork().transactional(async (em) => {
      const drafts: OrderEventDraft[] = [];
      const written: WrittenAlong = { inserts: [], updates: [] };
      const along: WriteAlong = {
        insert: (entity, rows) => void written.inserts.push({ entity, rows } as WrittenAlong['inserts'][number]),
        update: (entity, rows) => void written.updates.push({ entity, rows } as WrittenAlong['updates'][number]),
      };
      const unresolved: OrderEventDraft[] = [];
      const emit: Emit = (order, kind, options = {}) => {
        const draft: OrderEventDraft = {
          orderId: order.id,
          accountId: order.accountId,
          masterOrderId: order.masterOrderId,
          status: order.status,
          kind,
          message: options.message ?? null,
          masterAccountId: order.masterOrderId ? null : order.accountId,
          snapshot: snapshotOf(order),
        };
        if (!order.masterOrderId) this.masterAccounts.remember(order.id, order.accountId);
        if (options.masterAccountId !== undefined) draft.masterAccountId = options.masterAccountId;
        else if (order.masterOrderId) unresolved.push(draft);
        drafts.push(draft);
      };
      const value = await work(em, emit, along);
      await this.masterAccounts.resolve(em, unresolved);
      const appended = (await appendOrderEvents(em, drafts, this.clock.now(), written)).map(toEventMessage);
      for (const writer of this.writersAlong) await writer(em, appended);
      return { result: value, events: appended };
    });
    for (const listener of this.committedListeners) {
      try {
        listener(messages);
      } catch (error) {
        this.log.error({ err: error }, 'an order-change listener failed');
      }
    }
    // Started in cursor order and not awaited (Redis keeps one connection's commands in order):
    // no order waits on Redis. Subscribers re-read the database when cursors jump, and the head
    // watch (events/head-watch.ts) finds what no message announced, so a lost publish delays but
    // never loses an event.
    for (const message of messages) void this.pubsub.publish('orderEvent', message);
    return result;
  }

  /**
   * Writes that must commit with the changes they are about, or not at all (the alerts they call
   * for): `writer` runs inside each recording's transaction, after its events are written. It must
   * not fail the recording: it catches its own errors.
   */
  writeAlong(writer: (em: EntityManager, events: OrderEventMessage[]) => Promise<void>): () => void {
    this.writersAlong.add(writer);
    return () => this.writersAlong.delete(writer);
  }

  /** Changes committed by this process, in commit order; the replicator reacts to masters here. */
  onCommitted(listener: (events: OrderEventMessage[]) => void): () => void {
    this.committedListeners.add(listener);
    return () => this.committedListeners.delete(listener);
  }
}
