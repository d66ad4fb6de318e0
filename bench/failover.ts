// The failover benchmark: three real instances on one PostgreSQL and Redis, a burst of master
// orders through an instance that does not hold the master's lease, and SIGKILL of the holder
// in the middle of it. Measures kill -> the first child sent by the new holder (default settings:
// MASTER_LEASE_TTL_S=3, renewed every second), and checks every run against the exchange's book.
// Usage: npm run bench:failover [-- --runs 5 --followers 100 --orders 20]
// Needs DATABASE_URL and REDIS_URL.
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { parseArgs } from 'node:util';
import { Order } from '../server/src/persistence/entities/order.entity.ts';
import {
  allChildrenFinal,
  type BookCheck,
  checkAgainstBook,
  FLEET_ADMIN,
  holderAmong,
  placeMasterOrder,
  prepareFleet,
} from '../tests/support/fleet.ts';
import { loginAt } from '../tests/support/gql.ts';
import { waitFor } from '../tests/support/harness.ts';
import { killServerProcesses, startServerProcess } from '../tests/support/spawn-server.ts';

const { values } = parseArgs({
  options: {
    runs: { type: 'string', default: '5' },
    followers: { type: 'string', default: '100' },
    orders: { type: 'string', default: '20' },
    'kill-after': { type: 'string', default: '7' },
    /** Prints, per run, when the survivors logged taking the lease (ms after the kill). */
    verbose: { type: 'boolean', default: false },
    out: { type: 'string', default: 'bench/results/failover.json' },
  },
});
if (!process.env.DATABASE_URL || !process.env.REDIS_URL) {
  console.error('the failover benchmark needs DATABASE_URL and REDIS_URL');
  process.exit(1);
}

interface Run {
  run: number;
  killToFirstChildSentMs: number;
  /** Kill -> every child of every master final at the broker and in Tandem. */
  killToAllSettledMs: number;
  check: BookCheck;
}

async function oneRun(run: number, followers: number, orders: number, killAfter: number): Promise<Run> {
  const fleet = await prepareFleet({
    followers,
    prefix: `FO${run}`,
    env: { PAPER_LATENCY_MS: '20', ...(values.verbose ? { LOG_LEVEL: 'info' } : {}) },
  });
  let keep: string | null = null;
  try {
    const processes = [0, 1, 2].map(() => startServerProcess(fleet.env));
    const urls = await Promise.all(processes.map((p) => p.url));
    const holder = await holderAmong(fleet, processes);
    const entry = urls[processes.findIndex((p) => p !== holder)]!;
    const token = await loginAt(entry, FLEET_ADMIN.email, FLEET_ADMIN.password);
    const masters: string[] = [];
    let killedAt = 0;
    for (let i = 0; i < orders; i += 1) {
      masters.push(await placeMasterOrder(entry, token, fleet, i % 2 === 0 ? 'BUY' : 'SELL'));
      if (i === killAfter - 1) {
        holder.child.kill('SIGKILL');
        killedAt = Date.now();
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    await waitFor(async () => ((await allChildrenFinal(fleet, masters)) ? true : undefined), 120_000, 'every child to settle');
    const settledAt = Date.now();
    if (values.verbose) {
      for (const p of processes.filter((p) => p !== holder)) {
        for (const line of p
          .stdout()
          .split('\n')
          .filter((l) => l.startsWith('{'))) {
          const entry = JSON.parse(line) as { time: number; msg: string };
          if (entry.time >= killedAt && /lease|recovery|unknown fate/.test(entry.msg)) {
            process.stderr.write(`    pid ${p.child.pid} +${entry.time - killedAt} ms: ${entry.msg}\n`);
          }
        }
      }
    }
    const children = await fleet.db.orm.em.fork().find(Order, { masterOrderId: { $in: masters } }, { fields: ['sentAt'] });
    const firstAfter = Math.min(...children.map((c) => c.sentAt?.getTime() ?? Infinity).filter((t) => t > killedAt));
    const result = {
      run,
      killToFirstChildSentMs: firstAfter - killedAt,
      killToAllSettledMs: settledAt - killedAt,
      check: await checkAgainstBook(fleet, masters),
    };
    await killServerProcesses();
    if (result.check.disagreements.length > 0 || result.check.duplicates > 0 || result.check.lost > 0) {
      keep = fleet.env.DATABASE_URL!;
      process.stderr.write(`  run ${run} disagrees with the book: its database is kept for a look, ${keep}\n`);
    }
    return result;
  } finally {
    await killServerProcesses();
    if (keep) await fleet.db.close();
    else await fleet.close();
  }
}

const runs: Run[] = [];
for (let run = 1; run <= Number(values.runs); run += 1) {
  process.stderr.write(
    `failover run ${run}/${values.runs}: ${values.followers} followers, ${values.orders} masters, SIGKILL after ${values['kill-after']} ...\n`,
  );
  const result = await oneRun(run, Number(values.followers), Number(values.orders), Number(values['kill-after']));
  runs.push(result);
  const { check } = result;
  process.stderr.write(
    `  kill -> first child sent ${result.killToFirstChildSentMs} ms; children ${check.childrenFound}/${check.childrenExpected}, duplicates ${check.duplicates}, lost ${check.lost}, sent twice ${check.sentTwice}, disagreements ${check.disagreements.length}\n`,
  );
}
const takeover = runs.map((r) => r.killToFirstChildSentMs).sort((a, b) => a - b);
const report = {
  benchmark: 'failover: SIGKILL of the master lease holder mid-burst, three instances; kill -> first child sent by the new holder',
  settings: {
    runs: runs.length,
    followers: Number(values.followers),
    masters: Number(values.orders),
    killAfter: Number(values['kill-after']),
    leaseTtlS: 3,
  },
  takeoverMs: { p50: takeover[Math.floor((takeover.length - 1) / 2)], max: takeover.at(-1), all: takeover },
  machine: { cpus: os.cpus().length, memoryGb: Math.round(os.totalmem() / 1e9), node: process.version },
  at: new Date().toISOString(),
  runs,
};
mkdirSync('bench/results', { recursive: true });
writeFileSync(values.out, `${JSON.stringify(report, null, 2)}\n`);
console.log(JSON.stringify({ ...report, runs: undefined }, null, 2));
process.exit(0);
