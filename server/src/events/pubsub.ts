import { EventEmitter } from 'node:events';
import { PubSub as MemoryEngine, type PubSubEngine } from 'graphql-subscriptions';
import { RedisPubSub } from 'graphql-redis-subscriptions';
import { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { ConnectionStatus, OrderEventKind, OrderStatus } from '../core/types.ts';
import type { OrderSnapshot } from './order-snapshot.ts';

/** What travels between processes. Dates are ISO strings so every transport carries the same thing. */
export interface OrderEventMessage {
  cursor: number;
  orderId: string;
  accountId: string;
  masterAccountId: string | null;
  status: OrderStatus;
  kind: OrderEventKind;
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
  /**
   * Never waits on an unreachable transport and never rejects: a publish that fails is counted
   * and logged once per outage; subscribers catch up from the database by cursor.
   */
  publish<T extends Topic>(topic: T, payload: Topics[T]): Promise<void>;
  /** Resolves once the subscription is live on the transport; returns the unsubscribe function. */
  subscribe<T extends Topic>(topic: T, handler: (payload: Topics[T]) => void): Promise<() => void>;
  /** Resolves when the transport answers; /ready uses it. */
  ping(): Promise<void>;
  /** Why the transport is unreachable now, or null while it works. */
  degraded(): string | null;
  /** Called each time the transport comes back after an outage (subscribers re-check the database then). */
  onRecovered(listener: () => void): () => void;
  close(): Promise<void>;
  readonly transport: 'memory' | 'redis';
}

/** Up or down, logged once per change: an outage is one warning and one "back" line, not a line per command. */
class TransportHealth {
  private down: { since: number; reason: string } | null = null;
  private failedPublishes = 0;
  private readonly recovered = new Set<() => void>();

  constructor(
    private readonly log: Logger | null,
    private readonly name: string,
  ) {}

  failed(error: unknown, publish = false): void {
    if (publish) this.failedPublishes += 1;
    if (this.down) return;
    const reason = error instanceof Error ? error.message : String(error);
    this.down = { since: Date.now(), reason };
    this.log?.warn(
      { transport: this.name, err: reason },
      `${this.name} unreachable: order events are not published meanwhile; orders go on, and subscribers catch up from the database by cursor`,
    );
  }

  up(): void {
    if (!this.down) return;
    this.log?.info(
      { transport: this.name, downMs: Date.now() - this.down.since, failedPublishes: this.failedPublishes },
      `${this.name} is back`,
    );
    this.down = null;
    this.failedPublishes = 0;
    for (const listener of this.recovered) listener();
  }

  reason(): string | null {
    return this.down?.reason ?? null;
  }

  onRecovered(listener: () => void): () => void {
    this.recovered.add(listener);
    return () => this.recovered.delete(listener);
  }
}

function wrap(
  engine: PubSubEngine,
  prefix: string,
  transport: 'memory' | 'redis',
  ping: () => Promise<void>,
  onClose: () => Promise<void>,
  health: TransportHealth = new TransportHealth(null, transport),
): TypedPubSub {
  let closed = false;
  return {
    transport,
    ping,
    degraded: () => health.reason(),
    onRecovered: (listener) => health.onRecovered(listener),
    publish: (topic, payload) => engine.publish(prefix + topic, payload).catch((error: unknown) => health.failed(error, true)),
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
export function createRedisPubSub(url: string, prefix = 'tandem:', log: Logger | null = null): TypedPubSub {
  const health = new TransportHealth(log, 'Redis');
  // Publishing fails at once while Redis is down, and after a second while it hangs, instead of
  // queueing: an order never waits on Redis. The subscriber reconnects and resubscribes by itself.
  // Auto-pipelining: the hundreds of events one commit publishes go out in one write, not one each.
  const publisher = new Redis(url, {
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    commandTimeout: 1_000,
    enableReadyCheck: true,
    enableAutoPipelining: true,
  });
  const subscriber = new Redis(url, { maxRetriesPerRequest: null, enableReadyCheck: true });
  for (const client of [publisher, subscriber]) client.on('error', (error: unknown) => health.failed(error));
  publisher.on('ready', () => health.up());
  const engine = new RedisPubSub({ publisher, subscriber });
  const ping = async () => {
    await publisher.ping();
  };
  return wrap(
    engine,
    prefix,
    'redis',
    ping,
    async () => {
      await engine.close();
    },
    health,
  );
}
