// Scenario 2, the database floor: what exactly-once costs before any child may be sent, with
// nothing of Tandem in the way. One transaction of raw `pg` inserting N child rows into the real
// `orders` table (its migrations, indexes, unique keys and foreign keys), as one statement.
import { randomBytes, randomUUID } from 'node:crypto';
import pg from 'pg';
import { initOrm } from '../../server/src/persistence/db.ts';
import { scratchDatabase } from '../../tests/support/database.ts';
import { seedFollowers } from '../fixtures.ts';
import { summary } from '../stats.ts';
import { type RunOptions, type Scenario, type ScenarioResult, skipped } from './scenario.ts';

const COLUMNS = [
  'id',
  'account_id',
  'master_order_id',
  'multiplier_id',
  'leg',
  'exchange',
  'symbol',
  'token',
  'side',
  'quantity',
  'order_type',
  'product_type',
  'variety',
  'status',
  'order_tag',
  'origin',
  'detected_at',
  'created_at',
  'updated_at',
];
const WARM_UPS = 3;

export const dbFloor: Scenario = {
  id: 2,
  title: 'database floor: one transaction writing N child rows ahead (raw pg)',
  async run(options: RunOptions): Promise<ScenarioResult> {
    if (!process.env.DATABASE_URL) return skipped(this, 'needs DATABASE_URL');
    const sizes = [100, 1000];
    const runs = options.quick ? 20 : 100;
    const database = await scratchDatabase();
    const orm = await initOrm(database.target, { migrate: true });
    const client = new pg.Client({ connectionString: database.url!, application_name: 'tandem-bench' });
    try {
      const { master } = await seedFollowers(orm.orm.em.fork(), Math.max(...sizes));
      await client.connect();
      const { rows: links } = await client.query<{ id: string; follower_id: string }>(
        'select id, follower_id from multipliers where master_id = $1',
        [master.id],
      );
      const results: Record<number, ReturnType<typeof summary>> = {};
      for (const n of sizes) {
        options.progress(`  floor: ${runs} transactions of ${n} rows`);
        const samples: number[] = [];
        for (let run = -WARM_UPS; run < runs; run += 1) {
          const masterId = await insertMaster(client, master.id);
          const started = performance.now();
          await client.query('begin');
          await insertChildren(client, masterId, links.slice(0, n));
          await client.query('commit');
          if (run >= 0) samples.push(performance.now() - started);
        }
        results[n] = summary(samples.map((s) => Math.round(s * 10) / 10));
        options.floor.set(n, results[n].p99!);
      }
      return {
        id: this.id,
        title: this.title,
        status: 'ran',
        rows: sizes.map((n) => ({
          measure: `N = ${n}: p50 / p99 / max`,
          value: `${results[n]!.p50} / ${results[n]!.p99} / ${results[n]!.max} ms`,
        })),
        targets: [],
        data: { columns: COLUMNS, runsPerN: runs, results },
      };
    } finally {
      await client.end();
      await orm.close();
      await database.drop();
    }
  },
};

async function insertMaster(client: pg.Client, accountId: string): Promise<string> {
  const id = randomUUID();
  await client.query(
    `insert into orders (id, account_id, exchange, symbol, token, side, quantity, order_type, product_type, status, origin, detected_at, created_at, updated_at)
     values ($1, $2, 'NSE', 'SBIN-EQ', '3045', 'BUY', 10, 'MARKET', 'INTRADAY', 'OPEN', 'api', now(), now(), now())`,
    [id, accountId],
  );
  return id;
}

async function insertChildren(client: pg.Client, masterId: string, links: { id: string; follower_id: string }[]): Promise<void> {
  const now = new Date();
  const values: unknown[] = [];
  const tuples = links.map((link) => {
    const row = [
      randomUUID(),
      link.follower_id,
      masterId,
      link.id,
      0,
      'NSE',
      'SBIN-EQ',
      '3045',
      'BUY',
      10,
      'MARKET',
      'INTRADAY',
      'NORMAL',
      'PENDING',
      `TD${randomBytes(8).toString('hex')}`,
      'replicator',
      now,
      now,
      now,
    ];
    const first = values.length;
    values.push(...row);
    return `(${row.map((_, i) => `$${first + i + 1}`).join(', ')})`;
  });
  await client.query(`insert into orders (${COLUMNS.join(', ')}) values ${tuples.join(', ')}`, values);
}
