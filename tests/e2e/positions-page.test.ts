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

// The positions page in Debian's Chromium against the real server on embedded defaults (PGlite,
// in-process PubSub, the paper exchange): a filled order shows as the broker's position.
const ADMIN = { email: 'e2e-positions@tandem.local', password: 'e2e-password-1234' };
const LONG = 120_000;

describe.skipIf(!hasChromium)(chromiumSuite('the positions page in Chromium'), () => {
  let tandem: EmbeddedServer | undefined;
  let base: string;
  let browser: Browser | undefined;
  let page: Page;
  const consoleErrors: string[] = [];

  beforeAll(async () => {
    tandem = await startEmbeddedServer('positions', ADMIN, LONG);
    base = tandem.base;
    browser = await launchChromium();
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    page = await context.newPage();
    page.setDefaultTimeout(60_000);
    collectPageErrors(page, consoleErrors);
  }, LONG);

  afterAll(async () => {
    await browser?.close();
    await tandem?.stop();
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

      await signIn(page, base, ADMIN);
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
