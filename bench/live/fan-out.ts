// Scenario 1: one master order at a time to N paper followers (R = PAPER_LATENCY_MS), placed
// through placeOrder on a started server, watched by one SSE subscriber in a process of its own.
// Server side from Tandem's rows; subscriber side from the client's receipt times; beside them
// the sequential baseline and the bare-HTTP floor at the same N, in the same run.
import type { Side } from '../../server/src/core/types.ts';
import { type Summary, summary } from '../stats.ts';
import { bareHttpFloor } from './bare-http.ts';
import { ms, type RunOptions, type Scenario, type ScenarioResult, skipped, type Target } from './scenario.ts';
import { sequentialBaseline } from './sequential.ts';
import {
  allSettled,
  childTimes,
  fanOutTimes,
  headCursor,
  type OverheadStages,
  overheadStages,
  type Session,
  startSession,
} from './session.ts';
import { type Receipt, startAudience } from './subscribers.ts';

const WARM_UPS = 2;
/** Statuses that say the broker accepted the order: its first such event is its "ack" event. */
const ACCEPTED = new Set(['OPEN', 'PARTIALLY_FILLED', 'FILLED', 'TRIGGER_PENDING']);

export interface FanOutRun {
  followers: number;
  orders: number;
  overheadMs: Summary;
  /** Where the overhead goes, stage by stage, from the master's acceptance. */
  stages: OverheadStages;
  lastAckMs: Summary;
  lastAckFromRequestMs: Summary;
  subscriberCompletionMs: Summary;
  subscriber: { eventsReceived: number; repeated: number; lagMs: Summary };
  /** Copies that never got a broker's ack (skipped or failed as stale): left out of the timings. */
  copiesNotAcknowledged: number;
  sequential: { toLastSentMs: Summary; toLastAckMs: Summary } | null;
  bareHttpFloorMs: Summary;
}

export const fanOut: Scenario = {
  id: 1,
  title: 'fan-out, one master order at a time, seen by an SSE subscriber',
  async run(options: RunOptions): Promise<ScenarioResult> {
    if (!process.env.DATABASE_URL) return skipped(this, 'needs DATABASE_URL');
    const runs: FanOutRun[] = [];
    for (const [index, followers] of options.followers.entries()) {
      runs.push(await measure(options, followers, options.orders[index]!, !options.quick));
    }
    const R = options.latencyMs;
    const rows = runs.flatMap((run) => {
      const at = `${run.followers} followers (${run.orders} orders)`;
      return [
        { measure: `${at}: overhead, master accepted -> last child sent, p50/p99/max`, value: ms(run.overheadMs) },
        {
          measure: `${at}: where it goes, from acceptance, p50/p99: ack recorded / planning began / written ahead / first child sent`,
          value: stageRow(run.stages),
        },
        {
          measure: `${at}: last ack, master accepted -> last child ack, p50/p99/max`,
          value: `${ms(run.lastAckMs)} (p99 / R = ${ratio(run.lastAckMs.p99, R)})`,
        },
        {
          measure: `${at}: last ack from the master's request (adds its own round trip R), p50/p99/max`,
          value: ms(run.lastAckFromRequestMs),
        },
        {
          measure: `${at}: **SSE subscriber**, master ack -> last child ack, p50/p99/max`,
          value: `${ms(run.subscriberCompletionMs)} (p99 / R = ${ratio(run.subscriberCompletionMs.p99, R)})`,
        },
        { measure: `${at}: subscriber events received / repeated`, value: `${run.subscriber.eventsReceived} / ${run.subscriber.repeated}` },
        { measure: `${at}: subscriber lag, each event's at -> its receipt, p50/p99/max`, value: ms(run.subscriber.lagMs) },
        { measure: `${at}: copies never acknowledged (left out of the timings)`, value: String(run.copiesNotAcknowledged) },
        {
          measure: `${at}: sequential baseline (in process), detection -> last ack`,
          value: run.sequential ? `${run.sequential.toLastAckMs.p50} ms p50 (${run.sequential.toLastAckMs.n} orders)` : 'not run (--quick)',
        },
        {
          measure: `${at}: bare-HTTP floor, ${run.followers} parallel POSTs, p50/p99/max`,
          value: `${ms(run.bareHttpFloorMs)} (p99 / R = ${ratio(run.bareHttpFloorMs.p99, R)})`,
        },
      ];
    });
    const targets = runs.flatMap((run): Target[] => {
      const F = options.floor.get(run.followers) ?? null;
      const slack = run.followers >= 1000 ? 60 : 30;
      return [
        {
          what: `${run.followers} followers: overhead <= F + 5 ms`,
          value: run.overheadMs.p99,
          limit: F === null ? null : F + 5,
          relation: '<=',
          unit: 'ms',
          basis: `F = ${F}`,
        },
        {
          what: `${run.followers} followers: last ack <= R + 2F + 10 ms`,
          value: run.lastAckMs.p99,
          limit: F === null ? null : Math.round(R + 2 * F + 10),
          relation: '<=',
          unit: 'ms',
          basis: `R = ${R}, F = ${F}`,
        },
        {
          what: `${run.followers} followers: subscriber-visible completion <= last ack + ${slack} ms`,
          value: run.subscriberCompletionMs.p99,
          limit: run.lastAckMs.p99 === null ? null : run.lastAckMs.p99 + slack,
          relation: '<=',
          unit: 'ms',
          basis: `measured last ack p99 ${run.lastAckMs.p99}`,
        },
      ];
    });
    return { id: this.id, title: this.title, status: 'ran', rows, targets, data: { brokerRoundTripMs: R, runs } };
  },
};

export function stageRow(stages: OverheadStages): string {
  const one = (s: Summary) => `${s.p50}/${s.p99}`;
  return `${one(stages.acceptanceRecordedMs)} / ${one(stages.planningStartedMs)} / ${one(stages.writtenAheadMs)} / ${one(stages.firstSentMs)} ms`;
}

function ratio(value: number | null, R: number): string {
  return value === null ? '?' : (value / R).toFixed(2);
}

async function measure(options: RunOptions, followers: number, orders: number, withSequential: boolean): Promise<FanOutRun> {
  options.progress(`  ${followers} followers: preparing the database and starting the server`);
  const session = await startSession({ followers, prefix: `FAN${followers}`, env: { PAPER_LATENCY_MS: String(options.latencyMs) } });
  let seen: Omit<FanOutRun, 'sequential' | 'bareHttpFloorMs'>;
  try {
    seen = await watchOrders(options, session, followers, orders);
  } finally {
    await session.stop();
  }
  options.progress(`  ${followers} followers: bare-HTTP floor`);
  const bareHttpFloorMs = await bareHttpFloor(followers, options.quick ? 10 : 30, options.latencyMs);
  const sequentialOrders = 2;
  let sequential = null;
  if (withSequential) {
    options.progress(`  ${followers} followers: sequential baseline in process, ${sequentialOrders} orders`);
    sequential = await sequentialBaseline(followers, sequentialOrders, options.latencyMs);
  }
  return { ...seen, sequential, bareHttpFloorMs };
}

async function watchOrders(
  options: RunOptions,
  session: Session,
  followers: number,
  orders: number,
): Promise<Omit<FanOutRun, 'sequential' | 'bareHttpFloorMs'>> {
  const audience = await startAudience({
    url: session.url,
    token: session.token,
    count: 1,
    transport: 'sse',
    accountId: session.fleet.masterId,
    after: String(await headCursor(session.db)),
    receipts: true,
  });
  const measured: string[] = [];
  try {
    for (let index = -WARM_UPS; index < orders; index += 1) {
      const id = await oneOrder(session, followers, index % 2 === 0 ? 'BUY' : 'SELL');
      await audience.reach(await headCursor(session.db));
      if (index >= 0) measured.push(id);
      if (index >= 0 && (index + 1) % 10 === 0) options.progress(`  ${followers} followers: ${index + 1}/${orders} orders`);
    }
  } catch (error) {
    audience.kill();
    throw error;
  }
  const report = await audience.stop();
  // A fan-out so late that its copies were failed as stale has no last ack: counted apart.
  const all = await childTimes(session.db, measured);
  const times = all
    .map((t) => ({ ...t, children: t.children.filter((c) => c.acknowledgedAt !== null) }))
    .filter((t) => t.children.length > 0);
  const firstAccepted = firstAcceptedReceipts(report.receipts);
  const visible = times.map((t) => Math.max(...t.children.map((c) => firstAccepted.get(c.id) ?? 0)) - firstAccepted.get(t.masterId)!);
  return {
    followers,
    orders,
    ...fanOutTimes(times),
    stages: overheadStages(times),
    subscriberCompletionMs: summary(visible),
    subscriber: {
      eventsReceived: report.subscriptions[0]!.unique,
      repeated: report.subscriptions[0]!.repeated,
      lagMs: summary(report.lags),
    },
    copiesNotAcknowledged: all.reduce((sum, t) => sum + t.children.filter((c) => c.acknowledgedAt === null).length, 0),
  };
}

/** One master order through the API, returned once it and every copy are final (acknowledged or not). */
export async function oneOrder(session: Session, followers: number, side: Side): Promise<string> {
  const id = await session.place(side);
  await allSettled(session.db, [id], followers, { requireAcks: false });
  return id;
}

/** Each order's receipt time of its first event showing it accepted by its broker. */
export function firstAcceptedReceipts(receipts: Receipt[]): Map<string, number> {
  const first = new Map<string, number>();
  for (const r of receipts) if (ACCEPTED.has(r.status) && !first.has(r.orderId)) first.set(r.orderId, r.receivedAt);
  return first;
}
