import type { Orm } from '../persistence/db.ts';
import { eventsBetween } from '../persistence/repositories/order-event.repository.ts';
import { toEventMessage } from './order-journal.ts';
import type { OrderEventMessage } from './pubsub.ts';

/**
 * Pages of committed events, read once for every stream that asks for the same page at about
 * the same time. When a head advance or a cursor jump sends a thousand subscriptions to the
 * database together, they mostly ask the same question (same cursor, same accounts): one query
 * answers all, and its messages are shared objects, so their GraphQL answers are shared too
 * (shared-events.ts). A page below the committed head never changes, so a short reuse is safe.
 */
export class EventPages {
  private readonly pages = new Map<string, Promise<OrderEventMessage[]>>();

  constructor(
    private readonly orm: Orm,
    private readonly keepMs = 250,
  ) {}

  read(after: number, upTo: number, accountIds: string[] | null, limit: number): Promise<OrderEventMessage[]> {
    const key = JSON.stringify([after, upTo, limit, accountIds]);
    let page = this.pages.get(key);
    if (!page) {
      page = eventsBetween(this.orm.em.fork(), after, upTo, accountIds, limit).then((events) => events.map(toEventMessage));
      this.pages.set(key, page);
      page.then(
        () => setTimeout(() => this.pages.delete(key), this.keepMs).unref(),
        () => this.pages.delete(key),
      );
    }
    return page;
  }
}
