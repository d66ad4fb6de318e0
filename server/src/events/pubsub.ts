import { EventEmitter } from 'node:events';
import { PubSub as MemoryEngine, type PubSubEngine } from 'graphql-subscriptions';
import { RedisPubSub } from 'graphql-redis-subscriptions';
import { Redis } from 'ioredis';
import type { ConnectionStatus, OrderStatus } from '../core/types.ts';
import type { OrderSnapshot } from './order-snapshot.ts';

/** What travels between processes. Dates are ISO strings so every transport carries the same thing. */
export interface OrderEventMessage {
  cursor: number;
  orderId: string;
  accountId: string;
  masterAccountId: string | null;
  status: OrderStatus;
  kind: string;
  message: string | null;
  snapshot: OrderSnapshot;
  at: string;
}

export interface AccountStatusMessage {
  accountId: string;
  status: ConnectionStatus;
  statusReason: string | null;
  at: string;
}

export interface Topics {
  orderEvent: OrderEventMessage;
  accountStatus: AccountStatusMessage;
  /** An API token was revoked: its open subscriptions end. */
  tokenRevoked: { tokenId: string };
  /** Accounts or links changed: cached visibility must be recomputed. */
  visibilityChanged: { at: string };
}

export type Topic = keyof Topics;

export interface TypedPubSub {
  publish<T extends Topic>(topic: T, payload: Topics[T]): Promise<void>;
  /** Resolves once the subscription is live on the transport; returns the unsubscribe function. */
  subscribe<T extends Topic>(topic: T, handler: (payload: Topics[T]) => void): Promise<() => void>;
  /** Resolves when the transport answers; /ready uses it. */
  ping(): Promise<void>;
  close(): Promise<void>;
  readonly transport: 'memory' | 'redis';
}

function wrap(
  engine: PubSubEngine,
  prefix: string,
  transport: 'memory' | 'redis',
  ping: () => Promise<void>,
  onClose: () => Promise<void>,
): TypedPubSub {
  let closed = false;
  return {
    transport,
    ping,
    publish: (topic, payload) => engine.publish(prefix + topic, payload),
    async subscribe(topic, handler) {
      const id = await engine.subscribe(prefix + topic, handler, {});
      return () => {
        // Subscriptions cut by a shutdown end after the transport closed. The Redis engine
        // sends UNSUBSCRIBE without awaiting it, so its rejection would crash the process.
        if (closed) return;
        void Promise.resolve(engine.unsubscribe(id)).catch(() => undefined);
      };
    },
    async close() {
      closed = true;
      await onClose();
    },
  };
}

export function createMemoryPubSub(): TypedPubSub {
  // Every open subscription listens on a topic (visibilityChanged has one per stream): no cap.
  const emitter = new EventEmitter();
  emitter.setMaxListeners(0);
  return wrap(
    new MemoryEngine({ eventEmitter: emitter }),
    '',
    'memory',
    async () => undefined,
    async () => undefined,
  );
}

/**
 * Redis transport: events published by one process reach subscribers of every process.
 * `prefix` keeps runs apart (Redis pub/sub ignores SELECT).
 */
export function createRedisPubSub(url: string, prefix = 'tandem:'): TypedPubSub {
  const options = { maxRetriesPerRequest: null, lazyConnect: false, enableReadyCheck: true };
  const publisher = new Redis(url, options);
  const subscriber = new Redis(url, options);
  const engine = new RedisPubSub({ publisher, subscriber });
  const ping = async () => {
    await publisher.ping();
  };
  return wrap(engine, prefix, 'redis', ping, async () => {
    await engine.close();
  });
}
