import type { AddressInfo } from 'node:net';
import { createYogaApp } from './app.ts';
import { type BootOverrides, bootTandem } from './bootstrap.ts';
import { type Config, ConfigError, loadConfig } from './config.ts';
import { ensureDashboardBuilt } from './dashboard/build.ts';
import { DASHBOARD_DIST } from './dashboard/paths.ts';
import { createDashboardHandler } from './dashboard/serve.ts';
import { createHttpServer } from './http-server.ts';

/**
 * Runs Tandem as a process: the configuration from the environment (every problem listed, exit
 * code 1), the parts, the HTTP server, the start-up banner, and a drain on SIGTERM or SIGINT.
 * `overrides` are for tests that start a real process with a fault injected (tests/support).
 */
export async function serve(overrides: BootOverrides = {}): Promise<void> {
  const startedAt = performance.now();
  let config: Config;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(error.message);
      process.exit(1);
    }
    throw error;
  }

  const tandem = await bootTandem(config, overrides).catch((error: unknown) => {
    console.error(`Tandem could not start: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  });
  const { services } = tandem;
  // The build runs beside the API: /graphql answers at once, and / shows the landing page until
  // the dashboard is ready (usually a couple of seconds, only when client/ changed).
  const dashboardBuild = ensureDashboardBuilt({ log: services.log });
  const http = createHttpServer(services, createYogaApp(services, tandem.orders), createDashboardHandler(DASHBOARD_DIST));
  http.server.listen({ port: config.PORT, host: config.HOST, backlog: 4096 }, async () => {
    const { port } = http.server.address() as AddressInfo;
    const base = `http://${config.HOST === '0.0.0.0' ? 'localhost' : config.HOST}:${port}`;
    const startupMs = Math.round(performance.now() - startedAt);
    services.log.info(
      { port, database: config.DATABASE_URL ? 'postgresql' : 'pglite', pubsub: services.pubsub.transport, startupMs },
      'Tandem is listening',
    );
    const dashboard = await dashboardBuild;
    const dashboardLine =
      dashboard.status === 'failed'
        ? `  Dashboard: not built (${dashboard.error.split('\n')[0]}); ${base}/ shows the landing page`
        : `  Dashboard: ${base}/`;
    const lines = [``, `Tandem is running (started in ${startupMs} ms)`, dashboardLine, `  GraphQL:   ${base}/graphql`];
    if (tandem.demo) {
      lines.push(`  Admin:     ${tandem.demo.adminEmail}`);
      // Printed to the terminal once, never through the logger, so it never lands in log files.
      if (tandem.demo.generatedPassword)
        lines.push(`  Password:  ${tandem.demo.generatedPassword}   (shown once; set ADMIN_PASSWORD to choose your own)`);
      lines.push(`  Demo: one paper master and three paper followers (x1, x2.5, reverse x1)`);
    }
    process.stdout.write(`${lines.join('\n')}\n\n`);
  });

  let stopping = false;
  async function shutdown(signal: string): Promise<void> {
    if (stopping) return;
    stopping = true;
    services.log.info({ signal }, 'shutting down: no new requests, draining');
    const force = setTimeout(() => process.exit(1), 10_000);
    force.unref();
    await http.close();
    await tandem.close();
    process.exit(0);
  }
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));
}
