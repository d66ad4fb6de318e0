import type { Logger } from 'pino';
import type { Keys } from '../auth/keys.ts';
import type { LoginLimiter } from '../auth/login-limiter.ts';
import type { BrokerRegistry } from '../brokers/registry.ts';
import type { Config } from '../config.ts';
import type { Clock } from '../core/clock.ts';
import type { TypedPubSub } from '../graphql/pubsub.ts';
import type { InstrumentCatalog } from '../instruments/catalog.ts';
import type { OrderJournal } from '../orders/order-journal.ts';
import type { Metrics } from '../metrics.ts';
import type { Orm } from '../persistence/db.ts';

/** Everything a request or a background job needs, built once by main.ts (or a test). */
export interface AppServices {
  config: Config;
  orm: Orm;
  pubsub: TypedPubSub;
  clock: Clock;
  keys: Keys;
  log: Logger;
  journal: OrderJournal;
  brokers: BrokerRegistry;
  instruments: InstrumentCatalog;
  loginLimiter: LoginLimiter;
  metrics: Metrics;
}
