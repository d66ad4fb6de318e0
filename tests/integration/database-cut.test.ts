// PostgreSQL connections cut in the middle of a burst, with a real Tandem process: every
// connection Tandem holds to this test's own database is terminated (pg_terminate_backend)
// a few times while master orders fan out. Nothing may be sent without its row, nothing twice,
// and nothing may stay half done: every order ends placed (and agreeing with the exchange's
// book) or FAILED with a reason, and each client is told something it can act on.
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { TERMINAL_STATUSES } from '../../server/src/core/types.ts';
import { OrderEvent } from '../../server/src/persistence/entities/order-event.entity.ts';
import { Order } from '../../server/src/persistence/entities/order.entity.ts';
import { PaperOrder } from '../../server/src/persistence/entities/paper-order.entity.ts';
import { redisUrl, usingPostgres } from '../support/database.ts';
import { checkAgainstBook, FLEET_ADMIN, type Fleet, prepareFleet } from '../support/fleet.ts';
import { gqlAt, loginAt } from '../support/gql.ts';
import { waitFor } from '../support/harness.ts';
import { killServerProcesses, startServerProcess } from '../support/spawn-server.ts';

const fleets: Fleet[] = [];

afterAll(async () => {
  await killServerProcesses();
  for (const fleet of fleets) await fleet.close();
});

const PLACE = 'mutation($i: PlaceOrderInput!) { placeOrder(input: $i) { id status } }';
type Answer = { id: string } | { error: { message: string; extensions?: Record<string, unknown> } };

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

(usingPostgres && redisUrl !== null ? describe : describe.skip)(
  `PostgreSQL connections cut mid-burst${usingPostgres && redisUrl !== null ? '' : ' (skipped: needs DATABASE_URL and REDIS_URL)'}`,
  () => {
    it('every order ends placed or FAILED with a reason, none sent twice or left SENT, and the clients are told what happened', async () => {
      const fleet = await prepareFleet({
        followers: 20,
        prefix: 'CUT',
        env: { PAPER_LATENCY_MS: '30', SETTLE_AFTER_S: '2', LOG_LEVEL: 'info' },
      });
      fleets.push(fleet);
      const server = startServerProcess(fleet.env);
      const url = await server.url;
      const token = await loginAt(url, FLEET_ADMIN.email, FLEET_ADMIN.password);
      const database = new URL(fleet.env.DATABASE_URL!).pathname.slice(1);
      const admin = new pg.Client({ connectionString: process.env.DATABASE_URL });
      await admin.connect();
      // Only Tandem's connections to this test's own database: other test files run beside it.
      const cut = async () =>
        (
          await admin.query<{ n: number }>(
            "select count(pg_terminate_backend(pid))::int as n from pg_stat_activity where datname = $1 and application_name = 'tandem'",
            [database],
          )
        ).rows[0]!.n;

      // Thirty masters 60 ms apart, each answer awaited apart from the others as independent
      // clients would; every connection cut after the 5th, 15th and 25th.
      const answers: Promise<Answer>[] = [];
      const cuts: number[] = [];
      let lastCutAt = 0;
      for (let i = 0; i < 30; i += 1) {
        const input = {
          accountId: fleet.masterId,
          exchange: 'NSE',
          symbol: 'SBIN-EQ',
          // BUYs only: every copy is expected FILLED (exits are sized by what a follower holds).
          side: 'BUY',
          quantity: 1,
          orderType: 'MARKET',
          productType: 'INTRADAY',
        };
        answers.push(
          gqlAt<{ placeOrder: { id: string } }>(url, PLACE, { i: input }, token).then((r) =>
            r.data?.placeOrder ? { id: r.data.placeOrder.id } : { error: r.errors![0]! as { message: string } },
          ),
        );
        if (i % 10 === 4) {
          cuts.push(await cut());
          lastCutAt = Date.now();
        }
        await sleep(60);
      }
      const settled = await Promise.all(answers);
      await admin.end();

      const em = () => fleet.db.orm.em.fork();
      const mastersNow = () => em().find(Order, { accountId: fleet.masterId, masterOrderId: null }, { orderBy: { createdAt: 'asc' } });
      // Everything final: masters placed or failed, and every child of a placed master.
      const masters = await waitFor<Order[]>(
        async () => {
          const rows = await mastersNow();
          if (!rows.every((m) => TERMINAL_STATUSES.has(m.status))) return undefined;
          const filled = rows.filter((m) => m.status === 'FILLED').map((m) => m.id);
          const children = await em().find(Order, { masterOrderId: { $in: filled } }, { fields: ['status'] });
          return children.length === filled.length * fleet.followerIds.length && children.every((c) => TERMINAL_STATUSES.has(c.status))
            ? rows
            : undefined;
        },
        60_000,
        'every order and every copy to end after the cuts',
      ).catch(async (error) => {
        const rows = await mastersNow();
        const children = await em().find(Order, { masterOrderId: { $in: rows.map((m) => m.id) } });
        const count = (list: Order[]) => {
          const by = new Map<string, number>();
          for (const o of list) by.set(`${o.status}:${o.reason ?? ''}`, (by.get(`${o.status}:${o.reason ?? ''}`) ?? 0) + 1);
          return [...by].map(([k, n]) => `${k} x${n}`);
        };
        throw new Error(
          `${error.message}\nmasters: ${count(rows).join('; ')}\nchildren: ${count(children).join('; ')}\nlog: ${server.stdout().slice(-6000)}`,
        );
      });
      const recoveredMs = Date.now() - lastCutAt;

      const filled = masters.filter((m) => m.status === 'FILLED');
      const failed = masters.filter((m) => m.status !== 'FILLED');
      const check = await checkAgainstBook(
        fleet,
        filled.map((m) => m.id),
      );
      const masterTags = await em().find(PaperOrder, { orderTag: { $in: masters.map((m) => m.orderTag!) } });
      const errors = settled.flatMap((a) => ('error' in a ? [a.error] : []));
      // How orders were recovered: looked up by tag (unknown, found or not at the broker), or never needed to be.
      const lookups = await em().find(
        OrderEvent,
        { kind: { $in: ['OUTCOME_UNKNOWN', 'RECONCILED', 'NOT_AT_BROKER'] } },
        { fields: ['kind'] },
      );
      const lookedUp: Record<string, number> = {};
      for (const { kind } of lookups) lookedUp[kind] = (lookedUp[kind] ?? 0) + 1;
      console.log(
        '[fault-figures]',
        JSON.stringify({
          fault: 'pg_terminate_backend x3 mid-burst',
          connectionsCut: cuts,
          ordersPlaced: masters.length,
          mastersFilled: filled.length,
          mastersFailed: failed.map((m) => m.reason),
          clientErrors: errors.map((e) => e.message),
          childrenExpected: check.childrenExpected,
          childrenFound: check.childrenFound,
          duplicates: check.duplicates,
          lost: check.lost,
          sentTwice: check.sentTwice,
          // Each pause of the engine's writes, from the first loss to the first write that went through.
          lookedUp,
          pausesMs: [...server.stdout().matchAll(/"unreachableMs":(\d+)/g)].map((m) => Number(m[1])),
          recoveredMs,
        }),
      );

      // One row per request that reached the server; none sent twice; each failure says why.
      expect(cuts.every((n) => n > 0)).toBe(true);
      expect(masters.length).toBeGreaterThanOrEqual(30 - errors.length);
      expect(new Set(masterTags.map((p) => p.orderTag)).size).toBe(masterTags.length);
      expect(masterTags.length).toBe(filled.length);
      for (const m of failed) expect(m.reason, `master ${m.orderTag} ${m.status}`).toMatch(/\w{8,}/);
      expect(check).toMatchObject({ duplicates: 0, lost: 0, sentTwice: 0, unsettled: 0, disagreements: [] });
      // A client whose request was cut is told what became of its order, in words, never the driver's.
      for (const error of errors) {
        expect(error.message).not.toMatch(/transaction|query|sql|knex|terminat/i);
        expect(error.extensions?.code).toBe('DATABASE_UNAVAILABLE');
      }
      // The pause and the resumption, each logged.
      expect(server.stdout()).toMatch(/database unreachable: replication paused/);
      expect(server.stdout()).toMatch(/database reachable again: replication resumed/);
    }, 150_000);
  },
);
