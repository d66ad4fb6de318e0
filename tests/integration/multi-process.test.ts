// Tandem as real server processes (`node --import tsx server/src/main.ts`), the way people
// run it: replicas sharing PostgreSQL and Redis, graceful shutdown on SIGTERM, and the
// embedded mode's DATA_DIR kept across restarts and held by one process at a time.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { redisUrl, scratchDatabase, usingPostgres } from '../support/database.ts';
import { gqlAt, loginAt } from '../support/gql.ts';
import { waitFor } from '../support/harness.ts';
import {
  killServerProcesses,
  startServerProcess,
  START_TIMEOUT_MS,
  stopServerProcess,
  type ServerProcess,
} from '../support/spawn-server.ts';
import { subscribeSse } from '../support/sse.ts';

const PLACE = `mutation($i: PlaceOrderInput!) { placeOrder(input: $i) { id orderTag } }`;
const marketBuy = (accountId: string) => ({
  i: { accountId, exchange: 'NSE', symbol: 'SBIN-EQ', side: 'BUY', quantity: 3, orderType: 'MARKET', productType: 'INTRADAY' },
});

afterAll(killServerProcesses);

const shared = usingPostgres && redisUrl !== null;

(shared ? describe : describe.skip)(
  `two server processes on one PostgreSQL and Redis${shared ? '' : ' (skipped: needs DATABASE_URL and REDIS_URL)'}`,
  () => {
    const admin = { email: 'ops@test.local', password: 'ops-password-123' };
    let database: Awaited<ReturnType<typeof scratchDatabase>>;
    let a: ServerProcess;
    let b: ServerProcess;
    let urls: { a: string; b: string };

    beforeAll(async () => {
      database = await scratchDatabase();
      const env = {
        DATABASE_URL: database.url!,
        REDIS_URL: redisUrl!,
        SECRET_KEY: 'multi-process-secret-key-at-least-32-chars',
        ADMIN_EMAIL: admin.email,
        ADMIN_PASSWORD: admin.password,
      };
      // Started together on an empty database, like replicas of one deployment.
      a = startServerProcess(env);
      b = startServerProcess(env);
      urls = { a: await a.url, b: await b.url };
    }, 2 * START_TIMEOUT_MS);
    afterAll(async () => {
      for (const server of [a, b]) if (server) await stopServerProcess(server).catch(() => undefined);
      await database?.drop();
    });

    it('streams an order placed through process A live to a subscriber on process B', async () => {
      const token = await loginAt(urls.a, admin.email, admin.password);
      const created = await gqlAt<{ createAccount: { id: string } }>(
        urls.a,
        `mutation($i: CreateAccountInput!) { createAccount(input: $i) { id } }`,
        {
          i: { label: 'Shared master', broker: 'PAPER', role: 'MASTER', clientCode: 'MP-MASTER' },
        },
        token,
      );
      expect(created.errors).toBeUndefined();
      const accountId = created.data!.createAccount.id;

      // Nothing exists on this account yet, so everything B delivers is live.
      const onB = subscribeSse(urls.b, token, `accountId: "${accountId}", after: "0"`);
      const placed = await gqlAt<{ placeOrder: { id: string } }>(urls.a, PLACE, marketBuy(accountId), token);
      expect(placed.errors).toBeUndefined();
      const orderId = placed.data!.placeOrder.id;

      await waitFor(() => onB.events.some((e) => e.order.id === orderId && e.status === 'FILLED'), 10_000, 'FILLED on process B');
      const statuses = onB.events.filter((e) => e.order.id === orderId).map((e) => e.status);
      expect(statuses.slice(0, 2)).toEqual(['PENDING', 'SENT']);
      const seen = onB.events.map((e) => Number(e.cursor));
      expect(seen).toEqual([...seen].sort((x, y) => x - y));
      expect(new Set(seen).size).toBe(seen.length);
      const onBQuery = await gqlAt<{ order: { status: string } }>(
        urls.b,
        `query($id: ID!) { order(id: $id) { status } }`,
        { id: orderId },
        token,
      );
      expect(onBQuery.data?.order.status).toBe('FILLED');
    });

    it('shuts both processes down gracefully on SIGTERM, open subscriptions and all', async () => {
      const token = await loginAt(urls.b, admin.email, admin.password);
      subscribeSse(urls.b, token, 'after: "0"');
      const [stoppedA, stoppedB] = await Promise.all([stopServerProcess(a), stopServerProcess(b)]);
      expect(stoppedA.code, a.stderr()).toBe(0);
      expect(stoppedB.code, b.stderr()).toBe(0);
      expect(Math.max(stoppedA.ms, stoppedB.ms)).toBeLessThan(5000);
    });
  },
);

describe('embedded mode (PGlite in DATA_DIR) across restarts', () => {
  let dataDir: string;
  beforeAll(() => {
    dataDir = mkdtempSync(path.join(tmpdir(), 'tandem-embedded-'));
  });
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it(
    'keeps orders across a restart, prints the generated password only once, and lets one process hold DATA_DIR',
    async () => {
      const env = { DATA_DIR: dataDir };
      const first = startServerProcess(env);
      const base = await first.url;
      const email = /Admin:\s+(\S+)/.exec(first.stdout())?.[1];
      const password = /Password:\s+(\S+)/.exec(first.stdout())?.[1];
      expect(email).toBeDefined();
      expect(password).toBeDefined();

      // A second process on the same directory while the first runs must refuse, naming it.
      const intruder = startServerProcess(env);
      const token = await loginAt(base, email!, password!);
      const masters = await gqlAt<{ accounts: { id: string; clientCode: string }[] }>(
        base,
        '{ accounts(role: MASTER) { id clientCode } }',
        {},
        token,
      );
      const master = masters.data!.accounts.find((account) => account.clientCode === 'DEMO-MASTER')!;
      const placed = await gqlAt<{ placeOrder: { id: string } }>(base, PLACE, marketBuy(master.id), token);
      expect(placed.errors).toBeUndefined();
      const orderId = placed.data!.placeOrder.id;
      await waitFor(
        async () =>
          (await gqlAt<{ order: { status: string } }>(base, `query($id: ID!) { order(id: $id) { status } }`, { id: orderId }, token)).data
            ?.order.status === 'FILLED',
        5000,
        'the order FILLED',
      );

      expect(await intruder.exited).toBe(1);
      expect(intruder.stdout() + intruder.stderr()).toContain(`DATA_DIR ${path.resolve(dataDir)} is in use`);
      expect((await gqlAt(base, '{ me { email } }', {}, token)).data).toEqual({ me: { email } });

      expect((await stopServerProcess(first)).code, first.stderr()).toBe(0);

      const again = startServerProcess(env);
      const baseAgain = await again.url;
      expect(again.stdout()).not.toContain('Password:');
      expect(again.stdout()).not.toContain(password!);
      const tokenAgain = await loginAt(baseAgain, email!, password!);
      const orders = await gqlAt<{ orders: { edges: { node: { id: string; status: string } }[] } }>(
        baseAgain,
        `{ orders(first: 50) { edges { node { id status } } } }`,
        {},
        tokenAgain,
      );
      expect(orders.errors).toBeUndefined();
      expect(orders.data!.orders.edges.map((edge) => edge.node)).toContainEqual({ id: orderId, status: 'FILLED' });
      expect((await stopServerProcess(again)).code, again.stderr()).toBe(0);
    },
    3 * START_TIMEOUT_MS,
  );
});
