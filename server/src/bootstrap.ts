import pino, { type Logger } from 'pino';
import { AlertDeliverer } from './alerts/deliverer.ts';
import { createOrderEventAlerter } from './alerts/order-alerts.ts';
import { deriveKeys } from './secrets/keys.ts';
import { ApiTokenLimit } from './auth/api-token-limit.ts';
import { MemoryLoginAttemptStore } from './auth/login-attempt-store.ts';
import { LoginLimiter } from './auth/login-limiter.ts';
import { RedisLoginAttemptStore } from './auth/redis-login-attempt-store.ts';
import { PaperExchange } from './brokers/paper/paper-exchange.ts';
import { BrokerRegistry } from './brokers/registry.ts';
import { InProcessSessionStore, RedisSessionStore, type SessionStore } from './brokers/smartapi/session-store.ts';
import { createSmartApiBroker } from './brokers/smartapi/wiring.ts';
import { eventRetention, type Config } from './config.ts';
import { systemClock, systemWaitableClock, type Clock } from './core/clock.ts';
import { seedDemo, type DemoSeed } from './demo-seed.ts';
import { createMemoryPubSub, createRedisPubSub, type TypedPubSub } from './events/pubsub.ts';
import { InstrumentCatalog } from './instruments/catalog.ts';
import { seedShippedInstruments } from './instruments/seed.ts';
import { createMetrics } from './metrics.ts';
import { OrderJournal } from './events/order-journal.ts';
import { EventPages } from './events/event-pages.ts';
import { HeadWatch } from './events/head-watch.ts';
import { DatabaseHealth } from './persistence/connection-loss.ts';
import { InstanceHeartbeat } from './persistence/instance-heartbeat.ts';
import { newInstanceId } from './replicator/account-leases.ts';
import { InProcessRateStore } from './rate-limit/in-process-store.ts';
import { RateLimiter } from './rate-limit/limiter.ts';
import { RedisRateStore } from './rate-limit/redis-store.ts';
import { connectRedis } from './redis-client.ts';
import { Engine } from './engine.ts';
import type { OrderService } from './services/order-service.ts';
import type { RecoveryReport } from './replicator/recovery.ts';
import { embeddedSecretKey, lockDataDir } from './persistence/data-dir.ts';
import { initOrm, type DatabaseTarget } from './persistence/db.ts';
import { pruneOrderEvents } from './persistence/repositories/order-event.repository.ts';
import { ensureFirstAdmin } from './services/users.ts';
import { setAccountStatus } from './services/accounts.ts';
import type { AppServices } from './services/container.ts';
import { installId } from './persistence/repositories/settings.repository.ts';

export interface BootOverrides {
  clock?: Clock;
  log?: Logger;
  /** Tests pass an in-memory PGlite or a scratch PostgreSQL database. */
  database?: DatabaseTarget;
  pubsub?: TypedPubSub;
  /** Redis channel prefix, so test runs sharing one Redis stay apart. */
  redisPrefix?: string;
  /** Seed the demo on any empty database, not only the embedded one (tests on PostgreSQL). */
  seedDemo?: boolean;
  reconcileRecheckMs?: number;
  fanOut?: 'parallel' | 'sequential';
  /** Fault injection for tests: runs between each order's claim and its lease check and broker call. */
  beforeBrokerCall?: (orderId: string) => Promise<void>;
}

export interface Tandem {
  services: AppServices;
  engine: Engine;
  orders: OrderService;
  /** The built-in paper exchange, for tests and benchmarks that move its prices or trade at it directly. */
  paper: PaperExchange;
  /** What start-up recovery found and finished; null when this process does not replicate. */
  recovery: RecoveryReport | null;
  demo: DemoSeed | null;
  secretKeyCreated: boolean;
  close(): Promise<void>;
}

/** Builds every part from the configuration; main.ts and the integration tests both start here. */
export async function bootTandem(config: Config, overrides: BootOverrides = {}): Promise<Tandem> {
  const log =
    overrides.log ??
    pino({
      level: config.LOG_LEVEL,
      base: { service: 'tandem' },
      redact: ['*.password', '*.pin', '*.totpSecret', '*.apiKey', '*.authorization'],
    });
  const clock = overrides.clock ?? systemClock;
  const target: DatabaseTarget =
    overrides.database ??
    (config.DATABASE_URL ? { kind: 'postgres', url: config.DATABASE_URL } : { kind: 'pglite', dataDir: config.DATA_DIR });
  const releaseDataDir = target.kind === 'pglite' ? lockDataDir(target.dataDir) : () => undefined;
  let secret = config.SECRET_KEY ? { key: config.SECRET_KEY, created: false } : null;
  if (!secret) {
    secret = embeddedSecretKey(config.DATA_DIR);
    if (secret.created)
      log.warn({ dataDir: config.DATA_DIR }, 'SECRET_KEY not set: generated one into DATA_DIR/secret.key; set SECRET_KEY in production');
  }

  const db = await initOrm(target).catch((error: unknown) => {
    releaseDataDir();
    throw error;
  });
  const em = db.orm.em.fork();
  await seedShippedInstruments(em);
  const instruments = new InstrumentCatalog();
  await instruments.reload(em);

  const redisPrefix = overrides.redisPrefix ?? config.REDIS_PREFIX;
  const pubsub = overrides.pubsub ?? (config.REDIS_URL ? createRedisPubSub(config.REDIS_URL, redisPrefix, log) : createMemoryPubSub());
  // Commands (not pub/sub) shared by every instance: the order limiter, SmartAPI sessions and sign-in counters.
  const commandRedis = config.REDIS_URL ? await connectRedis(config.REDIS_URL) : null;
  const keys = deriveKeys(secret.key);
  // One login per SmartAPI client code serves every instance; the tokens are sealed in Redis.
  const smartApiSessions: SessionStore = commandRedis
    ? new RedisSessionStore({ redis: commandRedis, prefix: redisPrefix, key: keys.sessions, log, now: () => clock.now() })
    : new InProcessSessionStore(() => clock.now());
  // One limiter for every broker account's calls (orders, SmartAPI's order book and logins) and
  // every API token's requests; several instances draw from one allowance in Redis. It runs on
  // elapsed time, not the trading clock, which a test may hold at one moment of a day.
  const instanceId = newInstanceId();
  const heartbeat = new InstanceHeartbeat(db.orm, instanceId, config.ROLE, log);
  await heartbeat.start();
  const rateLimiter = new RateLimiter(
    commandRedis
      ? new RedisRateStore(commandRedis, `${redisPrefix}ratelimit:`, log, () => heartbeat.liveInstances())
      : new InProcessRateStore(),
    systemWaitableClock,
  );
  const paper = new PaperExchange({
    orm: db.orm,
    clock,
    instruments,
    log,
    latencyMs: config.PAPER_LATENCY_MS,
    marketHours: config.PAPER_MARKET_HOURS,
    seed: config.PAPER_SEED,
    amoDelayMs: config.PAPER_AMO_DELAY_MS,
    tickMs: config.PAPER_TICK_MS,
  });
  const journal = new OrderJournal(db.orm, pubsub, clock, log);
  const metrics = createMetrics();
  const services: AppServices = {
    config,
    orm: db.orm,
    pubsub,
    clock,
    log,
    instruments,
    keys,
    journal,
    heads: new HeadWatch(db.orm, pubsub, journal, log),
    eventPages: new EventPages(db.orm),
    database: new DatabaseHealth(log),
    // Built on first use, when `services` is complete.
    brokers: new BrokerRegistry(paper, instruments, (account) =>
      createSmartApiBroker(
        { ...services, recordStatus: (accountId, status, reason) => setAccountStatus(services, accountId, status, reason) },
        account,
        { sessions: smartApiSessions, limiter: rateLimiter },
      ),
    ),
    // Failed sign-ins are counted across every instance, so adding instances adds no guesses.
    loginLimiter: new LoginLimiter(
      commandRedis ? new RedisLoginAttemptStore(commandRedis, `${redisPrefix}login:`, log) : new MemoryLoginAttemptStore(),
      clock,
    ),
    // Counted in the broker calls' store (Redis across instances), each token under its own key; refused, never held.
    apiTokenLimit: new ApiTokenLimit(rateLimiter, config.API_TOKEN_RATE_PER_MIN, () => metrics.apiTokenRefusals.inc()),
    metrics,
  };
  // Alerts are written to the outbox first; the instances that do background work post them
  // (Engine.start), signed when ALERT_WEBHOOK_SECRET is set.
  if (config.ALERT_WEBHOOK_URL && !config.ALERT_WEBHOOK_SECRET)
    log.warn(
      'ALERT_WEBHOOK_SECRET not set: alerts are posted unsigned, and a receiver cannot tell them from forgeries; set it (32+ characters)',
    );
  const alerts = config.ALERT_WEBHOOK_URL
    ? new AlertDeliverer(
        { orm: db.orm, log, metrics },
        { url: config.ALERT_WEBHOOK_URL, secret: config.ALERT_WEBHOOK_SECRET ?? null, keepMs: eventRetention(config).keepMs },
      )
    : null;
  const engine = new Engine(services, {
    installId: await installId(em),
    reconcileRecheckMs: overrides.reconcileRecheckMs,
    fanOut: overrides.fanOut,
    leaseTtlMs: config.MASTER_LEASE_TTL_S * 1000,
    instanceId,
    limiter: rateLimiter,
    beforeBrokerCall: overrides.beforeBrokerCall,
    alerts,
  });

  let demo: DemoSeed | null = null;
  if ((db.embedded || overrides.seedDemo) && config.DEMO_DATA)
    demo = await seedDemo(em, { email: config.ADMIN_EMAIL, password: config.ADMIN_PASSWORD });
  else if (config.ADMIN_EMAIL && config.ADMIN_PASSWORD) await ensureFirstAdmin(em, config.ADMIN_EMAIL, config.ADMIN_PASSWORD);

  const orderAlerts = createOrderEventAlerter(services);
  const stopAlerts = config.ALERT_WEBHOOK_URL
    ? services.journal.writeAlong((em, events) => orderAlerts.writeAlong(em, events))
    : () => undefined;
  await services.heads.start();
  const recovery = await engine.start(config.ROLE !== 'api');
  if (config.ROLE !== 'api') paper.start();
  const { keepMs, pruneEveryMs } = eventRetention(config);
  let pruning: Promise<void> | null = null;
  const pruneEvents = () => {
    // A prune slower than the interval is not piled on by the next one.
    if (pruning) return;
    const before = new Date(clock.now().getTime() - keepMs);
    pruning = pruneOrderEvents(db.orm.em.fork(), before)
      .then((count) => {
        if (count > 0) log.info({ count, before }, 'pruned order events past retention');
      })
      .catch((error: unknown) => log.error({ err: error }, 'pruning order events failed'))
      .finally(() => {
        pruning = null;
      });
  };
  const retention = setInterval(pruneEvents, pruneEveryMs);
  retention.unref();
  // Once at start too: a process restarted more often than the interval would otherwise never prune.
  pruneEvents();

  return {
    services,
    engine,
    orders: engine.orders,
    paper,
    demo,
    recovery,
    secretKeyCreated: secret.created,
    async close() {
      services.heads.stop();
      await engine.stop();
      // After the engine's last order changes, so their alerts are in the outbox for the next start.
      stopAlerts();
      await orderAlerts.settled();
      clearInterval(retention);
      await pruning;
      await paper.stop();
      await heartbeat.stop();
      await pubsub.close();
      commandRedis?.disconnect();
      await db.close();
      releaseDataDir();
    },
  };
}
