// The Redis-outage benchmark: two real instances on one PostgreSQL and a Redis of the
// benchmark's own, one master order a second through the instance that does not hold the
// master's lease, and Redis stopped for --outage seconds in the middle. Reports, before,
// during and after the outage, how long placeOrder took (a separate client process's view) and
// master row -> first child sent, and checks every copy against the exchange's book.
// Usage: npm run bench:redis-outage [-- --followers 20 --outage 30 --before 5 --after 5]
// Needs DATABASE_URL.
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { parseArgs } from 'node:util';
import { Order } from '../server/src/persistence/entities/order.entity.ts';
import { allChildrenFinal, checkAgainstBook, FLEET_ADMIN, holderAmong, placeMasterOrder, prepareFleet } from '../tests/support/fleet.ts';
import { loginAt } from '../tests/support/gql.ts';
import { waitFor } from '../tests/support/harness.ts';
import { startPrivateRedis } from '../tests/support/private-redis.ts';
import { killServerProcesses, startServerProcess } from '../tests/support/spawn-server.ts';
import { summary } from './stats.ts';

const { values } = parseArgs({
  options: {
    followers: { type: 'string', default: '20' },
    outage: { type: 'string', default: '30' },
    before: { type: 'string', default: '5' },
    after: { type: 'string', default: '5' },
    out: { type: 'string', default: 'bench/results/redis-outage.json' },
  },
});
if (!process.env.DATABASE_URL) {
  console.error('the Redis-outage benchmark needs DATABASE_URL');
  process.exit(1);
}

type Phase = 'before' | 'during' | 'after';

const redis = await startPrivateRedis();
const fleet = await prepareFleet({ followers: Number(values.followers), prefix: 'ROUT', env: { REDIS_URL: redis.url } });
try {
  const processes = [0, 1].map(() => startServerProcess(fleet.env));
  const urls = await Promise.all(processes.map((p) => p.url));
  const holder = await holderAmong(fleet, processes);
  const entry = urls[processes.findIndex((p) => p !== holder)]!;
  const token = await loginAt(entry, FLEET_ADMIN.email, FLEET_ADMIN.password);

  const placed: { id: string; phase: Phase; placeMs: number }[] = [];
  const place = async (phase: Phase, count: number) => {
    for (let i = 0; i < count; i += 1) {
      const started = performance.now();
      const id = await placeMasterOrder(entry, token, fleet, placed.length % 2 === 0 ? 'BUY' : 'SELL');
      placed.push({ id, phase, placeMs: Math.round(performance.now() - started) });
      await new Promise((resolve) => setTimeout(resolve, 1_000));
    }
  };
  process.stderr.write(`before the outage: ${values.before} masters, one a second\n`);
  await place('before', Number(values.before));
  await redis.stop();
  process.stderr.write(`Redis stopped for ${values.outage} s: a master a second\n`);
  await place('during', Number(values.outage));
  const readyDuring = (await (await fetch(new URL('/ready', entry))).json()) as { status: string };
  await redis.start();
  process.stderr.write(`Redis back: ${values.after} masters\n`);
  await place('after', Number(values.after));

  const ids = placed.map((p) => p.id);
  await waitFor(async () => ((await allChildrenFinal(fleet, ids)) ? true : undefined), 120_000, 'every child to settle');
  const em = fleet.db.orm.em.fork();
  const masters = new Map((await em.find(Order, { id: { $in: ids } })).map((m) => [m.id, m]));
  const children = await em.find(Order, { masterOrderId: { $in: ids } });
  const phases: Phase[] = ['before', 'during', 'after'];
  const report = {
    benchmark: 'Redis stopped under two instances: placeOrder through the non-holder and master row -> child sent, before, during, after',
    settings: { followers: Number(values.followers), outageS: Number(values.outage), mastersPerSecond: 1 },
    readyDuringOutage: readyDuring.status,
    phases: Object.fromEntries(
      phases.map((phase) => {
        const of = placed.filter((p) => p.phase === phase);
        const delays = children
          .filter((c) => of.some((p) => p.id === c.masterOrderId) && c.sentAt)
          .map((c) => c.sentAt!.getTime() - masters.get(c.masterOrderId!)!.createdAt.getTime());
        return [phase, { masters: of.length, placeOrderMs: summary(of.map((p) => p.placeMs)), masterRowToChildSentMs: summary(delays) }];
      }),
    ),
    check: await checkAgainstBook(fleet, ids),
    machine: { cpus: os.cpus().length, memoryGb: Math.round(os.totalmem() / 1e9), node: process.version },
    at: new Date().toISOString(),
  };
  mkdirSync('bench/results', { recursive: true });
  writeFileSync(values.out, `${JSON.stringify(report, null, 2)}\n`);
  console.log(JSON.stringify(report, null, 2));
} finally {
  await killServerProcesses();
  await fleet.close();
  await redis.stop();
}
process.exit(0);
