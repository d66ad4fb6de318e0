import type { Logger } from 'pino';
import type { BrokerRegistry } from '../brokers/registry.ts';
import type { Config } from '../config.ts';
import type { Clock } from '../core/clock.ts';
import type { HeadWatch } from '../events/head-watch.ts';
import type { OrderJournal } from '../events/order-journal.ts';
import type { TypedPubSub } from '../events/pubsub.ts';
import type { InstrumentCatalog } from '../instruments/catalog.ts';
import type { Metrics } from '../metrics.ts';
import type { DatabaseHealth } from '../persistence/connection-loss.ts';
import type { Orm } from '../persistence/db.ts';

/**
 * What the replicator needs of the application, every part from a layer below it. The
 * bootstrap passes the whole ReplicatorDeps (services/container.ts), which has all of this.
 */
export interface ReplicatorDeps {
  config: Config;
  orm: Orm;
  pubsub: TypedPubSub;
  clock: Clock;
  log: Logger;
  journal: OrderJournal;
  /** Events no message announced (Redis down, a message lost): the replicator reads them from the database. */
  heads: HeadWatch;
  /** Whether PostgreSQL answers; order changes that must not be lost are retried through it while it does not. */
  database: DatabaseHealth;
  brokers: BrokerRegistry;
  instruments: InstrumentCatalog;
  metrics: Metrics;
}
