import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gqlAt, loginAt, ok } from '../support/gql.ts';
import {
  chromiumSuite,
  collectPageErrors,
  hasChromium,
  launchChromium,
  SCREENSHOTS,
  signIn,
  startEmbeddedServer,
  type EmbeddedServer,
} from './chromium.ts';

// The audit page and the CSV downloads in Debian's Chromium against the real server on
// embedded defaults (PGlite in a temporary DATA_DIR, the demo accounts, the paper exchange).
const ADMIN = { email: 'e2e-audit@tandem.local', password: 'e2e-password-1234' };
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

describe.skipIf(!hasChromium)(chromiumSuite('the audit page and CSV downloads in Chromium'), () => {
  let tandem: EmbeddedServer | undefined;
  let base: string;
  let browser: Browser | undefined;
  let desk: Page;
  const consoleErrors: string[] = [];
  const requestedUrls: string[] = [];
  let token = '';

  beforeAll(async () => {
    tandem = await startEmbeddedServer('audit', ADMIN, LONG);
    base = tandem.base;
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

    browser = await launchChromium();
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, acceptDownloads: true });
    desk = await context.newPage();
    desk.setDefaultTimeout(60_000);
    collectPageErrors(desk, consoleErrors);
    desk.on('request', (request) => requestedUrls.push(request.url()));
    await signIn(desk, base, ADMIN);
  }, LONG);

  afterAll(async () => {
    await browser?.close();
    await tandem?.stop();
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
