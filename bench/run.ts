// The benchmark of issue 13, measured from outside: each scenario starts Tandem as a process and
// drives it through its public API, with subscribers in client processes of their own. Progress
// on stderr, the table on stdout, JSON in bench/results/live.json, the table in BENCHMARKS.md.
// Usage: npm run bench [-- --quick] [--only 2,1,4] [--followers 100,1000] [--orders 100,30] [--latency 50]
import os from 'node:os';
import { parseArgs } from 'node:util';
import { dbFloor } from './live/db-floor.ts';
import { delivery } from './live/delivery.ts';
import { embedded } from './live/embedded.ts';
import { fanOut } from './live/fan-out.ts';
import { footprint } from './live/footprint.ts';
import { machine, markdownTable, writeBenchmarksMd, writeResults } from './live/report.ts';
import { type RunOptions, type Scenario, type ScenarioResult, met } from './live/scenario.ts';
import { smartApi } from './live/smartapi.ts';
import { throughput } from './live/throughput.ts';

const { values } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    only: { type: 'string' },
    followers: { type: 'string' },
    orders: { type: 'string' },
    latency: { type: 'string', default: '50' },
    out: { type: 'string', default: 'bench/results/live.json' },
  },
});

// Priority order: the floor first, since the fan-out's targets are stated against it.
const SCENARIOS: Scenario[] = [dbFloor, fanOut, smartApi, delivery, throughput, footprint, embedded];
const only = values.only?.split(',').map(Number);
const chosen = SCENARIOS.filter((s) => !only || only.includes(s.id));
const followers = (values.followers ?? (values.quick ? '100' : '100,1000')).split(',').map(Number);
const orders = (values.orders ?? (values.quick ? '10' : '100,30')).split(',').map(Number);
const startedAt = Date.now();
const options: RunOptions = {
  quick: values.quick,
  followers,
  orders: followers.map((_, i) => orders[i] ?? orders.at(-1)!),
  latencyMs: Number(values.latency),
  floor: new Map(),
  progress: (message) => process.stderr.write(`[${((Date.now() - startedAt) / 1000).toFixed(0).padStart(4)} s] ${message}\n`),
};
const setting = [
  process.env.DATABASE_URL ? 'PostgreSQL' : 'no DATABASE_URL',
  process.env.REDIS_URL ? 'Redis' : 'in-process PubSub',
  `R = ${options.latencyMs} ms`,
  values.quick ? 'quick' : 'full',
].join(', ');

const host = machine();
options.progress(`${setting}; ${host.cpus} cpus, load average ${host.loadAtStart.join(' / ')}`);
const results: ScenarioResult[] = [];
for (const scenario of chosen) {
  options.progress(`scenario ${scenario.id}: ${scenario.title}`);
  const started = Date.now();
  try {
    results.push(await scenario.run(options));
  } catch (error) {
    options.progress(`scenario ${scenario.id} failed: ${error instanceof Error ? error.stack : String(error)}`);
    results.push({
      id: scenario.id,
      title: scenario.title,
      status: 'skipped',
      note: `failed: ${String(error)}`,
      rows: [],
      targets: [],
      data: null,
    });
  }
  const result = results.at(-1)!;
  for (const target of result.targets)
    options.progress(
      `  ${met(target) ? 'met   ' : 'MISSED'} ${target.what}: ${target.value} ${target.relation} ${target.limit} ${target.unit}`,
    );
  options.progress(`scenario ${scenario.id} ${result.status} in ${((Date.now() - started) / 1000).toFixed(0)} s`);
}
host.loadAtEnd = os.loadavg().map((l) => Math.round(l * 100) / 100);
const at = new Date(startedAt).toISOString();
const command = `npm run bench${process.argv.length > 2 ? ` -- ${process.argv.slice(2).join(' ')}` : ''}`;
results.sort((a, b) => a.id - b.id);
writeResults(values.out, { at, command, setting, machine: host, scenarios: results });
if (!only || chosen.length === SCENARIOS.length) writeBenchmarksMd({ results, machine: host, at, command, setting });
else options.progress('BENCHMARKS.md kept: it holds full runs only (this one ran --only)');
console.log(markdownTable(results));
