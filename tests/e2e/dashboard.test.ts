import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { chromiumSuite, hasChromium, launchChromium, SCREENSHOTS } from './chromium.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureDashboardBuilt } from '../../server/src/dashboard/build.ts';
import { gqlAt, loginAt, ok } from '../support/gql.ts';
import { startServerProcess, stopServerProcess, type ServerProcess } from '../support/spawn-server.ts';
import { startTcpProxy, type TcpProxy } from './tcp-proxy.ts';

// The dashboard in Debian's Chromium against the real server (`npm start`'s entry point) on
// embedded defaults: PGlite in a temporary DATA_DIR, in-process PubSub, the paper exchange.
const ADMIN = { email: 'e2e-admin@tandem.local', password: 'e2e-password-1234' };
const FOLLOWER = { label: 'E2E follower x2', clientCode: 'E2E-F4' };
const CLIENT = { email: 'e2e-client@tandem.local', password: 'e2e-client-password-1234' };
const CLIENT_FOLLOWER = { label: 'E2E client follower', clientCode: 'E2E-C1' };
const CLIENT_SMARTAPI = { label: 'E2E client Angel One', clientCode: 'E2E-C2' };
const LONG = 120_000;
let outage = false;

/** A signed-in tab of its own (its own context, so its own sessionStorage and network). */
async function signedInPage(
  browser: Browser,
  base: string,
  consoleErrors: string[],
  user = ADMIN,
): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  page.setDefaultTimeout(60_000);
  page.on('console', (message) => {
    if (message.type() !== 'error') return;
    // While a test cuts the network on purpose, Chromium reports each failed request itself.
    if (outage && message.text().startsWith('Failed to load resource: net::ERR_')) return;
    consoleErrors.push(`${message.text()} (${message.location().url})`);
  });
  page.on('pageerror', (error) => consoleErrors.push(`page error: ${error.message}`));
  await page.goto(`${base}/`);
  await page.getByLabel('Email').fill(user.email);
  await page.getByLabel('Password').fill(user.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('navigation', { name: 'Main' }).waitFor();
  return { context, page };
}

async function open(page: Page, route: string, heading: string): Promise<void> {
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: route, exact: true }).click();
  await page.getByRole('heading', { level: 1, name: heading }).waitFor();
}

/** The cells of a follower's line in a master order's copies, once it shows `status`. */
async function copyLine(copies: Locator, clientCode: string, status: string): Promise<string[]> {
  const row = copies.getByRole('row').filter({ hasText: clientCode }).filter({ hasText: status });
  await row.waitFor();
  return (await row.locator('td').allInnerTexts()).map((text) => text.trim());
}

async function placeFromTicket(page: Page, order: { symbol: string; side: 'Buy' | 'Sell'; quantity: number }): Promise<void> {
  await open(page, 'Ticket', 'Order ticket');
  const form = page.getByRole('form', { name: 'Place an order' });
  await form.getByLabel('Master account').selectOption({ label: 'Demo master (DEMO-MASTER)' });
  await form.getByLabel('Symbol').fill(order.symbol);
  await form.getByLabel('Side').selectOption({ label: order.side });
  await form.getByLabel('Quantity').fill(String(order.quantity));
  await form.getByLabel('Order type').selectOption({ label: 'Market' });
  await form.getByLabel('Product').selectOption({ label: 'Intraday' });
  await form.getByRole('button', { name: `Place ${order.side.toLowerCase()} order` }).click();
  await form
    .getByRole('status')
    .filter({ hasText: `Placed ${order.symbol} ${order.side.toUpperCase()} ${order.quantity}` })
    .waitFor();
}

describe.skipIf(!hasChromium)(chromiumSuite('the dashboard in Chromium'), () => {
  let server: ServerProcess | undefined;
  let base: string;
  let browser: Browser | undefined;
  let cable: TcpProxy | undefined;
  let dataDir: string;
  let desk: Page;
  let blotter: Page;
  const consoleErrors: string[] = [];
  // Set by the CLIENT test: the admin's API token and the CLIENT user's id.
  let adminToken = '';
  let clientUserId = '';

  beforeAll(async () => {
    // Built once by the global set-up; this only confirms it is current.
    const build = await ensureDashboardBuilt();
    if (build.status === 'failed') throw new Error(`the dashboard did not build: ${build.error}`);
    dataDir = mkdtempSync(join(tmpdir(), 'tandem-e2e-'));
    mkdirSync(SCREENSHOTS, { recursive: true });
    // As `npm start` runs it, on embedded defaults: no DATABASE_URL or REDIS_URL, even when CI exports them.
    server = startServerProcess(
      {
        DATA_DIR: dataDir,
        ADMIN_EMAIL: ADMIN.email,
        ADMIN_PASSWORD: ADMIN.password,
        // No SmartAPI account here may reach Angel One: a login fails at once instead.
        SMARTAPI_ROOT_URL: 'http://127.0.0.1:9',
        SMARTAPI_ORDER_WS_URL: 'ws://127.0.0.1:9',
      },
      LONG,
    );
    base = await server.url;
    cable = await startTcpProxy(new URL(base));
    browser = await launchChromium();
    ({ page: desk } = await signedInPage(browser, base, consoleErrors));
  }, LONG);

  afterAll(async () => {
    await browser?.close();
    await cable?.close();
    if (server) await stopServerProcess(server);
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  }, LONG);

  it(
    'leads a new user from the empty overview and blotter to the ticket, with the demo master chosen',
    async () => {
      const hint = 'Place an order on Demo master from the Ticket to watch it copied live to its followers.';
      await desk.getByRole('heading', { level: 1, name: 'Overview' }).waitFor();
      await desk.locator('[data-empty="orders"]').filter({ hasText: hint }).waitFor();
      await open(desk, 'Orders', 'Orders');
      const empty = desk.locator('[data-empty="orders"]').filter({ hasText: hint });
      await empty.getByRole('link', { name: 'Ticket' }).click();
      await desk.getByRole('heading', { level: 1, name: 'Order ticket' }).waitFor();
      const master = desk.getByRole('form', { name: 'Place an order' }).getByLabel('Master account');
      await expect.poll(() => master.locator('option:checked').textContent()).toBe('Demo master (DEMO-MASTER)');
    },
    LONG,
  );

  it(
    'adds a paper follower and links it to the demo master with factor 2',
    async () => {
      await open(desk, 'Accounts', 'Accounts');
      await desk.getByRole('button', { name: 'Add account' }).click();
      const accountForm = desk.getByRole('form', { name: 'Add an account' });
      await accountForm.getByLabel('Name').fill(FOLLOWER.label);
      await accountForm.getByLabel('Broker').selectOption('PAPER');
      await accountForm.getByLabel('Role').selectOption('FOLLOWER');
      await accountForm.getByLabel('Client code').fill(FOLLOWER.clientCode);
      await accountForm.getByRole('button', { name: 'Add account' }).click();
      await desk.getByRole('row').filter({ hasText: FOLLOWER.clientCode }).waitFor();

      await open(desk, 'Multipliers', 'Multipliers');
      const demo = desk.locator('.master-links').filter({ has: desk.getByRole('heading', { name: 'Demo master' }) });
      await demo.getByRole('button', { name: 'Add follower link' }).click();
      const linkForm = desk.getByRole('form', { name: 'Add follower link to Demo master' });
      await linkForm.getByLabel('Follower').selectOption({ label: FOLLOWER.label });
      await linkForm.getByLabel('Mode').selectOption('MULTIPLY');
      await linkForm.getByLabel('Factor').fill('2');
      await linkForm.getByRole('button', { name: 'Add link' }).click();
      const link = demo.getByRole('row').filter({ hasText: FOLLOWER.label });
      await link.waitFor();
      expect(await link.textContent()).toContain('× 2');
    },
    LONG,
  );

  it(
    "shows the server's error under the ticket field it names",
    async () => {
      await open(desk, 'Ticket', 'Order ticket');
      const form = desk.getByRole('form', { name: 'Place an order' });
      await form.getByLabel('Symbol').fill('NOPE-EQ');
      await form.getByLabel('Quantity').fill('1');
      await form.getByRole('button', { name: 'Place buy order' }).click();
      await desk.locator('#ticket-symbol-error').filter({ hasText: 'unknown symbol NOPE-EQ' }).waitFor();
      expect(await form.getByLabel('Symbol').getAttribute('aria-invalid')).toBe('true');
    },
    LONG,
  );

  it(
    'shows a master order placed from the ticket and its copies reach FILLED live in the blotter',
    async () => {
      // The blotter is open in its own tab before the order exists: what it shows comes live.
      // Its tab reaches the server through a cable the next test pulls.
      ({ page: blotter } = await signedInPage(browser!, cable!.url, consoleErrors));
      await open(blotter, 'Orders', 'Orders');
      await blotter.getByRole('status').filter({ hasText: 'Live' }).waitFor();
      await blotter.evaluate(() => ((window as unknown as { notReloaded: boolean }).notReloaded = true));

      await placeFromTicket(desk, { symbol: 'SBIN-EQ', side: 'Buy', quantity: 10 });

      const masterName = /copies of SBIN-EQ BUY 10 at /;
      const masterOrder = blotter.locator('tbody.master-order').filter({ has: blotter.getByRole('button', { name: masterName }) });
      await masterOrder.locator('tr').first().filter({ hasText: 'Filled' }).waitFor();
      const copies = blotter.getByRole('table', { name: /^Copies of SBIN-EQ BUY 10 at / });
      // Arrived live, so expanded without a click: the new follower's copy is twice the master's.
      const mine = await copyLine(copies, FOLLOWER.clientCode, 'Filled');
      expect(mine.slice(1, 5)).toEqual(['BUY', '20', 'Filled', '20']);
      expect(mine[5]).toMatch(/^₹[\d,]+\.\d\d$/);
      expect(mine[6]).toMatch(/^\d+ ms$|^\d+\.\d\d s$/);
      expect((await copyLine(copies, 'DEMO-F1', 'Filled')).slice(1, 5)).toEqual(['BUY', '10', 'Filled', '10']);
      expect((await copyLine(copies, 'DEMO-F2', 'Filled')).slice(1, 5)).toEqual(['BUY', '25', 'Filled', '25']);
      expect((await copyLine(copies, 'DEMO-F3', 'Filled')).slice(1, 5)).toEqual(['SELL', '10', 'Filled', '10']);
      expect(await copies.locator('tbody tr').count()).toBe(4);
      expect(await blotter.locator('tbody.master-order').count()).toBe(1);
      expect(await blotter.evaluate(() => (window as unknown as { notReloaded?: boolean }).notReloaded)).toBe(true);
    },
    LONG,
  );

  it(
    'after a network drop resumes from its cursor: the order placed meanwhile shows up once, nothing twice',
    async () => {
      outage = true;
      cable!.cut();
      await placeFromTicket(desk, { symbol: 'TCS-EQ', side: 'Buy', quantity: 4 });
      // The desk's own blotter sees the order and its copies settle while the other tab is offline.
      await open(desk, 'Orders', 'Orders');
      const deskRow = desk.locator('tbody.master-order').filter({ has: desk.getByRole('button', { name: /copies of TCS-EQ BUY 4 at / }) });
      await deskRow.locator('tr').first().filter({ hasText: 'Filled' }).waitFor();
      await deskRow.getByRole('button', { name: /copies of TCS-EQ BUY 4 at / }).click();
      await copyLine(desk.getByRole('table', { name: /^Copies of TCS-EQ BUY 4 at / }), FOLLOWER.clientCode, 'Filled');
      expect(await blotter.getByRole('button', { name: /copies of TCS-EQ BUY 4 at / }).count()).toBe(0);

      cable!.restore();
      const copies = blotter.getByRole('table', { name: /^Copies of TCS-EQ BUY 4 at / });
      expect((await copyLine(copies, FOLLOWER.clientCode, 'Filled')).slice(1, 5)).toEqual(['BUY', '8', 'Filled', '8']);
      await copyLine(copies, 'DEMO-F3', 'Filled');
      outage = false;
      expect(await copies.locator('tbody tr').count()).toBe(4);
      expect(await blotter.locator('tbody.master-order').count()).toBe(2);
      expect(
        await blotter
          .getByRole('table', { name: /^Copies of SBIN-EQ BUY 10 at / })
          .locator('tbody tr')
          .count(),
      ).toBe(4);
    },
    LONG,
  );

  it(
    'engages the kill switch on the follower from the overview, and the next master order is not copied to it, with the reason shown',
    async () => {
      await open(desk, 'Overview', 'Overview');
      const line = desk.locator(`[data-account="${FOLLOWER.clientCode}"]`);
      await line.getByRole('button', { name: `Kill switch for ${FOLLOWER.label}` }).click();
      await line.getByRole('button', { name: `Confirm Kill switch for ${FOLLOWER.label}` }).click();
      await line.getByText('Kill switch on').waitFor();
      await desk.screenshot({ path: join(SCREENSHOTS, 'overview.png'), fullPage: true });

      await placeFromTicket(desk, { symbol: 'RELIANCE-EQ', side: 'Buy', quantity: 5 });

      const copies = blotter.getByRole('table', { name: /^Copies of RELIANCE-EQ BUY 5 at / });
      const skipped = await copyLine(copies, FOLLOWER.clientCode, 'Skipped');
      expect([skipped[1], skipped[3], skipped[4]]).toEqual(['BUY', 'Skipped', '0']);
      // Worded "kill switch engaged"; the engine names the follower too.
      expect(skipped[7]).toMatch(/kill switch/i);
      expect((await copyLine(copies, 'DEMO-F1', 'Filled')).slice(1, 5)).toEqual(['BUY', '5', 'Filled', '5']);
      await blotter
        .locator('tbody.master-order')
        .filter({ has: blotter.getByRole('button', { name: /copies of RELIANCE-EQ BUY 5 at / }) })
        .locator('tr')
        .first()
        .filter({ hasText: 'Filled' })
        .waitFor();
      await blotter.screenshot({ path: join(SCREENSHOTS, 'blotter.png'), fullPage: true });

      // The status filter keeps the order with a skipped copy and hides the others.
      await blotter.getByLabel('Status').selectOption({ label: 'Skipped' });
      await blotter.getByRole('button', { name: /copies of SBIN-EQ BUY 10 at / }).waitFor({ state: 'detached' });
      expect(await blotter.locator('tbody.master-order').count()).toBe(1);
      await blotter.getByLabel('Status').selectOption({ label: 'Any status' });
      await blotter.getByRole('button', { name: /copies of SBIN-EQ BUY 10 at / }).waitFor();
    },
    LONG,
  );

  it(
    'charts replication latency per follower from replicationStats',
    async () => {
      await open(blotter, 'Latency', 'Replication latency');
      await blotter.getByRole('img', { name: /Replication latency per follower: .*E2E follower x2: p50 (\d+ ms|\d+\.\d\d s)/ }).waitFor();
      const line = blotter.getByRole('table', { name: 'Latency per follower' }).getByRole('row').filter({ hasText: FOLLOWER.label });
      const cells = (await line.locator('td').allInnerTexts()).map((text) => text.trim());
      // Two acknowledged copies (SBIN-EQ, TCS-EQ); the third was skipped by the kill switch.
      expect(cells.slice(3, 7)).toEqual(['2', '2', '0', '1']);
      // A loaded machine takes over a second: the chart says so in seconds.
      expect(cells[1]).toMatch(/^\d+ ms$|^\d+\.\d\d s$/);
      await blotter.screenshot({ path: join(SCREENSHOTS, 'latency.png'), fullPage: true });

      await open(blotter, 'Orders', 'Orders');
      await blotter.setViewportSize({ width: 390, height: 844 });
      await blotter.getByRole('button', { name: /copies of RELIANCE-EQ BUY 5 at / }).click();
      await blotter.getByRole('table', { name: /^Copies of RELIANCE-EQ BUY 5 at / }).waitFor();
      await blotter.screenshot({ path: join(SCREENSHOTS, 'blotter-phone.png'), fullPage: true });
    },
    LONG,
  );

  it(
    'modifies and cancels an open master order from the ticket',
    async () => {
      await open(desk, 'Ticket', 'Order ticket');
      const form = desk.getByRole('form', { name: 'Place an order' });
      await form.getByLabel('Symbol').fill('SBIN-EQ');
      const hint = (await desk.locator('#ticket-symbol-hint').filter({ hasText: 'last ₹' }).textContent()) ?? '';
      const last = Number(/last ₹([\d,.]+)/.exec(hint)![1]!.replace(/,/g, ''));
      // 5 % under the market: inside the day's band, and it rests instead of filling.
      const price = Math.floor(last * 0.95);
      await form.getByLabel('Side').selectOption({ label: 'Buy' });
      await form.getByLabel('Quantity').fill('3');
      await form.getByLabel('Order type').selectOption({ label: 'Limit' });
      await form.getByLabel('Price (₹)', { exact: true }).fill(String(price));
      await form.getByRole('button', { name: 'Place buy order' }).click();
      await form.getByRole('status').filter({ hasText: 'Placed SBIN-EQ BUY 3' }).waitFor();

      const openOrders = desk.getByRole('table', { name: 'Open orders' });
      await openOrders.getByRole('row').filter({ hasText: 'SBIN-EQ' }).filter({ hasText: 'Open' }).waitFor();
      await openOrders.getByRole('button', { name: 'Modify SBIN-EQ BUY 3' }).click();
      const modify = desk.getByRole('form', { name: 'Modify SBIN-EQ BUY 3' });
      await modify.getByLabel('New quantity').fill('6');
      await modify.getByRole('button', { name: 'Save changes' }).click();
      await openOrders.getByRole('button', { name: 'Modify SBIN-EQ BUY 6' }).waitFor();
      await desk.screenshot({ path: join(SCREENSHOTS, 'ticket.png'), fullPage: true });

      await openOrders.getByRole('button', { name: 'Cancel SBIN-EQ BUY 6' }).click();
      await openOrders.getByRole('button', { name: 'Confirm Cancel SBIN-EQ BUY 6' }).click();
      await openOrders.getByRole('button', { name: 'Modify SBIN-EQ BUY 6' }).waitFor({ state: 'detached' });

      await blotter.setViewportSize({ width: 1280, height: 900 });
      const master = blotter
        .locator('tbody.master-order')
        .filter({ has: blotter.getByRole('button', { name: /copies of SBIN-EQ BUY 6 at / }) });
      await master.locator('tr').first().filter({ hasText: 'Cancelled' }).waitFor();
    },
    LONG,
  );

  it(
    'a CLIENT turns copying off on their own follower from the overview, and the next master order skips it with the reason',
    async () => {
      // Set-up the dashboard has no page for: the admin creates the CLIENT and a paper follower
      // they own, linked to the demo master.
      const session = await loginAt(base, ADMIN.email, ADMIN.password);
      const { createUser } = ok(
        await gqlAt<{ createUser: { id: string } }>(
          base,
          'mutation($e: String!, $p: String!) { createUser(email: $e, password: $p, role: CLIENT) { id } }',
          { e: CLIENT.email, p: CLIENT.password },
          session,
        ),
      );
      adminToken = session;
      clientUserId = createUser.id;
      const { accounts } = ok(
        await gqlAt<{ accounts: { id: string; clientCode: string }[] }>(base, '{ accounts(role: MASTER) { id clientCode } }', {}, session),
      );
      const { createAccount } = ok(
        await gqlAt<{ createAccount: { id: string } }>(
          base,
          'mutation($i: CreateAccountInput!) { createAccount(input: $i) { id } }',
          { i: { ...CLIENT_FOLLOWER, broker: 'PAPER', role: 'FOLLOWER', ownerId: createUser.id } },
          session,
        ),
      );
      ok(
        await gqlAt(
          base,
          'mutation($i: CreateMultiplierInput!) { createMultiplier(input: $i) { id } }',
          { i: { masterId: accounts.find((a) => a.clientCode === 'DEMO-MASTER')!.id, followerId: createAccount.id, factor: 1 } },
          session,
        ),
      );

      const { page: client } = await signedInPage(browser!, base, consoleErrors, CLIENT);
      await client.getByRole('heading', { level: 1, name: 'Overview' }).waitFor();
      const line = client.locator(`[data-account="${CLIENT_FOLLOWER.clientCode}"]`);
      // A new paper account is connected from the start.
      await line.getByText('paper exchange').waitFor();
      // The master behind the CLIENT's follower is not theirs to see: the line says there is one, not which.
      await line.getByText('copying from a master you cannot see').waitFor();
      expect(await client.getByText('Demo master').count()).toBe(0);
      await client.locator('[data-empty="orders"]').filter({ hasText: 'No orders yet.' }).waitFor();
      const copy = line.getByRole('checkbox', { name: `Copy into ${CLIENT_FOLLOWER.label}` });
      expect(await copy.isChecked()).toBe(true);
      expect(await copy.isEnabled()).toBe(true);
      await Promise.all([
        client.waitForResponse((r) => r.url().endsWith('/graphql') && (r.request().postData() ?? '').includes('SetCopy')),
        copy.uncheck(),
      ]);
      expect(await copy.isChecked()).toBe(false);
      expect(await client.getByRole('button', { name: /kill switch/i }).count()).toBe(0);
      expect(await client.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Ticket' }).count()).toBe(0);
      await client.screenshot({ path: join(SCREENSHOTS, 'client-overview.png'), fullPage: true });
      const { account } = ok(
        await gqlAt<{ account: { copyEnabled: boolean } }>(
          base,
          'query($id: ID!) { account(id: $id) { copyEnabled } }',
          { id: createAccount.id },
          session,
        ),
      );
      expect(account.copyEnabled).toBe(false);

      // The CLIENT's own blotter is open, empty, when the trader's next order comes.
      await open(client, 'Orders', 'Orders');
      await client.getByRole('status').filter({ hasText: 'Live' }).waitFor();
      await client.locator('[data-empty="orders"]').filter({ hasText: 'No orders yet.' }).waitFor();
      await placeFromTicket(desk, { symbol: 'SBIN-EQ', side: 'Buy', quantity: 2 });

      const reason = `copying is turned off for follower ${CLIENT_FOLLOWER.label}`;
      const copies = blotter.getByRole('table', { name: /^Copies of SBIN-EQ BUY 2 at / });
      const skipped = await copyLine(copies, CLIENT_FOLLOWER.clientCode, 'Skipped');
      expect([skipped[1], skipped[3], skipped[4], skipped[7]]).toEqual(['BUY', 'Skipped', '0', reason]);
      expect((await copyLine(copies, 'DEMO-F1', 'Filled')).slice(1, 5)).toEqual(['BUY', '2', 'Filled', '2']);
      // The CLIENT sees their skipped copy live, with its reason, and not the master behind it.
      const mine = client.locator('tbody.master-order').filter({ hasText: reason });
      await mine.waitFor();
      expect(await client.locator('tbody.master-order').count()).toBe(1);
      await client.screenshot({ path: join(SCREENSHOTS, 'client-blotter.png'), fullPage: true });
    },
    LONG,
  );

  it(
    "a CLIENT enters their own SmartAPI credentials (write-only), with the server's error under the field, and reconnects their paper follower",
    async () => {
      // An Angel One account the trader set up for the CLIENT; its login fails (no Angel One here).
      ok(
        await gqlAt(
          base,
          'mutation($i: CreateAccountInput!) { createAccount(input: $i) { id } }',
          {
            i: {
              ...CLIENT_SMARTAPI,
              broker: 'SMARTAPI',
              role: 'FOLLOWER',
              ownerId: clientUserId,
              credentials: { apiKey: 'set-by-trader', pin: '1111', totpSecret: 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP' },
            },
          },
          adminToken,
        ),
      );

      const { page: client } = await signedInPage(browser!, base, consoleErrors, CLIENT);
      await open(client, 'Accounts', 'Accounts');
      expect(await client.getByRole('button', { name: 'Add account' }).count()).toBe(0);
      const row = client.getByRole('row').filter({ hasText: CLIENT_SMARTAPI.clientCode });
      expect(await row.getByRole('button', { name: /^Edit |^Delete / }).count()).toBe(0);
      await row.getByRole('button', { name: `Replace credentials for ${CLIENT_SMARTAPI.label}` }).click();
      const form = client.getByRole('form', { name: `Enter credentials for ${CLIENT_SMARTAPI.label}` });
      for (const label of ['API key', 'PIN', 'TOTP secret'])
        expect(await form.getByLabel(label, { exact: true }).getAttribute('type')).toBe('password');
      await form.getByLabel('API key', { exact: true }).fill('client-own-key');
      await form.getByLabel('PIN', { exact: true }).fill('12');
      await form.getByLabel('TOTP secret', { exact: true }).fill('KRSXG5CTMVRXEZLUKRSXG5CTMVRXEZLU');
      await form.getByRole('button', { name: 'Save credentials' }).click();
      await form.getByRole('alert').filter({ hasText: 'pin must be 4 to 6 digits' }).waitFor();
      expect(await form.getByLabel('PIN', { exact: true }).getAttribute('aria-invalid')).toBe('true');
      await client.screenshot({ path: join(SCREENSHOTS, 'client-credentials-error.png'), fullPage: true });
      await form.getByLabel('PIN', { exact: true }).fill('2468');
      await form.getByRole('button', { name: 'Save credentials' }).click();
      await client
        .getByRole('status')
        .filter({ hasText: `Credentials saved for ${CLIENT_SMARTAPI.label}` })
        .waitFor();
      await form.waitFor({ state: 'detached' });
      await client.screenshot({ path: join(SCREENSHOTS, 'client-accounts.png'), fullPage: true });

      const paper = client.getByRole('row').filter({ hasText: CLIENT_FOLLOWER.clientCode });
      await paper.getByRole('button', { name: `Reconnect ${CLIENT_FOLLOWER.label}` }).click();
      await client
        .getByRole('status')
        .filter({ hasText: `${CLIENT_FOLLOWER.label}: Connected (paper exchange)` })
        .waitFor();
    },
    LONG,
  );

  it('logged no console errors', () => {
    expect(consoleErrors).toEqual([]);
  });
});
