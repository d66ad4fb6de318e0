import { randomBytes } from 'node:crypto';
import pino from 'pino';
import { createYogaApp, type TandemYoga } from '../../server/src/app.ts';
import { bootTandem, type Tandem } from '../../server/src/bootstrap.ts';
import { loadConfig } from '../../server/src/config.ts';
import type { Clock } from '../../server/src/core/clock.ts';
import { Account } from '../../server/src/persistence/entities/account.entity.ts';
import { redisUrl, scratchDatabase } from './database.ts';

// Here too, as most tests import it with the rest of the harness.
export { waitFor } from './wait-for.ts';

export const ADMIN = { email: 'admin@test.local', password: 'admin-password-123' };

export interface GraphQLResponse<T = Record<string, unknown>> {
  status: number;
  data?: T | null;
  errors?: { message: string; extensions?: Record<string, unknown>; path?: string[] }[];
}

export interface TestServer {
  tandem: Tandem;
  yoga: TandemYoga;
  gql<T = Record<string, unknown>>(query: string, variables?: Record<string, unknown>, token?: string | null): Promise<GraphQLResponse<T>>;
  login(email?: string, password?: string): Promise<string>;
  /** The demo accounts by client code (DEMO-MASTER, DEMO-F1, ...). */
  account(clientCode: string): Promise<Account>;
  close(): Promise<void>;
}

/**
 * A whole Tandem in process on its own database (PostgreSQL when DATABASE_URL is set, else
 * PGlite) and PubSub (Redis with a private prefix when REDIS_URL is set), seeded with the demo.
 */
export async function startTestServer(
  options: {
    env?: Record<string, string>;
    clock?: Clock;
    redisPrefix?: string;
    database?: Awaited<ReturnType<typeof scratchDatabase>>;
    /** How long the reconciler waits between its two look-ups of an unknown order (default 3000). */
    reconcileRecheckMs?: number;
    /** Where the server logs (default: nowhere); a test reading its log passes a pino logger with a destination. */
    log?: pino.Logger;
  } = {},
): Promise<TestServer> {
  const database = options.database ?? (await scratchDatabase());
  const config = loadConfig({
    SECRET_KEY: 'test-secret-key-with-at-least-32-characters',
    ADMIN_EMAIL: ADMIN.email,
    ADMIN_PASSWORD: ADMIN.password,
    DATA_DIR: `/tmp/tandem-test-${process.pid}-${randomBytes(3).toString('hex')}`,
    LOG_LEVEL: 'silent',
    PAPER_TICK_MS: '50',
    PAPER_AMO_DELAY_MS: '200',
    // Never Angel One's servers from a test: SmartAPI accounts log in as soon as they exist.
    // Tests that trade on SmartAPI pass the simulator's addresses.
    SMARTAPI_ROOT_URL: 'http://127.0.0.1:9',
    SMARTAPI_ORDER_WS_URL: 'ws://127.0.0.1:9/smart-order-update',
    ...(redisUrl ? { REDIS_URL: redisUrl } : {}),
    ...options.env,
  });
  const tandem = await bootTandem(config, {
    database: database.target,
    clock: options.clock,
    log: options.log ?? pino({ level: 'silent' }),
    redisPrefix: options.redisPrefix ?? `tandem-test-${randomBytes(4).toString('hex')}:`,
    seedDemo: true,
    reconcileRecheckMs: options.reconcileRecheckMs,
  });
  const yoga = createYogaApp(tandem.services, tandem.orders);
  const gql: TestServer['gql'] = async (query, variables, token) => {
    const response = await yoga.fetch('http://test/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: JSON.stringify({ query, variables }),
    });
    const body = (await response.json()) as GraphQLResponse;
    return { ...body, status: response.status } as never;
  };
  return {
    tandem,
    yoga,
    gql,
    async login(email = ADMIN.email, password = ADMIN.password) {
      const result = await gql<{ login: { token: string } }>(
        'mutation($e: String!, $p: String!) { login(email: $e, password: $p) { token } }',
        { e: email, p: password },
      );
      if (!result.data?.login) throw new Error(`login failed: ${JSON.stringify(result.errors)}`);
      return result.data.login.token;
    },
    async account(clientCode) {
      return tandem.services.orm.em.fork().findOneOrFail(Account, { clientCode });
    },
    async close() {
      await tandem.close();
      if (!options.database) await database.drop();
    },
  };
}

/** Creates a user as the admin (`adminToken`) and signs them in: their id and session token. */
export async function signUp(
  server: TestServer,
  adminToken: string,
  email: string,
  role: 'ADMIN' | 'TRADER' | 'CLIENT',
  password = 'a-long-password-1',
): Promise<{ id: string; token: string }> {
  const created = await server.gql<{ createUser: { id: string } }>(
    'mutation($e: String!, $p: String!, $r: UserRole!) { createUser(email: $e, password: $p, role: $r) { id } }',
    { e: email, p: password, r: role },
    adminToken,
  );
  if (!created.data) throw new Error(`createUser ${email} failed: ${JSON.stringify(created.errors)}`);
  return { id: created.data.createUser.id, token: await server.login(email, password) };
}
