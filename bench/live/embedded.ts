// Scenario 7: the embedded default a new user meets first: main.ts with no DATABASE_URL or
// REDIS_URL (PGlite in a fresh DATA_DIR, the demo seeded, the instant paper broker), 20 orders
// on the demo master through the API, and the copy latency the blotter shows (`latencyMs`).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gqlAt, loginAt, ok } from '../../tests/support/gql.ts';
import { stopServerProcess } from '../../tests/support/spawn-server.ts';
import { waitFor } from '../../tests/support/wait-for.ts';
import { summary } from '../stats.ts';
import type { RunOptions, Scenario, ScenarioResult } from './scenario.ts';
import { startTimed } from './session.ts';

const ORDERS = 20;
const ADMIN = { email: 'bench@tandem.local', password: 'bench-admin-password-1' };
const FINAL = new Set(['FILLED', 'REJECTED', 'CANCELLED', 'FAILED', 'SKIPPED']);
const PLACE = 'mutation($i: PlaceOrderInput!) { placeOrder(input: $i) { id } }';
const BLOTTER = 'query($id: ID!) { order(id: $id) { status children { status latencyMs } } }';

interface Blotter {
  order: { status: string; children: { status: string; latencyMs: number | null }[] };
}

export const embedded: Scenario = {
  id: 7,
  title: 'embedded default (npm start: PGlite, demo, instant paper broker): blotter latencyMs',
  async run(options: RunOptions): Promise<ScenarioResult> {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'tandem-bench-'));
    const { server, url, startupMs } = await startTimed({
      DATA_DIR: dataDir,
      PAPER_LATENCY_MS: '0',
      ADMIN_EMAIL: ADMIN.email,
      ADMIN_PASSWORD: ADMIN.password,
    });
    try {
      const token = await loginAt(url, ADMIN.email, ADMIN.password);
      const { accounts } = ok(
        await gqlAt<{ accounts: { id: string; clientCode: string }[] }>(url, '{ accounts(role: MASTER) { id clientCode } }', {}, token),
      );
      const master = accounts.find((a) => a.clientCode === 'DEMO-MASTER');
      if (!master) throw new Error('no DEMO-MASTER account: was the demo seeded?');
      const perOrder: number[][] = [];
      options.progress(`  ${ORDERS} orders on DEMO-MASTER`);
      for (let index = 0; index < ORDERS; index += 1) {
        const input = {
          accountId: master.id,
          exchange: 'NSE',
          symbol: 'SBIN-EQ',
          side: index % 2 === 0 ? 'BUY' : 'SELL',
          quantity: 1,
          orderType: 'MARKET',
          productType: 'INTRADAY',
        };
        const { id } = ok(await gqlAt<{ placeOrder: { id: string } }>(url, PLACE, { i: input }, token)).placeOrder;
        const blotter = await waitFor(
          async () => {
            const { order } = ok(await gqlAt<Blotter>(url, BLOTTER, { id }, token));
            const done = order.children.length === 3 && [order, ...order.children].every((o) => FINAL.has(o.status));
            return done ? order : undefined;
          },
          30_000,
          'the demo order and its three copies to be final',
        );
        perOrder.push(blotter.children.map((c) => c.latencyMs).filter((l): l is number => l !== null));
      }
      const latencies = summary(perOrder.flat());
      const first = Math.max(...perOrder[0]!);
      return {
        id: this.id,
        title: this.title,
        status: 'ran',
        rows: [
          {
            measure: `copy latencyMs over ${ORDERS} orders (${latencies.n} copies), p50 / p90 / max`,
            value: `${latencies.p50} / ${latencies.p90} / ${latencies.max} ms`,
          },
          { measure: "the first order's copies, max", value: `${first} ms` },
          { measure: 'start-up, spawn -> /ready 200 (fresh PGlite, migrations, demo seed)', value: `${startupMs} ms` },
        ],
        targets: [
          {
            what: 'embedded copy latency < 20 ms, the first order included (max)',
            value: latencies.max,
            limit: 20,
            relation: '<',
            unit: 'ms',
          },
        ],
        data: { orders: ORDERS, latencyMs: latencies, firstOrderMaxMs: first, perOrder, startupMs },
      };
    } finally {
      await stopServerProcess(server);
      rmSync(dataDir, { recursive: true, force: true });
    }
  },
};
