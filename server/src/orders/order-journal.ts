import type { EntityManager } from '@mikro-orm/core';
import type { Logger } from 'pino';
import type { Clock } from '../core/clock.ts';
import type { OrderEventMessage, TypedPubSub } from '../graphql/pubsub.ts';
import type { Orm } from '../persistence/db.ts';
import type { OrderEvent } from '../persistence/entities/order-event.entity.ts';
import type { Order } from '../persistence/entities/order.entity.ts';
import { appendOrderEvents, type OrderEventDraft } from '../persistence/repositories/order-event.repository.ts';

export type Emit = (order: Order, kind: string, options?: { message?: string | null; masterAccountId?: string | null }) => void;

export function toEventMessage(event: OrderEvent): OrderEventMessage {
  return {
    cursor: event.cursor,
    orderId: event.orderId,
    accountId: event.accountId,
    masterAccountId: event.masterAccountId,
    status: event.status,
    kind: event.kind,
    message: event.message,
    snapshot: event.snapshot,
    at: event.at.toISOString(),
  };
}

/**
 * Every change to an order goes through here: the change and its OrderEvents commit in one
 * transaction, and the events are published only after the commit.
 */
export class OrderJournal {
  constructor(
    private readonly orm: Orm,
    private readonly pubsub: TypedPubSub,
    private readonly clock: Clock,
    private readonly log: Logger,
  ) {}

  async record<T>(work: (em: EntityManager, emit: Emit) => Promise<T>): Promise<T> {
    const { result, events } = await this.orm.em.fork().transactional(async (em) => {
      const drafts: OrderEventDraft[] = [];
      const emit: Emit = (order, kind, options = {}) => {
        drafts.push({
          order,
          kind,
          message: options.message ?? null,
          masterAccountId: options.masterAccountId !== undefined ? options.masterAccountId : order.masterOrderId ? null : order.accountId,
        });
      };
      const value = await work(em, emit);
      return { result: value, events: await appendOrderEvents(em, drafts, this.clock.now()) };
    });
    for (const event of events) {
      try {
        await this.pubsub.publish('orderEvent', toEventMessage(event));
      } catch (error) {
        // Subscribers re-read the database when cursors jump, so a lost publish delays but never loses an event.
        this.log.error({ err: error, cursor: event.cursor }, 'publishing an order event failed');
      }
    }
    return result;
  }
}
