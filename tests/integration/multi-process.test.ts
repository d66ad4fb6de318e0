// Tandem as real server processes (`node --import tsx server/src/main.ts`), the way people
// run it: replicas sharing PostgreSQL and Redis, graceful shutdown on SIGTERM, and the
// embedded mode's DATA_DIR kept across restarts and held by one process at a time.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { redisUrl, scratchDatabase, usingPostgres } from '../support/database.ts';
import { waitFor } from '../support/harness.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
/** Generous: a cold tsx start with migrations takes seconds, more on a busy machine. */
const START_TIMEOUT_MS = 45_000;

interface ServerProcess {
  /** The base URL main.ts printed, once it listens. */
  url: Promise<string>;
  stdout(): string;
  stderr(): string;
  /** Resolves with the exit code. */
  exited: Promise<number | null>;
  child: ChildProcess;
}

const running = new Set<ChildProcess>();

/** Starts main.ts with exactly `env` (plus PATH and HOME): nothing leaks in from the test's own environment. */
function startServer(env: Record<string, string>): ServerProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', 'server/src/main.ts'], {
    cwd: ROOT,
    env: { PATH: process.env['PATH'] ?? '', HOME: process.env['HOME'] ?? tmpdir(), PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  running.add(child);
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => {
    running.delete(child);
    resolve(code);
  }));
  const url = Promise.race([
    waitFor(() => /GraphQL:\s+(http:\/\/\S+)\/graphql/.exec(stdout)?.[1], START_TIMEOUT_MS, 'main.ts to print its URL'),
    exited.then((code) => {
      throw new Error(`main.ts exited with ${code} before listening:\n${stdout}\n${stderr}`);
    }),
  ]);
  url.catch(() => undefined);
  return { url, stdout: () => stdout, stderr: () => stderr, exited, child };
}

/** SIGTERM, then the exit code and how long the process took to go. */
async function stopServer(server: ServerProcess): Promise<{ code: number | null; ms: number }> {
  const started = Date.now();
  server.child.kill('SIGTERM');
  const code = await Promise.race([server.exited, new Promise<never>((_, reject) => setTimeout(() => reject(new Error('no exit 10 s after SIGTERM')), 10_000))]);
  return { code, ms: Date.now() - started };
}

async function gql<T = Record<string, any>>(base: string, query: string, variables: Record<string, unknown> = {}, token?: string): Promise<{ data?: T; errors?: { message: string; extensions?: Record<string, unknown> }[] }> {
  const response = await fetch(`${base}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify({ query, variables }),
  });
  return (await response.json()) as never;
}

async function login(base: string, email: string, password: string): Promise<string> {
  const result = await gql<{ login: { token: string } }>(base, 'mutation($e: String!, $p: String!) { login(email: $e, password: $p) { token } }', { e: email, p: password });
  if (!result.data?.login) throw new Error(`login failed: ${JSON.stringify(result.errors)}`);
  return result.data.login.token;
}

const PLACE = `mutation($i: PlaceOrderInput!) { placeOrder(input: $i) { id orderTag } }`;
const marketBuy = (accountId: string) => ({ i: { accountId, exchange: 'NSE', symbol: 'SBIN-EQ', side: 'BUY', quantity: 3, orderType: 'MARKET', productType: 'INTRADAY' } });

interface StreamedEvent {
  cursor: string;
  status: string;
  order: { id: string };
}

/** orderEvents over SSE: what arrived so far; `close` drops the connection. */
function subscribeSse(base: string, token: string, args: string): { events: StreamedEvent[]; close(): void } {
  const abort = new AbortController();
  const events: StreamedEvent[] = [];
  const url = new URL('/graphql', base);
  url.searchParams.set('query', `subscription { orderEvents(${args}) { cursor status order { id } } }`);
  void (async () => {
    const response = await fetch(url, { headers: { accept: 'text/event-stream', authorization: `Bearer ${token}` }, signal: abort.signal });
    const decoder = new TextDecoder();
    let buffer = '';
    for await (const chunk of response.body!) {
      buffer += decoder.decode(chunk as Uint8Array, { stream: true });
      let end: number;
      while ((end = buffer.indexOf('\n\n')) >= 0) {
        const frame = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        const data = /^data: (.+)$/m.exec(frame)?.[1];
        if (/^event: next$/m.test(frame) && data) {
          const payload = JSON.parse(data) as { data?: { orderEvents: StreamedEvent } };
          if (payload.data) events.push(payload.data.orderEvents);
        }
      }
    }
  })().catch(() => undefined);
  return { events, close: () => abort.abort() };
}

afterAll(() => {
  for (const child of running) child.kill('SIGKILL');
});

const shared = usingPostgres && redisUrl !== null;

(shared ? describe : describe.skip)(`two server processes on one PostgreSQL and Redis${shared ? '' : ' (skipped: needs DATABASE_URL and REDIS_URL)'}`, () => {
  const admin = { email: 'ops@test.local', password: 'ops-password-123' };
  let database: Awaited<ReturnType<typeof scratchDatabase>>;
  let a: ServerProcess;
  let b: ServerProcess;
  let urls: { a: string; b: string };

  beforeAll(async () => {
    database = await scratchDatabase();
    const env = {
      DATABASE_URL: database.url!, REDIS_URL: redisUrl!, SECRET_KEY: 'multi-process-secret-key-at-least-32-chars',
      ADMIN_EMAIL: admin.email, ADMIN_PASSWORD: admin.password,
    };
    // Started together on an empty database, like replicas of one deployment.
    a = startServer(env);
    b = startServer(env);
    urls = { a: await a.url, b: await b.url };
  }, 2 * START_TIMEOUT_MS);
  afterAll(async () => {
    for (const server of [a, b]) if (server && running.has(server.child)) await stopServer(server).catch(() => undefined);
    await database?.drop();
  });

  it('streams an order placed through process A live to a subscriber on process B', async () => {
    const token = await login(urls.a, admin.email, admin.password);
    const created = await gql<{ createAccount: { id: string } }>(urls.a, `mutation($i: CreateAccountInput!) { createAccount(input: $i) { id } }`, {
      i: { label: 'Shared master', broker: 'PAPER', role: 'MASTER', clientCode: 'MP-MASTER' },
    }, token);
    expect(created.errors).toBeUndefined();
    const accountId = created.data!.createAccount.id;

    // Nothing exists on this account yet, so everything B delivers is live.
    const onB = subscribeSse(urls.b, token, `accountId: "${accountId}", after: "0"`);
    const placed = await gql<{ placeOrder: { id: string } }>(urls.a, PLACE, marketBuy(accountId), token);
    expect(placed.errors).toBeUndefined();
    const orderId = placed.data!.placeOrder.id;

    await waitFor(() => onB.events.some((e) => e.order.id === orderId && e.status === 'FILLED'), 10_000, 'FILLED on process B');
    const statuses = onB.events.filter((e) => e.order.id === orderId).map((e) => e.status);
    expect(statuses.slice(0, 2)).toEqual(['PENDING', 'SENT']);
    const seen = onB.events.map((e) => Number(e.cursor));
    expect(seen).toEqual([...seen].sort((x, y) => x - y));
    expect(new Set(seen).size).toBe(seen.length);
    const onBQuery = await gql<{ order: { status: string } }>(urls.b, `query($id: ID!) { order(id: $id) { status } }`, { id: orderId }, token);
    expect(onBQuery.data?.order.status).toBe('FILLED');
  });

  it('shuts both processes down gracefully on SIGTERM, open subscriptions and all', async () => {
    const token = await login(urls.b, admin.email, admin.password);
    subscribeSse(urls.b, token, 'after: "0"');
    const [stoppedA, stoppedB] = await Promise.all([stopServer(a), stopServer(b)]);
    expect(stoppedA.code, a.stderr()).toBe(0);
    expect(stoppedB.code, b.stderr()).toBe(0);
    expect(Math.max(stoppedA.ms, stoppedB.ms)).toBeLessThan(5000);
  });
});

describe('embedded mode (PGlite in DATA_DIR) across restarts', () => {
  let dataDir: string;
  beforeAll(() => {
    dataDir = mkdtempSync(path.join(tmpdir(), 'tandem-embedded-'));
  });
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('keeps orders across a restart, prints the generated password only once, and lets one process hold DATA_DIR', async () => {
    const env = { DATA_DIR: dataDir };
    const first = startServer(env);
    const base = await first.url;
    const email = /Admin:\s+(\S+)/.exec(first.stdout())?.[1];
    const password = /Password:\s+(\S+)/.exec(first.stdout())?.[1];
    expect(email).toBeDefined();
    expect(password).toBeDefined();

    // A second process on the same directory while the first runs must refuse, naming it.
    const intruder = startServer(env);
    const token = await login(base, email!, password!);
    const masters = await gql<{ accounts: { id: string; clientCode: string }[] }>(base, '{ accounts(role: MASTER) { id clientCode } }', {}, token);
    const master = masters.data!.accounts.find((account) => account.clientCode === 'DEMO-MASTER')!;
    const placed = await gql<{ placeOrder: { id: string } }>(base, PLACE, marketBuy(master.id), token);
    expect(placed.errors).toBeUndefined();
    const orderId = placed.data!.placeOrder.id;
    await waitFor(async () => (await gql<{ order: { status: string } }>(base, `query($id: ID!) { order(id: $id) { status } }`, { id: orderId }, token)).data?.order.status === 'FILLED', 5000, 'the order FILLED');

    expect(await intruder.exited).toBe(1);
    expect(intruder.stdout() + intruder.stderr()).toContain(`DATA_DIR ${path.resolve(dataDir)} is in use`);
    expect((await gql(base, '{ me { email } }', {}, token)).data).toEqual({ me: { email } });

    expect((await stopServer(first)).code, first.stderr()).toBe(0);

    const again = startServer(env);
    const baseAgain = await again.url;
    expect(again.stdout()).not.toContain('Password:');
    expect(again.stdout()).not.toContain(password!);
    const tokenAgain = await login(baseAgain, email!, password!);
    const orders = await gql<{ orders: { edges: { node: { id: string; status: string } }[] } }>(baseAgain, `{ orders(first: 50) { edges { node { id status } } } }`, {}, tokenAgain);
    expect(orders.errors).toBeUndefined();
    expect(orders.data!.orders.edges.map((edge) => edge.node)).toContainEqual({ id: orderId, status: 'FILLED' });
    expect((await stopServer(again)).code, again.stderr()).toBe(0);
  }, 3 * START_TIMEOUT_MS);
});
