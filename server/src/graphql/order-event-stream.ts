import { badInput } from '../core/errors.ts';
import { AsyncQueue } from '../concurrency/async-queue.ts';
import type { GraphQLContext } from './context.ts';
import type { OrderEventMessage } from '../events/pubsub.ts';
import { endWithCredential } from './subscriptions.ts';
import { latestCursor, oldestRetainedCursor } from '../persistence/repositories/order-event.repository.ts';
import { visibleAccountIds } from '../services/access.ts';

const PAGE = 500;

/**
 * Replays `cursor > after` from the database, then streams live, with no gap and no repeat:
 * it subscribes before it replays, remembers the last cursor it covered, and re-reads the
 * database whenever a live cursor jumps past it (a publish overtaken or lost, another instance).
 * Visibility is checked for every event and recomputed whenever accounts or links change.
 */
export function streamOrderEvents(
  ctx: GraphQLContext,
  after: number | null,
  accountId: string | null,
): AsyncIterableIterator<OrderEventMessage> {
  const { services } = ctx;
  const viewer = ctx.viewer!;
  const queue = new AsyncQueue<OrderEventMessage>();
  endWithCredential(ctx, queue);
  // Messages as they arrive, and heads (a number): events up to it are committed, read through it.
  const live: (OrderEventMessage | number)[] = [];
  let visible: Set<string> | null = null;
  let covered = 0;
  let ready = false;
  let pumping = false;

  const matches = (event: OrderEventMessage): boolean => {
    if (accountId !== null && event.accountId !== accountId && event.masterAccountId !== accountId) return false;
    return visible === null || visible.has(event.accountId) || (event.masterAccountId !== null && visible.has(event.masterAccountId));
  };
  const scope = (): string[] | null => {
    if (accountId !== null) return [accountId];
    return visible === null ? null : [...visible];
  };
  const refreshVisibility = async () => {
    const ids = await visibleAccountIds(services.orm.em.fork(), viewer);
    visible = ids === null ? null : new Set(ids);
  };
  const readThrough = async (upTo: number) => {
    while (covered < upTo && !queue.ended) {
      const page = await services.eventPages.read(covered, upTo, scope(), PAGE);
      for (const message of page) if (matches(message)) queue.push(message);
      covered = page.length === PAGE ? (page.at(-1)?.cursor ?? upTo) : upTo;
    }
  };
  const pump = () => {
    if (!ready || pumping) return;
    pumping = true;
    void (async () => {
      while (live.length > 0 && !queue.ended) {
        const message = live.shift()!;
        if (typeof message === 'number') {
          if (message > covered) await readThrough(message);
          continue;
        }
        if (message.cursor <= covered) continue;
        if (message.cursor === covered + 1) {
          covered = message.cursor;
          if (matches(message)) queue.push(message);
        } else {
          await readThrough(message.cursor);
        }
      }
    })()
      .catch((error: unknown) => queue.end(error))
      .finally(() => {
        pumping = false;
        if (live.length > 0 && !queue.ended) pump();
      });
  };

  void (async () => {
    queue.onEnd(
      await services.pubsub.subscribe('orderEvent', (message) => {
        // The usual case, the next event in order with nothing waiting: taken at once.
        if (ready && !pumping && live.length === 0 && message.cursor === covered + 1 && !queue.ended) {
          covered = message.cursor;
          if (matches(message)) queue.push(message);
          return;
        }
        live.push(message);
        pump();
      }),
    );
    queue.onEnd(
      services.heads.onAdvance((head) => {
        live.push(head);
        pump();
      }),
    );
    queue.onEnd(
      await services.pubsub.subscribe('visibilityChanged', () => {
        void refreshVisibility().catch((error: unknown) => services.log.error({ err: error }, 'refreshing visibility failed'));
      }),
    );
    await refreshVisibility();
    const em = services.orm.em.fork();
    const head = await latestCursor(em);
    if (after === null) {
      covered = head;
    } else {
      const oldest = await oldestRetainedCursor(em);
      if (after > 0 && oldest !== null && after < oldest - 1) {
        throw badInput(
          'after',
          `cursor ${after} is older than the events kept (the oldest is ${oldest}); resubscribe with after: "0" for everything kept`,
        );
      }
      // Every cursor a client saw was committed before it was published, so one past the head
      // comes from another database; accepting it would silently skip every event up to it.
      if (after > head) {
        throw badInput(
          'after',
          `cursor ${after} is ahead of the newest event (${head}); it is not from this server, resubscribe with after: "0"`,
        );
      }
      covered = after;
      await readThrough(head);
    }
    ready = true;
    pump();
  })().catch((error: unknown) => queue.end(error));

  return queue;
}
