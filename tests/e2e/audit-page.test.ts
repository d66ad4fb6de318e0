import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureDashboardBuilt } from '../../server/src/dashboard/build.ts';
import { gqlAt, loginAt, ok } from '../support/gql.ts';
import { startServerProcess, stopServerProcess, type ServerProcess } from '../support/spawn-server.ts';

// The audit page and the CSV downloads in Debian's Chromium against the real server on
// embedded defaults (PGlite in a temporary DATA_DIR, the demo accounts, the paper exchange).
const CHROMIUM = '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--no-first-run',
];
const ADMIN = { email: 'e2e-audit@tandem.local', password: 'e2e-password-1234' };
const SCREENSHOTS = join(process.cwd(), 'test-output', 'screenshots');
const RENAMED = 'Follower one (renamed)';
const ORDER_HEADER =
  'time (IST +05:30),account,client code,order id,master order id,symbol,side,quantity,filled,average price (rupees),status,reason';
const AUDIT_HEADER = 'time (IST +05:30),actor,action,entity,entity id,before,after';
const LONG = 120_000;

async function open(page: Page, route: string, heading: string): Promise<void> {
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: route, exact: true }).click();
  await page.getByRole('heading', { level: 1, name: heading }).waitFor();
}

/** Presses the page's "Download CSV" and returns the saved file's name and text. */
async function downloadFrom(page: Page): Promise<{ name: string; text: string }> {
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Download CSV' }).click()]);
  const path = await download.path();
  return { name: download.suggestedFilename(), text: readFileSync(path, 'utf8') };
}

const hasChromium = existsSync(CHROMIUM);
const title = hasChromium
  ? 'the audit page and CSV downloads in Chromium'
  : `the audit page and CSV downloads in Chromium: SKIPPED because ${CHROMIUM} is missing (apt-get install chromium)`;

describe.skipIf(!hasChromium)(title, () => {
  let server: ServerProcess | undefined;
  let base: string;
  let browser: Browser | undefined;
  let dataDir: string;
  let desk: Page;
  const consoleErrors: string[] = [];
  const requestedUrls: string[] = [];
  let token = '';

  beforeAll(async () => {
    const build = await ensureDashboardBuilt();
    if (build.status === 'failed') throw new Error(`the dashboard did not build: ${build.error}`);
    dataDir = mkdtempSync(join(tmpdir(), 'tandem-e2e-audit-'));
    mkdirSync(SCREENSHOTS, { recursive: true });
    // As `npm start` runs it, on embedded defaults: no DATABASE_URL or REDIS_URL, even when CI exports them.
    server = startServerProcess(
      {
        DATA_DIR: dataDir,
        ADMIN_EMAIL: ADMIN.email,
        ADMIN_PASSWORD: ADMIN.password,
        SMARTAPI_ROOT_URL: 'http://127.0.0.1:9',
        SMARTAPI_ORDER_WS_URL: 'ws://127.0.0.1:9',
      },
      LONG,
    );
    base = await server.url;
    // One order on record, so the orders file has a row.
    token = await loginAt(base, ADMIN.email, ADMIN.password);
    const { accounts } = ok(
      await gqlAt<{ accounts: { id: string; clientCode: string }[] }>(base, '{ accounts { id clientCode } }', {}, token),
    );
    ok(
      await gqlAt(
        base,
        'mutation($i: PlaceOrderInput!) { placeOrder(input: $i) { id } }',
        {
          i: {
            accountId: accounts.find((a) => a.clientCode === 'DEMO-MASTER')!.id,
            exchange: 'NSE',
            symbol: 'SBIN-EQ',
            side: 'BUY',
            quantity: 2,
            orderType: 'MARKET',
            productType: 'INTRADAY',
          },
        },
        token,
      ),
    );

    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, acceptDownloads: true });
    desk = await context.newPage();
    desk.setDefaultTimeout(60_000);
    desk.on('console', (message) => {
      if (message.type() === 'error') consoleErrors.push(`${message.text()} (${message.location().url})`);
    });
    desk.on('pageerror', (error) => consoleErrors.push(`page error: ${error.message}`));
    desk.on('request', (request) => requestedUrls.push(request.url()));
    await desk.goto(`${base}/`);
    await desk.getByLabel('Email').fill(ADMIN.email);
    await desk.getByLabel('Password').fill(ADMIN.password);
    await desk.getByRole('button', { name: 'Sign in' }).click();
    await desk.getByRole('navigation', { name: 'Main' }).waitFor();
  }, LONG);

  afterAll(async () => {
    await browser?.close();
    if (server) await stopServerProcess(server);
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  }, LONG);

  it(
    'shows an account renamed in the dashboard on the Audit page, who did it and from what to what',
    async () => {
      await open(desk, 'Accounts', 'Accounts');
      await desk.getByRole('button', { name: 'Edit Follower x1' }).click();
      const form = desk.getByRole('form', { name: 'Edit Follower x1' });
      await form.getByLabel('Name').fill(RENAMED);
      await form.getByRole('button', { name: 'Save account' }).click();
      await desk.getByRole('row').filter({ hasText: RENAMED }).first().waitFor();

      await open(desk, 'Audit', 'Audit trail');
      const entry = desk
        .getByRole('table', { name: 'Audit entries' })
        .getByRole('row')
        .filter({ hasText: 'Account update' })
        .filter({ hasText: RENAMED });
      await entry.waitFor();
      expect(await entry.textContent()).toContain(ADMIN.email);
      const changes = entry.getByRole('list', { name: 'Changes' });
      expect((await changes.getByRole('listitem').allInnerTexts()).map((t) => t.replace(/\s+/g, ' ').trim())).toEqual([
        `label "Follower x1" → "${RENAMED}"`,
      ]);
      expect(await changes.locator('del').textContent()).toBe('"Follower x1"');
      expect(await changes.locator('ins').textContent()).toBe(`"${RENAMED}"`);

      // Filtered to the demo master (seeded, never changed), the follower's rename is not listed; filtered to the follower, it is.
      await desk.getByLabel('Account').selectOption({ label: 'Demo master (DEMO-MASTER)' });
      await entry.waitFor({ state: 'detached' });
      await desk.getByText('No changes recorded here yet.').waitFor();
      await desk.getByLabel('Account').selectOption({ label: `${RENAMED} (DEMO-F1)` });
      await entry.waitFor();
      await desk.screenshot({ path: join(SCREENSHOTS, 'audit.png'), fullPage: true });
    },
    LONG,
  );

  it(
    'downloads the orders as CSV from the blotter, with the token in a header and never in a URL',
    async () => {
      await open(desk, 'Orders', 'Orders');
      const file = await downloadFrom(desk);
      expect(file.name).toMatch(/^orders-\d{4}-\d{2}-\d{2}\.csv$/);
      const lines = file.text.split('\r\n');
      expect(lines[0]).toBe(ORDER_HEADER);
      expect(lines.some((line) => line.includes('Demo master,DEMO-MASTER'))).toBe(true);
    },
    LONG,
  );

  it(
    'downloads the audit trail as CSV from the Audit page',
    async () => {
      await open(desk, 'Audit', 'Audit trail');
      const file = await downloadFrom(desk);
      expect(file.name).toMatch(/^audit-\d{4}-\d{2}-\d{2}\.csv$/);
      const lines = file.text.split('\r\n');
      expect(lines[0]).toBe(AUDIT_HEADER);
      expect(lines.some((line) => line.includes(',account.update,Account,') && line.includes(RENAMED))).toBe(true);
    },
    LONG,
  );

  it('sent no credential in any URL and logged no console errors', () => {
    expect(requestedUrls.some((url) => url.includes('/export/'))).toBe(true);
    expect(requestedUrls.filter((url) => url.includes(token) || /[?&](token|access_token|authorization)=/i.test(url))).toEqual([]);
    expect(consoleErrors).toEqual([]);
  });
});
