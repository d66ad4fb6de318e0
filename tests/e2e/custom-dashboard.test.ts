import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { chromiumSuite, hasChromium, launchChromium } from './chromium.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { redisUrl, scratchDatabase, usingPostgres } from '../support/database.ts';
import { gqlAt, loginAt, ok } from '../support/gql.ts';
import { startServerProcess, stopServerProcess, type ServerProcess } from '../support/spawn-server.ts';
import { subscribeSse } from '../support/sse.ts';
import { waitFor } from '../support/wait-for.ts';
import { startTcpProxy, type TcpProxy } from './tcp-proxy.ts';

// The examples of issue 14 as a third party runs them: examples/custom-dashboard served by its
// own serve.mjs from a second origin listed in CORS_ORIGINS, in Debian's Chromium, and
// examples/stream-orders.mjs as a child process, both with a scoped API token only, against a
// real server process (PostgreSQL and Redis when DATABASE_URL and REDIS_URL are set, else
// embedded). Both reach the server through a TCP proxy whose cable the resume tests pull.
const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const ADMIN = { email: 'wallboard-admin@tandem.local', password: 'wallboard-password-1234' };
const FOLLOWERS = [
  { label: 'Wallboard x1', clientCode: 'WB-F1', factor: 1 },
  { label: 'Wallboard x3', clientCode: 'WB-F3', factor: 3 },
];
const LONG = 120_000;

const PLACE = 'mutation($i: PlaceOrderInput!) { placeOrder(input: $i) { id } }';
const COPIES = 'query($m: ID!) { orders(masterOrderId: $m) { edges { node { status } } } }';

/** A child process's output as it arrives, and its exit. */
interface Child {
  process: ChildProcess;
  stdout(): string;
  stderr(): string;
  exited: Promise<number | null>;
}

function startChild(args: string[], env: Record<string, string>): Child {
  const child = spawn(process.execPath, args, {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? tmpdir(), ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { process: child, stdout: () => stdout, stderr: () => stderr, exited };
}

async function stopChild(child: Child | undefined, signal: NodeJS.Signals = 'SIGTERM'): Promise<number | null> {
  if (!child) return null;
  if (child.process.exitCode === null && child.process.signalCode === null) child.process.kill(signal);
  return child.exited;
}

describe('the examples against a real Tandem (examples/custom-dashboard, examples/stream-orders.mjs)', () => {
  let server: ServerProcess | undefined;
  let statics: Child | undefined;
  let cable: TcpProxy;
  let base: string;
  let pageOrigin: string;
  let session: string;
  let apiToken: string;
  let masterId: string;
  let dropDatabase = async (): Promise<void> => undefined;
  let dataDir: string | undefined;
  let browser: Browser | undefined;
  let page: Page;
  let outage = false;
  const consoleErrors: string[] = [];

  async function placeMarket(symbol: string, quantity: number): Promise<string> {
    const input = { accountId: masterId, exchange: 'NSE', symbol, side: 'BUY', quantity, orderType: 'MARKET', productType: 'INTRADAY' };
    return ok(await gqlAt<{ placeOrder: { id: string } }>(base, PLACE, { i: input }, session)).placeOrder.id;
  }

  /** Waits until every copy of `masterOrderId` is FILLED at the server: all its events are committed. */
  async function copiesFilled(masterOrderId: string): Promise<void> {
    await waitFor(
      async () => {
        const page = ok(await gqlAt<{ orders: { edges: { node: { status: string } }[] } }>(base, COPIES, { m: masterOrderId }, session));
        const statuses = page.orders.edges.map((edge) => edge.node.status);
        return statuses.length === FOLLOWERS.length && statuses.every((status) => status === 'FILLED');
      },
      20_000,
      `the copies of ${masterOrderId} to fill`,
    );
  }

  /** Every event cursor after `after` up to the newest, as the server's own SSE stream replays them. */
  async function serverCursors(after: string): Promise<string[]> {
    const latest = ok(
      await gqlAt<{ latestOrderEventCursor: string }>(base, '{ latestOrderEventCursor }', {}, apiToken),
    ).latestOrderEventCursor;
    const stream = subscribeSse(base, apiToken, `after: "${after}"`);
    try {
      await waitFor(() => stream.events.at(-1)?.cursor === latest, 20_000, `the events after ${after} up to ${latest}`);
      return stream.events.map((event) => event.cursor);
    } finally {
      stream.close();
    }
  }

  beforeAll(async () => {
    // The page's own origin first: Tandem must list it in CORS_ORIGINS.
    statics = startChild(['examples/custom-dashboard/serve.mjs'], { PORT: '0', HOST: '127.0.0.1' });
    pageOrigin = await waitFor(() => /at (http:\/\/\S+?)\/\n/.exec(statics!.stdout())?.[1], 10_000, 'serve.mjs to listen');

    const env: Record<string, string> = {
      ADMIN_EMAIL: ADMIN.email,
      ADMIN_PASSWORD: ADMIN.password,
      CORS_ORIGINS: pageOrigin,
      DEMO_DATA: 'false',
    };
    if (usingPostgres) {
      const database = await scratchDatabase();
      dropDatabase = database.drop;
      Object.assign(env, { DATABASE_URL: database.url!, SECRET_KEY: 'custom-dashboard-e2e-secret-key-32-chars-at-least' });
      if (redisUrl) Object.assign(env, { REDIS_URL: redisUrl, REDIS_PREFIX: `wallboard-${randomBytes(4).toString('hex')}:` });
    } else {
      dataDir = mkdtempSync(join(tmpdir(), 'tandem-wallboard-'));
      env.DATA_DIR = dataDir;
    }
    server = startServerProcess(env, LONG);
    base = await server.url;
    cable = await startTcpProxy(new URL(base));

    session = await loginAt(base, ADMIN.email, ADMIN.password);
    const create = 'mutation($i: CreateAccountInput!) { createAccount(input: $i) { id } }';
    const account = async (label: string, clientCode: string, role: 'MASTER' | 'FOLLOWER') =>
      ok(await gqlAt<{ createAccount: { id: string } }>(base, create, { i: { label, clientCode, role, broker: 'PAPER' } }, session))
        .createAccount.id;
    masterId = await account('Wallboard master', 'WB-MASTER', 'MASTER');
    for (const follower of FOLLOWERS) {
      const followerId = await account(follower.label, follower.clientCode, 'FOLLOWER');
      ok(
        await gqlAt(
          base,
          'mutation($i: CreateMultiplierInput!) { createMultiplier(input: $i) { id } }',
          { i: { masterId, followerId, factor: follower.factor } },
          session,
        ),
      );
    }
    apiToken = ok(
      await gqlAt<{ createApiToken: { token: string } }>(
        base,
        'mutation { createApiToken(name: "wallboard", scopes: [ORDERS_READ, ACCOUNTS_READ]) { token } }',
        {},
        session,
      ),
    ).createApiToken.token;

    if (!hasChromium) return;
    mkdirSync(join(ROOT, 'test-output', 'screenshots'), { recursive: true });
    browser = await launchChromium();
    const context = await browser.newContext({ viewport: { width: 1280, height: 1000 } });
    page = await context.newPage();
    page.setDefaultTimeout(30_000);
    page.on('console', (message) => {
      if (message.type() !== 'error') return;
      // While the cable is out, Chromium reports each failed request itself.
      if (outage && message.text().startsWith('Failed to load resource: net::ERR_')) return;
      consoleErrors.push(`${message.text()} (${message.location().url})`);
    });
    page.on('pageerror', (error) => consoleErrors.push(`page error: ${error.message}`));
  }, LONG);

  afterAll(async () => {
    await browser?.close();
    await cable?.close();
    if (server) await stopServerProcess(server);
    await stopChild(statics);
    await dropDatabase();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  }, LONG);

  describe.skipIf(!hasChromium)(chromiumSuite('the custom dashboard in Chromium'), () => {
    let firstCursor = '';

    /** The event log's cursors, newest first. */
    const loggedCursors = async () => (await page.locator('#event-log tbody tr td:first-child').allInnerTexts()).map((text) => text.trim());

    /** A master order's group in the table, once its master row and every copy row read FILLED. */
    async function filledGroup(symbol: string) {
      const group = page
        .locator('tbody.master-order')
        .filter({ has: page.locator('tr.master td:nth-child(3)', { hasText: new RegExp(`^${symbol}$`) }) });
      await group.locator('tr.master td.status').filter({ hasText: 'FILLED' }).waitFor();
      for (const follower of FOLLOWERS) {
        await group
          .locator('tr.copy')
          .filter({ hasText: follower.clientCode })
          .filter({ has: page.locator('td.status', { hasText: 'FILLED' }) })
          .waitFor();
      }
      return group;
    }

    async function copyCells(group: ReturnType<Page['locator']>, clientCode: string): Promise<string[]> {
      return (await group.locator('tr.copy').filter({ hasText: clientCode }).locator('td').allInnerTexts()).map((text) => text.trim());
    }

    it(
      "shows the server's error for a bad token; with a good one streams a master order and its copies live, and draws latency per follower",
      async () => {
        await page.goto(`${pageOrigin}/`);
        const status = page.getByRole('status');
        await page.getByLabel('Tandem URL').fill(cable.url);
        await page.getByLabel('API token').fill('tdm_not-a-token');
        await page.getByRole('button', { name: 'Connect', exact: true }).click();
        await status.filter({ hasText: 'Error: API token is unknown or revoked (UNAUTHENTICATED)' }).waitFor();

        await page.getByLabel('API token').fill(apiToken);
        await page.getByRole('button', { name: 'Connect', exact: true }).click();
        await status.filter({ hasText: /^Live: streaming order events after cursor \d+$/ }).waitFor();
        firstCursor = /cursor (\d+)$/.exec((await status.textContent()) ?? '')![1]!;
        expect(page.url()).toBe(`${pageOrigin}/`);
        expect(await page.evaluate(() => JSON.parse(sessionStorage.getItem('tandem-custom-dashboard') ?? '{}').token)).toBe(apiToken);
        expect(await page.locator('#orders-empty').isVisible()).toBe(true);

        await copiesFilled(await placeMarket('SBIN-EQ', 7));
        const group = await filledGroup('SBIN-EQ');
        const master = (await group.locator('tr.master td').allInnerTexts()).map((text) => text.trim());
        expect(master.slice(1, 7)).toEqual(['Wallboard master (WB-MASTER)', 'SBIN-EQ', 'BUY', '7', 'FILLED', '7']);
        const x1 = await copyCells(group, 'WB-F1');
        const x3 = await copyCells(group, 'WB-F3');
        expect(x1.slice(1, 7)).toEqual(['↳ Wallboard x1 (WB-F1)', 'SBIN-EQ', 'BUY', '7', 'FILLED', '7']);
        expect(x3.slice(1, 7)).toEqual(['↳ Wallboard x3 (WB-F3)', 'SBIN-EQ', 'BUY', '21', 'FILLED', '21']);
        expect(x1[7]).toMatch(/^[\d.]+ ms$|^[\d.]+ s$/);
        expect(await page.locator('#orders-empty').isVisible()).toBe(false);

        // The latency table and chart come from replicationStats: one row and one pair of bars per follower.
        for (const follower of FOLLOWERS) {
          const cells = page
            .locator('#latency tbody tr')
            .filter({ hasText: follower.clientCode })
            .filter({ has: page.locator('td:nth-child(6)', { hasText: /^[1-9]/ }) });
          await cells.waitFor();
          const [name, copied, failed, , , , p50, p95, p99] = (await cells.locator('td').allInnerTexts()).map((text) => text.trim());
          expect(name).toBe(`${follower.label} (${follower.clientCode})`);
          expect([copied, failed]).toEqual(['1', '0']);
          for (const latency of [p50, p95, p99]) expect(latency).toMatch(/^[\d.]+ ms$|^[\d.]+ s$/);
        }
        expect(await page.locator('#latency-chart g.series').count()).toBe(FOLLOWERS.length);
        expect(await page.locator('#latency-chart rect.p50').count()).toBe(FOLLOWERS.length);
        expect(Number(await page.locator('#latency-chart rect.p99').first().getAttribute('width'))).toBeGreaterThan(0);

        // The page's log holds exactly the events the server streams after the page's first cursor.
        const expected = await serverCursors(firstCursor);
        await expect.poll(loggedCursors).toEqual([...expected].reverse());
        await page.screenshot({ path: join(ROOT, 'test-output', 'screenshots', 'custom-dashboard.png'), fullPage: true });
      },
      LONG,
    );

    it(
      'after the stream drops, resumes from its last cursor: the order placed meanwhile shows up once, nothing twice',
      async () => {
        const status = page.getByRole('status');
        outage = true;
        try {
          cable.cut();
          await status.filter({ hasText: /^Reconnecting in .* Resuming after cursor \d+\.$/ }).waitFor();
          await copiesFilled(await placeMarket('TCS-EQ', 3));
          expect(await page.locator('tbody.master-order', { hasText: 'TCS-EQ' }).count()).toBe(0);
        } finally {
          cable.restore();
        }
        await status.filter({ hasText: /^Live: / }).waitFor({ timeout: 60_000 });
        const group = await filledGroup('TCS-EQ');
        outage = false;
        expect((await copyCells(group, 'WB-F3')).slice(3, 7)).toEqual(['BUY', '9', 'FILLED', '9']);
        expect(await page.locator('tbody.master-order').count()).toBe(2);
        expect(await group.locator('tr.copy').count()).toBe(FOLLOWERS.length);

        // Every event since the page connected, each once and in order: none lost in the outage, none replayed twice.
        const expected = await serverCursors(firstCursor);
        await expect.poll(loggedCursors).toEqual([...expected].reverse());
        expect(await page.locator('#stream-counts').textContent()).toMatch(/ 0 duplicates dropped · [1-9]\d* reconnect attempts? /);
      },
      LONG,
    );

    it('logged no console errors', () => {
      expect(consoleErrors).toEqual([]);
    });
  });

  it(
    'stream-orders.mjs prints each event of an order once, also across a dropped connection, and says where to resume',
    async () => {
      const after = ok(
        await gqlAt<{ latestOrderEventCursor: string }>(base, '{ latestOrderEventCursor }', {}, apiToken),
      ).latestOrderEventCursor;
      const script = startChild(['examples/stream-orders.mjs'], { TANDEM_URL: cable.url, TANDEM_TOKEN: apiToken });
      try {
        await waitFor(() => script.stderr().includes(`streaming events after cursor ${after} `), 20_000, 'the script to subscribe').catch(
          (error: Error) => {
            throw new Error(`${error.message}; its stderr: ${script.stderr()}`);
          },
        );
        const printed = () =>
          script
            .stdout()
            .split('\n')
            .filter(Boolean)
            .map((line) => line.split('\t'));

        await copiesFilled(await placeMarket('INFY-EQ', 2));
        await waitFor(
          () =>
            printed().some(
              ([, , status, symbol, , quantity, account]) =>
                `${status} ${symbol} ${quantity} ${account}` === 'FILLED INFY-EQ 6 Wallboard x3',
            ),
          20_000,
          'the x3 copy of INFY-EQ to print FILLED',
        );
        const created = printed().find(([, kind, , symbol]) => kind === 'CREATED' && symbol === 'INFY-EQ');
        expect([created?.[3], created?.[4], created?.[5], created?.[6]]).toEqual(['INFY-EQ', 'BUY', '2', 'Wallboard master']);

        try {
          cable.cut();
          await waitFor(() => script.stderr().includes('resubscribing after cursor'), 20_000, 'the script to notice the drop');
          await copiesFilled(await placeMarket('ITC-EQ', 1));
        } finally {
          cable.restore();
        }
        await waitFor(
          () => printed().some(([, , status, symbol, , , account]) => `${status} ${symbol} ${account}` === 'FILLED ITC-EQ Wallboard x3'),
          30_000,
          'the x3 copy of ITC-EQ to print FILLED after the drop',
        );

        const expected = await serverCursors(after);
        await waitFor(() => printed().length >= expected.length, 10_000, 'every event to print');
        expect(printed().map(([cursor]) => cursor)).toEqual(expected);

        expect(await stopChild(script, 'SIGINT')).toBe(0);
        expect(script.stderr()).toContain(`resume with --after ${expected.at(-1)}`);
      } finally {
        await stopChild(script);
      }
    },
    LONG,
  );
});
