// The soak benchmark: one Tandem process on a private PostgreSQL database, one paper master
// copied 1:1 by --followers paper followers, and --masters MARKET orders placed through the public
// GraphQL API (--concurrency at a time), never more than --backlog masters ahead of their copies (and at
// most --rate a second when given). Every --sample seconds it records the server's RSS (from
// /proc, also read each second for the peak), its heap (from /metrics) and each table's size
// and rows; at the end it checks one child per (master, follower) against the exchange's book in
// SQL. The server runs with a short EVENT_RETENTION, so the events table can be seen to stop
// growing while the orders table grows with every master.
// Usage: npm run bench:soak [-- --masters 10000 --followers 100 --backlog 20 --concurrency 2 --rate 0 --max-minutes 0
//   --retention 2m --latency 0 --sample 10 --vacuum-every 60 --keep --verbose]
// Needs DATABASE_URL (REDIS_URL is used when set).
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { eventRetention, loadConfig } from '../server/src/config.ts';
import { TERMINAL_STATUSES } from '../server/src/core/types.ts';
import { FLEET_ADMIN, placeMasterOrder, prepareFleet } from '../tests/support/fleet.ts';
import { loginAt } from '../tests/support/gql.ts';
import { killServerProcesses, startServerProcess } from '../tests/support/spawn-server.ts';
import { percentile } from './stats.ts';

const { values } = parseArgs({
  options: {
    masters: { type: 'string', default: '10000' },
    followers: { type: 'string', default: '100' },
    /** The most masters placed whose copies are not all final yet; placing waits above it. */
    backlog: { type: 'string', default: '20' },
    /** placeOrder calls in flight at once. */
    concurrency: { type: 'string', default: '2' },
    /** Masters a second at most; 0: as fast as the backlog allows. */
    rate: { type: 'string', default: '0' },
    /** Stops placing after this many minutes (0: never), for a run that must fit in a time; the report says how many were placed. */
    'max-minutes': { type: 'string', default: '0' },
    retention: { type: 'string', default: '2m' },
    latency: { type: 'string', default: '0' },
    /**
     * Seconds between VACUUM (ANALYZE) runs of the benchmark's own database when the PostgreSQL
     * server has autovacuum off, as CI servers often do (0: none). Without it no deleted or
     * updated row's space is ever reused, and every table grows as if nothing were pruned.
     */
    'vacuum-every': { type: 'string', default: '60' },
    sample: { type: 'string', default: '10' },
    /** Keeps the database for a look afterwards (its URL is printed); it is kept anyway when the check finds a problem. */
    keep: { type: 'boolean', default: false },
    /** Prints every table at each sample, and the server's own warnings as they come. */
    verbose: { type: 'boolean', default: false },
    out: { type: 'string', default: 'bench/results/soak.json' },
  },
});
if (!process.env.DATABASE_URL) {
  console.error('the soak benchmark needs DATABASE_URL');
  process.exit(1);
}
const masters = Number(values.masters);
const followers = Number(values.followers);
const backlog = Number(values.backlog);
const rate = Number(values.rate);
const { keepMs, pruneEveryMs } = eventRetention(loadConfig({ EVENT_RETENTION: values.retention }));

const mb = (bytes: number) => Math.round(bytes / 1e5) / 10;
const thousands = (n: number) => n.toLocaleString('en-US');

interface Table {
  bytes: number;
  /** Exact for order_events and in the first and last samples, else PostgreSQL's live-row estimate. */
  rows: number;
  /** PostgreSQL's estimate of dead rows not vacuumed yet, and how many times (auto)vacuum has run on the table. */
  deadRows: number;
  vacuums: number;
}
interface Sample {
  s: number;
  placed: number;
  childrenFinal: number;
  rssMb: number;
  heapUsedMb: number | null;
  loadAvg1m: number;
  tables: Record<string, Table>;
}

const fleet = await prepareFleet({
  followers,
  prefix: 'SOAK',
  env: {
    EVENT_RETENTION: values.retention,
    PAPER_LATENCY_MS: values.latency,
    PAPER_TICK_MS: '1000',
    // Verbose shows the prunes as they happen (info), not the line every placeOrder logs.
    ...(values.verbose ? { LOG_LEVEL: 'info' } : {}),
  },
});
const sql = new pg.Pool({ connectionString: fleet.env.DATABASE_URL, max: 3 });
const rows = async <T>(text: string, params: unknown[] = []) => (await sql.query(text, params)).rows as T[];
const one = async <T>(text: string, params: unknown[] = []) => (await rows<T>(text, params))[0]!;
/** Also when the copies disagree with the book or an order failed, for a look afterwards. */
let keep = values.keep;
try {
  const server = startServerProcess(fleet.env);
  const url = await server.url;
  const pid = server.child.pid!;
  let serverExit: number | null | undefined;
  void server.exited.then((code) => {
    serverExit = code;
  });
  let printedLog = 0;
  /** The server's error lines (placeOrder's INTERNAL_SERVER_ERROR names its errorId there). */
  const serverErrors: string[] = [];
  const serverLog = () => {
    const text = server.stdout() + server.stderr();
    const fresh = text.slice(printedLog);
    printedLog = text.length;
    const lines = fresh.split('\n').filter((line) => line.trim() !== '' && !line.includes('"msg":"mutation"'));
    serverErrors.push(...lines.filter((line) => /"level":(50|60)/.test(line)));
    return lines.map((line) => line.slice(0, 600)).join('\n');
  };
  const token = await loginAt(url, FLEET_ADMIN.email, FLEET_ADMIN.password);

  const rssMb = () => {
    try {
      return Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0) / 1000;
    } catch {
      return 0; // the server has gone; serverExit says how
    }
  };
  const heapUsedMb = async () => {
    const text = await (await fetch(`${url}/metrics`)).text();
    const used = /^nodejs_heap_size_used_bytes (\d+(?:\.\d+)?)/m.exec(text)?.[1];
    return used === undefined ? null : mb(Number(used));
  };
  /** Sizes, and rows: exact for order_events (or every table when `exact`), else PostgreSQL's live-row estimate. */
  const tables = async (exact = false): Promise<Record<string, Table>> => {
    const sizes = await rows<{ table: string; bytes: string; rows: string; dead: string; vacuums: string }>(
      `select relname as table, pg_total_relation_size(relid) as bytes, n_live_tup as rows, n_dead_tup as dead,
              autovacuum_count + vacuum_count as vacuums
       from pg_stat_user_tables order by relname`,
    );
    const counted = async (table: string, estimate: string) =>
      exact || table === 'order_events' ? Number((await one<{ n: string }>(`select count(*) as n from "${table}"`)).n) : Number(estimate);
    const measured: Record<string, Table> = {};
    for (const t of sizes)
      measured[t.table] = {
        bytes: Number(t.bytes),
        rows: await counted(t.table, t.rows),
        deadRows: Number(t.dead),
        vacuums: Number(t.vacuums),
      };
    return measured;
  };

  // Masters placed whose children are not all final, and the children final so far.
  const pending = new Map<string, number>();
  let settledMasters = 0;
  const childrenFinal = () => settledMasters * followers + [...pending.values()].reduce((sum, n) => sum + n, 0);
  let lastProgressAt = Date.now();
  let refreshing = false;
  const refreshPending = async () => {
    if (pending.size === 0 || refreshing) return;
    refreshing = true;
    try {
      const counts = await rows<{ master: string; final: string }>(
        `select master_order_id as master, count(*) filter (where status = any($2)) as final
         from orders where master_order_id = any($1::uuid[]) group by master_order_id`,
        [[...pending.keys()], [...TERMINAL_STATUSES]],
      );
      for (const { master, final } of counts) {
        const done = Number(final);
        if (done !== pending.get(master)) lastProgressAt = Date.now();
        if (done === followers) {
          pending.delete(master);
          settledMasters += 1;
        } else pending.set(master, done);
      }
    } finally {
      refreshing = false;
    }
  };

  const started = Date.now();
  const elapsedS = () => Math.round((Date.now() - started) / 100) / 10;
  let peakRssMb = rssMb();
  const placed: string[] = [];
  const placeMs: number[] = [];
  let placeErrors = 0;
  const samples: Sample[] = [];
  const sample = async (exact = false): Promise<Sample> => {
    const taken: Sample = {
      s: elapsedS(),
      placed: placed.length,
      childrenFinal: childrenFinal(),
      rssMb: Math.round(rssMb()),
      heapUsedMb: await heapUsedMb().catch(() => null),
      loadAvg1m: Math.round(os.loadavg()[0]! * 100) / 100,
      tables: await tables(exact),
    };
    samples.push(taken);
    const { order_events: events, orders } = taken.tables;
    process.stderr.write(
      `  ${String(Math.round(taken.s)).padStart(5)} s  masters ${thousands(taken.placed)}/${thousands(masters)}  children final ${thousands(taken.childrenFinal)}` +
        `  rss ${taken.rssMb} MB (peak ${Math.round(peakRssMb)})  heap ${taken.heapUsedMb ?? '?'} MB  order_events ${thousands(events?.rows ?? 0)} rows ${mb(events?.bytes ?? 0)} MB` +
        `  orders ~${thousands(orders?.rows ?? 0)} rows ${mb(orders?.bytes ?? 0)} MB  load ${taken.loadAvg1m}\n`,
    );
    if (values.verbose) {
      for (const [name, t] of Object.entries(taken.tables))
        process.stderr.write(
          `        ${name}: ${thousands(t.rows)} rows, ${mb(t.bytes)} MB, ${thousands(t.deadRows)} dead rows, vacuumed ${t.vacuums} times\n`,
        );
    }
    // Warnings and errors only, unless --verbose (then the prunes too).
    const log = serverLog();
    if (log) process.stderr.write(`        server: ${log.replace(/\n/g, '\n        server: ')}\n`);
    return taken;
  };

  process.stderr.write(
    `soak: ${thousands(masters)} masters x ${followers} followers on PostgreSQL${fleet.env.REDIS_URL ? ' and Redis' : ''}, server pid ${pid}, EVENT_RETENTION=${values.retention} (pruned every ${pruneEveryMs / 1000} s), broker latency ${values.latency} ms\n`,
  );
  const { autovacuum } = await one<{ autovacuum: string }>('show autovacuum');
  const vacuumEveryS = autovacuum === 'on' ? 0 : Number(values['vacuum-every']);
  let vacuumRuns = 0;
  let vacuuming = false;
  const vacuumTimer = setInterval(() => {
    if (vacuumEveryS === 0 || vacuuming) return;
    vacuuming = true;
    void sql
      .query('vacuum (analyze)')
      .then(() => {
        vacuumRuns += 1;
      })
      .catch((error: unknown) => process.stderr.write(`  vacuum failed: ${String(error)}\n`))
      .finally(() => {
        vacuuming = false;
      });
  }, Math.max(1, vacuumEveryS) * 1000);
  if (autovacuum !== 'on')
    process.stderr.write(
      vacuumEveryS > 0
        ? `  autovacuum is off on this server: the benchmark vacuums its database every ${vacuumEveryS} s instead\n`
        : '  autovacuum is off on this server and --vacuum-every 0: no space freed by pruning is reused\n',
    );
  const first = await sample(true);
  const rssTimer = setInterval(() => {
    if (serverExit === undefined) peakRssMb = Math.max(peakRssMb, rssMb());
  }, 1000);
  const pendingTimer = setInterval(
    () => void refreshPending().catch((error: unknown) => process.stderr.write(`  ${String(error)}\n`)),
    250,
  );
  let sampling = false;
  const sampleTimer = setInterval(() => {
    if (sampling) return;
    sampling = true;
    void sample()
      .catch((error: unknown) => process.stderr.write(`  sampling failed: ${String(error)}\n`))
      .finally(() => {
        sampling = false;
      });
  }, Number(values.sample) * 1000);

  const placingFrom = Date.now();
  const placeUntil = Number(values['max-minutes']) > 0 ? placingFrom + Number(values['max-minutes']) * 60_000 : Infinity;
  let claimed = 0;
  const placeInTurn = async () => {
    while (claimed < masters && serverExit === undefined && placeErrors <= 20 && Date.now() < placeUntil) {
      const slot = rate > 0 ? placingFrom + (claimed / rate) * 1000 : 0;
      if (pending.size >= backlog || Date.now() < slot) {
        await new Promise((resolve) => setTimeout(resolve, 10));
        continue;
      }
      claimed += 1;
      const at = performance.now();
      try {
        const id = await placeMasterOrder(url, token, fleet, claimed % 2 === 0 ? 'BUY' : 'SELL');
        placeMs.push(performance.now() - at);
        placed.push(id);
        pending.set(id, 0);
      } catch (error) {
        placeErrors += 1;
        process.stderr.write(`  placeOrder failed: ${String(error)}\n`);
      }
    }
  };
  await Promise.all(Array.from({ length: Number(values.concurrency) }, placeInTurn));
  const placingDoneAt = Date.now();
  process.stderr.write(`  ${thousands(placed.length)} masters placed after ${elapsedS()} s; waiting for the last copies\n`);
  lastProgressAt = Date.now();
  while (pending.size > 0 && serverExit === undefined && Date.now() - lastProgressAt < 120_000) {
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  const settledAt = Date.now();
  clearInterval(pendingTimer);
  clearInterval(rssTimer);
  clearInterval(sampleTimer);
  clearInterval(vacuumTimer);
  while (sampling || vacuuming) await new Promise((resolve) => setTimeout(resolve, 50));
  await refreshPending();
  const last = await sample(true);

  // One child per (master, follower), each tag once at the exchange, each row as the book says.
  const ofMasters = [placed];
  const found = await one<{ found: string; pairs: string; unsettled: string }>(
    `select count(*) as found, count(distinct (master_order_id, account_id)) as pairs, count(*) filter (where status <> 'FILLED') as unsettled
     from orders where master_order_id = any($1::uuid[])`,
    ofMasters,
  );
  const { duplicates } = await one<{ duplicates: string }>(
    `select coalesce(sum(n - 1), 0) as duplicates from
       (select count(*) as n from orders where master_order_id = any($1::uuid[]) group by master_order_id, account_id, leg) per_pair`,
    ofMasters,
  );
  const { sent_twice: sentTwice } = await one<{ sent_twice: string }>(
    `select count(*) as sent_twice from (select p.order_tag from paper_orders p join orders c on c.order_tag = p.order_tag
       where c.master_order_id = any($1::uuid[]) group by p.order_tag having count(*) > 1) twice`,
    ofMasters,
  );
  const disagreements = await rows<{ tag: string; tandem: string; exchange: string | null }>(
    `select c.order_tag as tag, c.status || ' ' || c.filled_quantity || ' ' || coalesce(c.broker_order_id, '-') as tandem,
            p.status || ' ' || p.filled_quantity || ' ' || p.broker_order_id as exchange
     from orders c left join paper_orders p on p.order_tag = c.order_tag
     where c.master_order_id = any($1::uuid[])
       and not (c.status = 'SKIPPED' and c.order_tag is null)
       and (p.broker_order_id is null or p.broker_order_id is distinct from c.broker_order_id
            or (c.status = 'FILLED') <> (p.status = 'complete') or p.filled_quantity <> c.filled_quantity)`,
    ofMasters,
  );
  const notFilled = await rows<{ status: string; reason: string | null; n: string }>(
    `select status, reason, count(*) as n from orders where master_order_id = any($1::uuid[]) and status <> 'FILLED'
     group by status, reason order by n desc limit 10`,
    ofMasters,
  );
  // A placeOrder that failed may still have reached the exchange: then the master has more rows than answers.
  const { n: masterRows } = await one<{ n: string }>('select count(*) as n from orders where account_id = $1 and master_order_id is null', [
    fleet.masterId,
  ]);
  const expected = placed.length * followers;
  const check = {
    masterRowsInTandem: Number(masterRows),
    masters: placed.length,
    childrenExpected: expected,
    childrenFound: Number(found.found),
    duplicates: Number(duplicates),
    lost: expected - Number(found.pairs),
    sentTwice: Number(sentTwice),
    unsettled: Number(found.unsettled),
    notFilled: notFilled.map((row) => ({ status: row.status, reason: row.reason, children: Number(row.n) })),
    disagreements: disagreements.length,
    firstDisagreements: disagreements.slice(0, 10),
  };

  // Tables that did not change are left out.
  const perThousand = (from: Sample, to: Sample, pick: (t: Table) => number) =>
    Object.fromEntries(
      Object.keys(to.tables)
        .map((name) => [
          name,
          Math.round(
            ((pick(to.tables[name]!) - pick(from.tables[name] ?? { bytes: 0, rows: 0, deadRows: 0, vacuums: 0 })) * 1000) /
              Math.max(1, to.placed - from.placed),
          ),
        ])
        .filter(([, growth]) => growth !== 0),
    );
  // Once retention has run for a full period, events go as fast as they come.
  const steadyFrom = samples.find((s) => s.s * 1000 >= placingFrom - started + keepMs + pruneEveryMs) ?? last;
  const steady = samples.filter((s) => s.s >= steadyFrom.s);
  const eventRows = steady.map((s) => s.tables.order_events?.rows ?? 0);
  const sortedPlaceMs = [...placeMs].sort((a, b) => a - b);
  const report = {
    benchmark:
      'soak: master orders through the GraphQL API to paper followers on PostgreSQL, one server process; RSS, table growth, exactly one copy each',
    settings: {
      mastersRequested: masters,
      followers,
      backlog,
      concurrency: Number(values.concurrency),
      rate,
      maxMinutes: Number(values['max-minutes']),
      eventRetention: values.retention,
      pruneEveryS: pruneEveryMs / 1000,
      paperLatencyMs: Number(values.latency),
      sampleS: Number(values.sample),
    },
    database: {
      kind: 'postgresql',
      autovacuum,
      vacuumedBy:
        autovacuum === 'on' ? 'autovacuum' : vacuumEveryS > 0 ? `the benchmark, every ${vacuumEveryS} s (${vacuumRuns} runs)` : 'nobody',
    },
    redis: Boolean(fleet.env.REDIS_URL),
    serverExit: serverExit ?? null,
    serverErrors: serverErrors.slice(0, 20),
    durationS: {
      total: Math.round((settledAt - started) / 1000),
      placing: Math.round((placingDoneAt - placingFrom) / 1000),
      lastCopiesAfterPlacing: Math.round((settledAt - placingDoneAt) / 1000),
    },
    throughput: {
      mastersPerS: Math.round((placed.length / ((settledAt - placingFrom) / 1000)) * 10) / 10,
      childrenFinalPerS: Math.round(Number(found.found) / ((settledAt - placingFrom) / 1000)),
      placeOrderMs: {
        p50: Math.round(percentile(sortedPlaceMs, 50) ?? 0),
        p99: Math.round(percentile(sortedPlaceMs, 99) ?? 0),
        max: Math.round(sortedPlaceMs.at(-1) ?? 0),
      },
      placeErrors,
    },
    check,
    rssMb: { start: first.rssMb, peak: Math.round(peakRssMb), end: last.rssMb },
    heapUsedMb: { start: first.heapUsedMb, peak: Math.max(...samples.map((s) => s.heapUsedMb ?? 0)), end: last.heapUsedMb },
    tables: {
      start: first.tables,
      end: last.tables,
      growthPer1000Masters: { bytes: perThousand(first, last, (t) => t.bytes), rows: perThousand(first, last, (t) => t.rows) },
    },
    events: {
      note: 'order_events rows once a whole retention period has passed since placing began: flat while orders keep growing',
      steadyFromS: steadyFrom.s,
      rowsMin: Math.min(...eventRows),
      rowsMax: Math.max(...eventRows),
      rowsEnd: last.tables.order_events?.rows ?? 0,
      growthPer1000MastersWhileSteady: {
        bytes: perThousand(steadyFrom, last, (t) => t.bytes),
        rows: perThousand(steadyFrom, last, (t) => t.rows),
      },
    },
    machine: {
      cpus: os.cpus().length,
      memoryGb: Math.round(os.totalmem() / 1e9),
      node: process.version,
      loadAvg1m: { start: first.loadAvg1m, max: Math.max(...samples.map((s) => s.loadAvg1m)), end: last.loadAvg1m },
    },
    at: new Date().toISOString(),
    samples,
  };
  mkdirSync('bench/results', { recursive: true });
  writeFileSync(values.out, `${JSON.stringify(report, null, 2)}\n`);
  if (check.duplicates > 0 || check.lost > 0 || check.sentTwice > 0 || check.disagreements > 0 || check.unsettled > 0 || placeErrors > 0)
    keep = true;
  console.log(
    JSON.stringify({ ...report, samples: undefined, tables: { growthPer1000Masters: report.tables.growthPer1000Masters } }, null, 2),
  );
} finally {
  await killServerProcesses();
  await sql.end();
  if (keep) {
    process.stderr.write(`database kept: ${fleet.env.DATABASE_URL}\n`);
    await fleet.db.close();
  } else await fleet.close();
}
process.exit(0);
