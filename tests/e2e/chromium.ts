import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { ensureDashboardBuilt } from '../../server/src/dashboard/build.ts';
import { startServerProcess, stopServerProcess, type ServerProcess } from '../support/spawn-server.ts';

// What every browser suite shares: Debian's Chromium (never downloaded), where screenshots go,
// the real server as `npm start` runs it, and signing in through the login form.

export const CHROMIUM = '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--no-first-run',
];
export const SCREENSHOTS = join(process.cwd(), 'test-output', 'screenshots');

/** Browser suites skip only when Chromium is missing, and say so in their title. */
export const hasChromium = existsSync(CHROMIUM);

export const chromiumSuite = (what: string): string =>
  hasChromium ? what : `${what}: SKIPPED because ${CHROMIUM} is missing (apt-get install chromium)`;

export function launchChromium(): Promise<Browser> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  return chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
}

/** Collects a page's console errors and uncaught exceptions into `errors`; `ignore` leaves out the expected ones. */
export function collectPageErrors(page: Page, errors: string[], ignore: (text: string) => boolean = () => false): void {
  page.on('console', (message) => {
    if (message.type() === 'error' && !ignore(message.text())) errors.push(`${message.text()} (${message.location().url})`);
  });
  page.on('pageerror', (error) => errors.push(`page error: ${error.message}`));
}

export interface EmbeddedServer {
  server: ServerProcess;
  base: string;
  stop(): Promise<void>;
}

/**
 * The real server as `npm start` runs it, on embedded defaults (PGlite in a temporary DATA_DIR,
 * in-process PubSub, the paper exchange, the demo data) with the dashboard built: no
 * DATABASE_URL or REDIS_URL, even when CI exports them, and no SmartAPI reachable.
 */
export async function startEmbeddedServer(
  name: string,
  admin: { email: string; password: string },
  timeoutMs: number,
  env: Record<string, string> = {},
): Promise<EmbeddedServer> {
  const build = await ensureDashboardBuilt();
  if (build.status === 'failed') throw new Error(`the dashboard did not build: ${build.error}`);
  const dataDir = mkdtempSync(join(tmpdir(), `tandem-e2e-${name}-`));
  const server = startServerProcess(
    {
      DATA_DIR: dataDir,
      ADMIN_EMAIL: admin.email,
      ADMIN_PASSWORD: admin.password,
      SMARTAPI_ROOT_URL: 'http://127.0.0.1:9',
      SMARTAPI_ORDER_WS_URL: 'ws://127.0.0.1:9',
      ...env,
    },
    timeoutMs,
  );
  return {
    server,
    base: await server.url,
    async stop() {
      await stopServerProcess(server);
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Signs `page` in through the dashboard's login form and waits for the main navigation. */
export async function signIn(page: Page, base: string, user: { email: string; password: string }): Promise<void> {
  await page.goto(`${base}/`);
  await page.getByLabel('Email').fill(user.email);
  await page.getByLabel('Password').fill(user.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('navigation', { name: 'Main' }).waitFor();
}
