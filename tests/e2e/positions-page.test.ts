import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureDashboardBuilt } from '../../server/src/dashboard/build.ts';
import { gqlAt, loginAt, ok } from '../support/gql.ts';
import { startServerProcess, stopServerProcess, type ServerProcess } from '../support/spawn-server.ts';

// The positions page in Debian's Chromium against the real server on embedded defaults (PGlite,
// in-process PubSub, the paper exchange): a filled order shows as the broker's position.
const CHROMIUM = '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--no-first-run',
];
const ADMIN = { email: 'e2e-positions@tandem.local', password: 'e2e-password-1234' };
const SCREENSHOTS = join(process.cwd(), 'test-output', 'screenshots');
const LONG = 120_000;

const hasChromium = existsSync(CHROMIUM);
const title = hasChromium
  ? 'the positions page in Chromium'
  : `the positions page in Chromium: SKIPPED because ${CHROMIUM} is missing (apt-get install chromium)`;

describe.skipIf(!hasChromium)(title, () => {
  let server: ServerProcess | undefined;
  let base: string;
  let browser: Browser | undefined;
  let dataDir: string;
  let page: Page;
  const consoleErrors: string[] = [];

  beforeAll(async () => {
    const build = await ensureDashboardBuilt();
    if (build.status === 'failed') throw new Error(`the dashboard did not build: ${build.error}`);
    dataDir = mkdtempSync(join(tmpdir(), 'tandem-e2e-positions-'));
    mkdirSync(SCREENSHOTS, { recursive: true });
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
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    page = await context.newPage();
    page.setDefaultTimeout(60_000);
    page.on('console', (message) => {
      if (message.type() === 'error') consoleErrors.push(`${message.text()} (${message.location().url})`);
    });
    page.on('pageerror', (error) => consoleErrors.push(`page error: ${error.message}`));
  }, LONG);

  afterAll(async () => {
    await browser?.close();
    if (server) await stopServerProcess(server);
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  }, LONG);

  it(
    "shows a filled paper order as the demo master's position, from the broker, with Tandem's count beside it",
    async () => {
      const token = await loginAt(base, ADMIN.email, ADMIN.password);
      const { accounts } = ok(
        await gqlAt<{ accounts: { id: string; clientCode: string }[] }>(base, '{ accounts { id clientCode } }', {}, token),
      );
      const master = accounts.find((a) => a.clientCode === 'DEMO-MASTER')!;
      const placed = ok(
        await gqlAt<{ placeOrder: { id: string } }>(
          base,
          'mutation($i: PlaceOrderInput!) { placeOrder(input: $i) { id } }',
          {
            i: {
              accountId: master.id,
              exchange: 'NSE',
              symbol: 'SBIN-EQ',
              side: 'BUY',
              quantity: 7,
              orderType: 'MARKET',
              productType: 'INTRADAY',
            },
          },
          token,
        ),
      );
      await expect
        .poll(
          async () =>
            ok(
              await gqlAt<{ order: { status: string } }>(
                base,
                'query($id: ID!) { order(id: $id) { status } }',
                { id: placed.placeOrder.id },
                token,
              ),
            ).order.status,
          { timeout: 20_000 },
        )
        .toBe('FILLED');
      // Its three copies filled too: no follower drifts from what its rules make of the 7.
      const driftQuery = 'query($id: ID!) { positionDrift(masterId: $id, includeZero: true) { expected actual drift } }';
      await expect
        .poll(
          async () =>
            ok(
              await gqlAt<{ positionDrift: { expected: number; actual: number; drift: number }[] }>(
                base,
                driftQuery,
                { id: master.id },
                token,
              ),
            )
              .positionDrift.map((d) => `${d.expected}/${d.actual}`)
              .sort(),
          { timeout: 20_000 },
        )
        .toEqual(['-7/-7', '17/17', '7/7']);

      await page.goto(`${base}/`);
      await page.getByLabel('Email').fill(ADMIN.email);
      await page.getByLabel('Password').fill(ADMIN.password);
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Positions', exact: true }).click();
      await page.getByRole('heading', { level: 1, name: 'Positions' }).waitFor();
      await page.getByLabel('Account').selectOption({ label: 'Demo master (DEMO-MASTER)' });

      const position = page.locator('tr[data-position="NSE:SBIN-EQ:INTRADAY"]');
      await position.waitFor();
      const cells = async () =>
        Object.fromEntries(await position.locator('td').evaluateAll((tds) => tds.map((td) => [td.dataset.label, td.textContent?.trim()])));
      expect(await cells()).toMatchObject({
        Symbol: 'SBIN-EQ (NSE)',
        Product: 'Intraday',
        Quantity: '7',
        Source: 'Broker',
        "Tandem's count": '7',
      });
      expect(await position.getAttribute('data-mismatch')).toBe('false');
      expect(await cells()).toHaveProperty('Average', expect.stringMatching(/^₹[\d,]+\.\d\d$/));

      // A master's page also shows its followers against what their rules say they should hold.
      const drift = page.getByRole('table', { name: 'Drift' });
      await expect.poll(() => drift.locator('tbody tr').count(), { timeout: 20_000 }).toBe(3);
      await page.getByText('Every follower holds what its rules say.').waitFor();
      const f2 = drift.locator('tbody tr', { hasText: 'DEMO-F2' });
      expect(await f2.locator('td').evaluateAll((tds) => tds.map((td) => td.textContent?.trim()))).toEqual([
        'Follower x2.5 (DEMO-F2)',
        'SBIN-EQ (NSE)',
        'Intraday',
        '17',
        '17',
        '0',
      ]);

      await page.getByRole('button', { name: 'Refresh', exact: true }).click();
      await page.getByRole('button', { name: 'Refresh', exact: true }).and(page.locator(':enabled')).waitFor();
      await position.waitFor();
      await page.screenshot({ path: join(SCREENSHOTS, 'positions.png'), fullPage: true });

      // Square off one follower's position from its page, after a confirmation: exactly the 7 held, at market.
      await page.getByLabel('Account').selectOption({ label: 'Follower x1 (DEMO-F1)' });
      const followerRow = page.locator('tr[data-position="NSE:SBIN-EQ:INTRADAY"]');
      await expect.poll(async () => (await followerRow.locator('td[data-label="Quantity"]').textContent())?.trim()).toBe('7');
      await followerRow.getByRole('button', { name: 'Square off SBIN-EQ Intraday' }).click();
      await page.getByText('Sell 7 SBIN-EQ at market?').waitFor();
      await followerRow.getByRole('button', { name: 'Confirm Square off SBIN-EQ Intraday' }).click();
      await expect
        .poll(async () => page.getByRole('status', { name: 'Square-off' }).textContent())
        .toBe('1 square-off order placed at market.');
      await expect
        .poll(async () => (await followerRow.locator('td[data-label="Quantity"]').textContent())?.trim(), { timeout: 20_000 })
        .toBe('0');
      // Nothing left to close: a second square-off of the whole account places nothing.
      await page.getByRole('button', { name: 'Square off all of Follower x1' }).click();
      await page.getByRole('button', { name: 'Confirm Square off all of Follower x1' }).click();
      await expect
        .poll(async () => page.getByRole('status', { name: 'Square-off' }).textContent())
        .toBe('Nothing to close: no open position (or its exit is already on its way).');
      // The master still holds its 7, so the squared-off follower now shows as drift on the master's page.
      await page.getByLabel('Account').selectOption({ label: 'Demo master (DEMO-MASTER)' });
      const f1Drift = page.getByRole('table', { name: 'Drift' }).locator('tbody tr', { hasText: 'DEMO-F1' });
      await expect
        .poll(async () => (await f1Drift.locator('td[data-label="Drift"]').textContent())?.trim(), { timeout: 20_000 })
        .toBe('-7');
      await page.screenshot({ path: join(SCREENSHOTS, 'positions-drift.png'), fullPage: true });
      expect(consoleErrors).toEqual([]);
    },
    LONG,
  );
});
