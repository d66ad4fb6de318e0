import { type Summary, summary } from '../stats.ts';
// A started Tandem as people run it, on the benchmark's PostgreSQL (+ Redis when REDIS_URL is
// set), seeded with copy groups of paper followers, and what the scenarios ask of it from
// outside: sign in, place master orders through the API, read its rows and its memory.
import { readFileSync } from 'node:fs';
import type { Side } from '../../server/src/core/types.ts';
import pg from 'pg';
import { type Fleet, FLEET_ADMIN, placeMasterOrder, prepareFleet, seedCopyGroup } from '../../tests/support/fleet.ts';
import { loginAt } from '../../tests/support/gql.ts';
import { freePort } from '../../tests/support/smartapi-sim-process.ts';
import { type ServerProcess, startServerProcess, stopServerProcess } from '../../tests/support/spawn-server.ts';
import { waitFor } from '../../tests/support/wait-for.ts';

export interface Session {
  fleet: Fleet;
  /** The benchmark's own connections to the session's database (raw `pg`). */
  db: pg.Pool;
  server: ServerProcess;
  url: string;
  token: string;
  /** The masters of `extraGroups`, in their order. */
  extraMasterIds: string[];
  /** Spawn -> the first /ready answering 200. */
  startupMs: number;
  place(side: Side): Promise<string>;
  stop(): Promise<void>;
}

/**
 * A fresh database with a master copied by `followers` paper followers (and `extraGroups` more
 * masters with theirs, idle), then one Tandem process on it with `env` (PAPER_LATENCY_MS...).
 */
export async function startSession(options: {
  followers: number;
  prefix: string;
  env: Record<string, string>;
  extraGroups?: number[];
}): Promise<Session> {
  const fleet = await prepareFleet({ followers: options.followers, prefix: options.prefix, env: options.env });
  try {
    const extraMasterIds: string[] = [];
    for (const [index, followers] of (options.extraGroups ?? []).entries())
      extraMasterIds.push((await seedCopyGroup(fleet.env, FLEET_ADMIN.email, `${options.prefix}X${index}`, followers)).masterId);
    const { server, url, startupMs } = await startTimed(fleet.env);
    const token = await loginAt(url, FLEET_ADMIN.email, FLEET_ADMIN.password);
    const db = new pg.Pool({ connectionString: fleet.env.DATABASE_URL, max: 2, application_name: 'tandem-bench' });
    return {
      fleet,
      db,
      extraMasterIds,
      server,
      url,
      token,
      startupMs,
      place: (side) => placeMasterOrder(url, token, fleet, side),
      async stop() {
        await stopServerProcess(server);
        await db.end();
        await fleet.close();
      },
    };
  } catch (error) {
    await fleet.close();
    throw error;
  }
}

/** Starts main.ts with `env` on a port chosen here, timed from spawn to /ready answering 200. */
export async function startTimed(env: Record<string, string>): Promise<{ server: ServerProcess; url: string; startupMs: number }> {
  const port = await freePort();
  const started = performance.now();
  // BENCH_SERVER_NODE_ARGS profiles the server, e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof"
  // (node refuses --cpu-prof in NODE_OPTIONS, so these go on its command line).
  const nodeArgs = process.env.BENCH_SERVER_NODE_ARGS?.split(/\s+/).filter(Boolean) ?? [];
  const server = startServerProcess({ ...env, PORT: String(port) }, undefined, undefined, nodeArgs);
  const url = `http://127.0.0.1:${port}`;
  const exited = server.exited.then((code) => {
    throw new Error(`main.ts exited with ${code}:\n${server.stderr()}`);
  });
  exited.catch(() => undefined);
  await Promise.race([
    exited,
    waitFor(async () => (await fetch(`${url}/ready`).catch(() => null))?.status === 200, 60_000, '/ready to answer 200'),
  ]);
  return { server, url, startupMs: Math.round(performance.now() - started) };
}

/** The process's resident memory now and at its peak (VmRSS, VmHWM), in MB. */
export function memoryOf(pid: number): { rssMb: number; peakRssMb: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? Number.NaN);
  return { rssMb: Math.round(kb('VmRSS') / 1024), peakRssMb: Math.round(kb('VmHWM') / 1024) };
}

/** The newest event cursor of the session's database. */
export async function headCursor(db: pg.Pool): Promise<number> {
  const { rows } = await db.query<{ head: string | null }>('select max("cursor") as head from order_events');
  return Number(rows[0]?.head ?? 0);
}

export interface ChildTimes {
  masterId: string;
  /** When the request reached Tandem (a master placed through Tandem) or Tandem found it at the broker. */
  detectedAt: number;
  /**
   * When Tandem knew the broker accepted the master: its acknowledgement, or for an order found
   * at the broker its discovery. Copying starts here (a master is never copied before it is
   * accepted), so the fan-out's own time is counted from here.
   */
  acceptedAt: number;
  /** When the master's acceptance was committed (its first accepted event's `at`), planning began, and the write-ahead committed. */
  stages: { acceptanceRecordedAt: number | null; planningAt: number | null; writtenAheadAt: number | null };
  children: { id: string; sentAt: number | null; acknowledgedAt: number | null }[];
}

/** The overhead split by stage, from the master's acceptance, p50/p99 each (issue 13's "where the time goes"). */
export interface OverheadStages {
  /** acceptance -> its row and event committed (the master's ack recorded). */
  acceptanceRecordedMs: Summary;
  /** acceptance -> planning began (copyPlannedAt: taken as planning starts). */
  planningStartedMs: Summary;
  /** acceptance -> the write-ahead committed (the master's COPY_PLANNED event). */
  writtenAheadMs: Summary;
  /** acceptance -> the first child's broker call. */
  firstSentMs: Summary;
}

export function overheadStages(times: ChildTimes[]): OverheadStages {
  const from = (pick: (t: ChildTimes) => number | null) =>
    summary(
      times.flatMap((t) => {
        const at = pick(t);
        return at === null ? [] : [at - t.acceptedAt];
      }),
    );
  return {
    acceptanceRecordedMs: from((t) => t.stages.acceptanceRecordedAt),
    planningStartedMs: from((t) => t.stages.planningAt),
    writtenAheadMs: from((t) => t.stages.writtenAheadAt),
    firstSentMs: from((t) => {
      const sent = t.children.flatMap((c) => (c.sentAt === null ? [] : [c.sentAt]));
      return sent.length === 0 ? null : Math.min(...sent);
    }),
  };
}

/**
 * The fan-out's timings from the master's acceptance (issue 13's "detection"): to the last
 * child sent (overhead) and to the last child acknowledged; and, for reference, the last ack
 * from the master's request, which adds the master's own broker round trip.
 */
export function fanOutTimes(times: ChildTimes[]): { overheadMs: Summary; lastAckMs: Summary; lastAckFromRequestMs: Summary } {
  const last = (t: ChildTimes, field: 'sentAt' | 'acknowledgedAt') => Math.max(...t.children.map((c) => c[field]!));
  return {
    overheadMs: summary(times.map((t) => last(t, 'sentAt') - t.acceptedAt)),
    lastAckMs: summary(times.map((t) => last(t, 'acknowledgedAt') - t.acceptedAt)),
    lastAckFromRequestMs: summary(times.map((t) => last(t, 'acknowledgedAt') - t.detectedAt)),
  };
}

/** Each master's detection and its children's sent/acknowledged times, as Tandem recorded them. */
export async function childTimes(db: pg.Pool, masterIds: string[]): Promise<ChildTimes[]> {
  const { rows } = await db.query<{
    id: string;
    master_order_id: string | null;
    detected_at: Date;
    sent_at: Date | null;
    acknowledged_at: Date | null;
    copy_planned_at: Date | null;
  }>(
    'select id, master_order_id, detected_at, sent_at, acknowledged_at, copy_planned_at from orders where id = any($1) or master_order_id = any($1)',
    [masterIds],
  );
  const { rows: events } = await db.query<{ order_id: string; accepted_at: Date | null; planned_at: Date | null }>(
    `select order_id,
            min("at") filter (where status in ('OPEN', 'TRIGGER_PENDING', 'AMO_QUEUED', 'PARTIALLY_FILLED', 'FILLED')) as accepted_at,
            min("at") filter (where kind = 'COPY_PLANNED') as planned_at
       from order_events where order_id = any($1) group by order_id`,
    [masterIds],
  );
  const eventsOf = new Map(events.map((e) => [e.order_id, e]));
  return masterIds.map((masterId) => {
    const master = rows.find((r) => r.id === masterId)!;
    return {
      masterId,
      detectedAt: master.detected_at.getTime(),
      acceptedAt: (master.acknowledged_at ?? master.detected_at).getTime(),
      stages: {
        acceptanceRecordedAt: eventsOf.get(masterId)?.accepted_at?.getTime() ?? null,
        planningAt: master.copy_planned_at?.getTime() ?? null,
        writtenAheadAt: eventsOf.get(masterId)?.planned_at?.getTime() ?? null,
      },
      children: rows
        .filter((r) => r.master_order_id === masterId)
        .map((r) => ({ id: r.id, sentAt: r.sent_at?.getTime() ?? null, acknowledgedAt: r.acknowledged_at?.getTime() ?? null })),
    };
  });
}

/**
 * Resolves once every master has `followers` children and they and their masters are final;
 * with `requireAcks` (the default) every child must also be acknowledged.
 */
export async function allSettled(
  db: pg.Pool,
  masterIds: string[],
  followers: number,
  { timeoutMs = 120_000, requireAcks = true }: { timeoutMs?: number; requireAcks?: boolean } = {},
): Promise<void> {
  const counts = async () =>
    (
      await db.query<{ children: string; acked: string; open: string }>(
        `select count(*) filter (where master_order_id is not null) as children,
                count(*) filter (where master_order_id is not null and acknowledged_at is not null) as acked,
                count(*) filter (where status not in ('FILLED', 'REJECTED', 'CANCELLED', 'FAILED', 'SKIPPED')) as open
           from orders where id = any($1) or master_order_id = any($1)`,
        [masterIds],
      )
    ).rows[0]!;
  try {
    await waitFor(
      async () => {
        const row = await counts();
        const copies = Number(requireAcks ? row.acked : row.children);
        return copies >= masterIds.length * followers && Number(row.open) === 0;
      },
      timeoutMs,
      `${masterIds.length} master orders to be copied to ${followers} followers and settle`,
    );
  } catch (error) {
    const { rows } = await db.query<{ status: string; reason: string | null; n: string }>(
      'select status, min(reason) as reason, count(*) as n from orders where id = any($1) or master_order_id = any($1) group by status',
      [masterIds],
    );
    throw new Error(`${String(error)}; orders by status: ${rows.map((r) => `${r.status} ${r.n} (${r.reason ?? ''})`).join(', ')}`);
  }
}
