// Master detection latency on SmartAPI: from the simulator accepting an order placed behind
// Tandem's back (as from the Angel One app) to Tandem recording it as a master order, once
// through the order-update socket and once with the socket frozen, so only the order-book
// poll (once a second) can find it.
// Usage: npx tsx bench/smartapi-detection.ts [--orders 40 --out bench/results/smartapi-detection.json]
// Runs on PostgreSQL when DATABASE_URL is set (a scratch database), else on in-memory PGlite.
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import pino from 'pino';
import { seal } from '../server/src/secrets/keys.ts';
import { bootTandem } from '../server/src/bootstrap.ts';
import { loadConfig } from '../server/src/config.ts';
import { Account } from '../server/src/persistence/entities/account.entity.ts';
import { Order } from '../server/src/persistence/entities/order.entity.ts';
import { User } from '../server/src/persistence/entities/user.entity.ts';
import { createSmartApiSim } from '../sim/smartapi/index.ts';
import type { SimAccountInput } from '../sim/smartapi/types.ts';
import { scratchDatabase } from '../tests/support/database.ts';
import { AngelApp } from '../tests/support/smartapi-app.ts';
import { summary } from './stats.ts';

const { values } = parseArgs({
  options: {
    orders: { type: 'string', default: '40' },
    out: { type: 'string', default: 'bench/results/smartapi-detection.json' },
  },
});

const MASTER: SimAccountInput = { clientcode: 'BENCHM1', pin: '1234', totpSecret: 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP', apiKey: 'bench-key' };

const sim = await createSmartApiSim({ accounts: [MASTER] });
const database = await scratchDatabase();
const config = loadConfig({
  SECRET_KEY: 'bench-secret-key-with-at-least-32-characters',
  LOG_LEVEL: 'silent',
  DEMO_DATA: 'false',
  DATA_DIR: os.tmpdir(),
  SMARTAPI_ROOT_URL: sim.url,
  SMARTAPI_ORDER_WS_URL: sim.wsUrl,
});
const tandem = await bootTandem(config, { database: database.target, log: pino({ level: process.env.BENCH_LOG ?? 'silent' }) });
const orders = Number(values.orders);
const results: Record<string, ReturnType<typeof summary>> = {};
try {
  const em = tandem.services.orm.em.fork();
  const now = new Date();
  const owner = em.create(User, {
    email: `bench-${now.getTime()}@tandem.local`,
    passwordHash: 'not-a-login',
    role: 'ADMIN',
    createdAt: now,
  });
  const credentials = seal(
    tandem.services.keys.credentials,
    JSON.stringify({ apiKey: MASTER.apiKey, pin: MASTER.pin, totpSecret: MASTER.totpSecret }),
  );
  const master = em.create(Account, {
    label: 'Bench SmartAPI master',
    broker: 'SMARTAPI',
    role: 'MASTER',
    clientCode: MASTER.clientcode,
    ownerId: owner.id,
    credentialsSealed: credentials,
    createdAt: now,
    updatedAt: now,
  });
  await em.flush();
  tandem.services.brokers.activate(master);
  for (;;) {
    const account = await tandem.services.orm.em.fork().findOneOrFail(Account, { id: master.id });
    if (account.statusReason?.includes('order updates live')) break;
    await sleep(50);
  }

  const app = new AngelApp(sim, MASTER);
  for (const via of ['socket', 'poll'] as const) {
    process.stderr.write(`detection via ${via}, ${orders} orders ...\n`);
    const samples: number[] = [];
    for (let index = -2; index < orders; index += 1) {
      if (via === 'poll') sim.faults.freezeSockets(MASTER.clientcode);
      // A random pause, so orders land at every phase of the poll's one-second cycle.
      await sleep(300 + Math.random() * 1000);
      const placed = await app.place({ quantity: '1', ordertag: `B${via}${index + 2}` });
      let row: Order | null = null;
      while (!row) {
        row = await tandem.services.orm.em.fork().findOne(Order, { accountId: master.id, brokerOrderId: placed.orderid });
        if (!row) await sleep(5);
      }
      // Two unmeasured warm-up orders per mode.
      if (index < 0) continue;
      samples.push(row.detectedAt!.getTime() - sim.orders.get(placed.orderid)!.placedAt.getTime());
    }
    sim.faults.freezeSockets(MASTER.clientcode, false);
    results[via] = summary(samples);
    process.stderr.write(`  p50 ${results[via].p50} ms, p99 ${results[via].p99} ms\n`);
  }
} finally {
  await tandem.close();
  await database.drop();
  await sim.close();
}

const report = {
  benchmark: 'SmartAPI master detection: simulator accepting an order placed outside Tandem -> Tandem recording the master order',
  modes: {
    socket: 'order-update WebSocket live (the order-book poll runs too)',
    poll: 'order-update socket frozen: only the order-book poll (at most once a second) finds the order',
  },
  simulator: 'sim/smartapi in process, real HTTP and WebSocket on 127.0.0.1, SmartAPI rate limits on',
  database: process.env.DATABASE_URL ? 'postgresql' : 'pglite (in memory)',
  machine: { cpus: os.cpus().length, memoryGb: Math.round(os.totalmem() / 1e9), node: process.version },
  at: new Date().toISOString(),
  latencyMs: results,
};
mkdirSync('bench/results', { recursive: true });
writeFileSync(values.out, `${JSON.stringify(report, null, 2)}\n`);
console.log(JSON.stringify(report, null, 2));
