import { ensureDashboardBuilt } from '../../server/src/dashboard/build.ts';

/**
 * Builds the dashboard once before any test file runs, when client/ changed since the last
 * build: the server processes tests start (and the browser test) then find it current,
 * instead of each building it at the same time.
 */
export default async function setup(): Promise<void> {
  const log = {
    info: (details: object, message: string) => console.info(`[setup] ${message} ${JSON.stringify(details)}`),
    error: (details: object, message: string) => console.error(`[setup] ${message} ${JSON.stringify(details)}`),
  };
  await ensureDashboardBuilt({ log });
}
