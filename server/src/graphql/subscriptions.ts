import { DomainError } from '../core/errors.ts';
import { AsyncQueue } from '../concurrency/async-queue.ts';
import type { GraphQLContext } from './context.ts';
import type { Topic, Topics } from '../events/pubsub.ts';

/**
 * Ends the queue when the viewer's credential ends: at a JWT's expiry, or when its API token
 * is revoked on any instance. Clients see UNAUTHENTICATED and must sign in again.
 */
export function endWithCredential<T>(ctx: GraphQLContext, queue: AsyncQueue<T>): void {
  const viewer = ctx.viewer;
  if (!viewer) return;
  if (viewer.expiresAt) {
    const timer = setTimeout(
      () => queue.end(new DomainError('UNAUTHENTICATED', 'token expired; sign in again')),
      Math.max(0, viewer.expiresAt.getTime() - Date.now()),
    );
    timer.unref();
    queue.onEnd(() => clearTimeout(timer));
  }
  if (viewer.apiTokenId) {
    void ctx.services.pubsub
      .subscribe('tokenRevoked', ({ tokenId }) => {
        if (tokenId === viewer.apiTokenId) queue.end(new DomainError('UNAUTHENTICATED', 'API token revoked'));
      })
      .then((unsubscribe) => queue.onEnd(unsubscribe));
  }
}

/** Live messages of one topic that pass `filter`, for as long as the credential lasts. */
export function streamTopic<T extends Topic>(
  ctx: GraphQLContext,
  topic: T,
  filter: (message: Topics[T]) => Promise<boolean> | boolean,
): AsyncIterableIterator<Topics[T]> {
  const queue = new AsyncQueue<Topics[T]>();
  endWithCredential(ctx, queue);
  let chain = Promise.resolve();
  void ctx.services.pubsub
    .subscribe(topic, (message) => {
      // Filters may be async; chaining keeps messages in the order they arrived.
      chain = chain
        .then(async () => {
          if (await filter(message)) queue.push(message);
        })
        .catch((error: unknown) => queue.end(error));
    })
    .then((unsubscribe) => queue.onEnd(unsubscribe));
  return queue;
}

/**
 * The resolver of a subscription's events. A subscription's context lives as long as the
 * subscription (hours), while the per-request memos (accounts, what the viewer may see) must
 * not: each event is resolved with them fresh, so a link made meanwhile shows its account.
 */
export function eachEventFresh<T>(event: T, _args: unknown, ctx: GraphQLContext): T {
  ctx.memo.clear();
  return event;
}
