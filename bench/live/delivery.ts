// Scenario 4: subscription delivery. 1, 100 and 1000 SSE subscribers and 100 graphql-ws
// subscribers (client processes of their own) to a master whose orders, one every 200 ms, fan
// out to 10 followers: each event's `at` to its receipt (one machine, one clock), and every
// subscription's cursors checked against the events the database holds (lost, repeated).
import { setTimeout as sleep } from 'node:timers/promises';
import { placeMasterOrder } from '../../tests/support/fleet.ts';
import { type Summary, summary } from '../stats.ts';
import { ms, type RunOptions, type Scenario, type ScenarioResult, skipped, type Target } from './scenario.ts';
import { allSettled, headCursor, memoryOf, type Session, startSession } from './session.ts';
import { startAudience } from './subscribers.ts';

const FOLLOWERS = 10;
const EVERY_MS = 200;
/** Scenario 6 reads the server's memory with this many followers on an idle master beside. */
export const BIG_GROUP = 1000;

interface Phase {
  label: string;
  count: number;
  transport: 'sse' | 'ws';
  processes: number;
}

export interface PhaseResult extends Phase {
  orders: number;
  lagMs: Summary;
  expectedPerSubscription: number;
  lost: number;
  repeated: number;
  /** The phase's copies by final status: a busy server may send them late, or not at all. */
  copies: Record<string, number>;
}

export interface Footprint {
  startupMs: number;
  idle: { rssMb: number; peakRssMb: number };
  /** With 1000 SSE subscribers connected, after their phase's orders. */
  with1000Subscribers: { rssMb: number; peakRssMb: number };
  /** The same, after one master order fanned out to the 1000 followers. */
  after1000FollowerOrder: { rssMb: number; peakRssMb: number };
}

export interface DeliveryRun {
  phases: PhaseResult[];
  footprint: Footprint | null;
}

const PHASES: Phase[] = [
  { label: '1 SSE subscriber', count: 1, transport: 'sse', processes: 1 },
  { label: '100 SSE subscribers', count: 100, transport: 'sse', processes: 2 },
  { label: '1000 SSE subscribers', count: 1000, transport: 'sse', processes: 4 },
  { label: '100 graphql-ws subscribers', count: 100, transport: 'ws', processes: 2 },
];

/** The last run, for scenario 6 (which reads the server's memory during it). */
export let lastDelivery: DeliveryRun | null = null;

export const delivery: Scenario = {
  id: 4,
  title: 'subscription delivery while master orders fan out to 10 followers',
  async run(options: RunOptions): Promise<ScenarioResult> {
    if (!process.env.DATABASE_URL) return skipped(this, 'needs DATABASE_URL');
    const run = await runDelivery(options, PHASES);
    const rows = run.phases.flatMap((p) => [
      { measure: `${p.label}: lag, event at -> receipt, p50/p99/max`, value: ms(p.lagMs) },
      {
        measure: `${p.label}: events lost / repeated (${p.orders} orders, ${p.expectedPerSubscription} events each)`,
        value: `${p.lost} / ${p.repeated}`,
      },
    ]);
    const targets = run.phases.flatMap((p): Target[] => {
      const bound = p.count >= 1000 ? 50 : p.count >= 100 ? 20 : null;
      return [
        ...(bound === null
          ? []
          : [{ what: `${p.label}: lag < ${bound} ms`, value: p.lagMs.p99, limit: bound, relation: '<' as const, unit: 'ms' }]),
        { what: `${p.label}: events lost`, value: p.lost, limit: 0, relation: '<=', unit: '' },
        { what: `${p.label}: events repeated`, value: p.repeated, limit: 0, relation: '<=', unit: '' },
      ];
    });
    return { id: this.id, title: this.title, status: 'ran', rows, targets, data: run };
  },
};

export async function runDelivery(options: RunOptions, phases: Phase[]): Promise<DeliveryRun> {
  options.progress(`  preparing the database (${FOLLOWERS} followers, and ${BIG_GROUP} on an idle master) and starting the server`);
  const session = await startSession({
    followers: FOLLOWERS,
    prefix: 'DLV',
    env: { PAPER_LATENCY_MS: String(options.latencyMs) },
    extraGroups: [BIG_GROUP],
  });
  const orders = options.quick ? 5 : 10;
  let footprint: Footprint | null = null;
  const results: PhaseResult[] = [];
  try {
    const idle = memoryOf(session.server.child.pid!);
    for (const phase of phases) {
      options.progress(`  ${phase.label}: subscribing`);
      const head = await headCursor(session.db);
      const audience = await startAudience(
        {
          url: session.url,
          token: session.token,
          count: phase.count,
          transport: phase.transport,
          accountId: session.fleet.masterId,
          after: String(head),
          receipts: false,
        },
        phase.processes,
      );
      try {
        // Let every subscription go live (subscribe, replay, then stream) before the orders come.
        await sleep(1000);
        options.progress(`  ${phase.label}: ${orders} master orders, one every ${EVERY_MS} ms`);
        const placed: Promise<string>[] = [];
        for (let index = 0; index < orders; index += 1) {
          placed.push(session.place(index % 2 === 0 ? 'BUY' : 'SELL'));
          await sleep(EVERY_MS);
        }
        const ids = await Promise.all(placed);
        await allSettled(session.db, ids, FOLLOWERS, { timeoutMs: 300_000, requireAcks: false });
        const copies = await copyStatuses(session, ids);
        const expected = await eventCount(session, head);
        await audience.reach(await headCursor(session.db), 300_000);
        if (phase.count >= 1000 && phase.transport === 'sse') footprint = await readFootprint(options, session, idle);
        const report = await audience.stop();
        results.push({
          ...phase,
          orders,
          lagMs: summary(report.lags),
          expectedPerSubscription: expected,
          lost: report.subscriptions.reduce((sum, s) => sum + Math.max(0, expected - s.unique), 0),
          repeated: report.subscriptions.reduce((sum, s) => sum + s.repeated, 0),
          copies,
        });
        options.progress(`  ${phase.label}: lag p99 ${results.at(-1)!.lagMs.p99} ms`);
      } catch (error) {
        audience.kill();
        throw error;
      }
    }
  } finally {
    await session.stop();
  }
  lastDelivery = { phases: results, footprint };
  return lastDelivery;
}

async function copyStatuses(session: Session, masterIds: string[]): Promise<Record<string, number>> {
  const { rows } = await session.db.query<{ status: string; n: string }>(
    'select status, count(*) as n from orders where master_order_id = any($1) group by status order by status',
    [masterIds],
  );
  return Object.fromEntries(rows.map((r) => [r.status, Number(r.n)]));
}

/** The events the subscriptions to the master must receive: its own and its children's since `head`. */
async function eventCount(session: Session, head: number): Promise<number> {
  const { rows } = await session.db.query<{ n: string }>(
    'select count(*) as n from order_events where "cursor" > $1 and (account_id = $2 or master_account_id = $2)',
    [head, session.fleet.masterId],
  );
  return Number(rows[0]!.n);
}

/** Scenario 6's readings, with 1000 subscribers still connected: then one order to the 1000 followers. */
async function readFootprint(options: RunOptions, session: Session, idle: Footprint['idle']): Promise<Footprint> {
  const pid = session.server.child.pid!;
  const with1000Subscribers = memoryOf(pid);
  options.progress(`  RSS with 1000 subscribers: ${with1000Subscribers.rssMb} MB; one order to ${BIG_GROUP} followers`);
  const big = { ...session.fleet, masterId: session.extraMasterIds[0]! };
  const id = await placeMasterOrder(session.url, session.token, big, 'BUY');
  await allSettled(session.db, [id], BIG_GROUP, { timeoutMs: 300_000, requireAcks: false });
  return { startupMs: session.startupMs, idle, with1000Subscribers, after1000FollowerOrder: memoryOf(pid) };
}
