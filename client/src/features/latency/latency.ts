// Shapes `replicationStats` (p50/p99 per follower over a window) and the latencies of the last
// N copies into what the latency chart draws: one series per follower on one shared scale.

export interface FollowerStatsInput {
  follower: { id: string; label: string };
  copied: number;
  failed: number;
  skipped: number;
  inFlight: number;
  samples: number;
  latencyP50Ms: number | null;
  latencyP99Ms: number | null;
}

/** One copy's latency, read from a child of one of the last N master orders. */
export interface CopyLatency {
  followerId: string;
  label: string;
  latencyMs: number | null;
}

export interface LatencySeries {
  followerId: string;
  label: string;
  /** From replicationStats over the chosen window; null when nothing was acknowledged. */
  p50Ms: number | null;
  p99Ms: number | null;
  samples: number;
  copied: number;
  failed: number;
  skipped: number;
  /** Each acknowledged copy among the last N orders, in the order given. */
  recentMs: number[];
  /** p50 and p99 of those last N copies alone. */
  recentP50Ms: number | null;
  recentP99Ms: number | null;
}

export interface LatencyChart {
  series: LatencySeries[];
  /** The axis end: a round number at or above every value drawn. */
  maxMs: number;
  ticks: number[];
}

/** Linear interpolation between closest ranks, as PostgreSQL's percentile_cont computes it. */
export function percentile(values: readonly number[], fraction: number): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const position = (sorted.length - 1) * Math.min(Math.max(fraction, 0), 1);
  const lower = Math.floor(position);
  const upper = Math.ceil(position);
  const low = sorted[lower]!;
  const high = sorted[upper]!;
  return low + (high - low) * (position - lower);
}

/** The smallest of 1, 2, 2.5, 5 x 10^k at or above `value`, so the axis reads in round numbers. */
export function niceCeiling(value: number): number {
  if (!(value > 0)) return 10;
  const magnitude = 10 ** Math.floor(Math.log10(value));
  for (const step of [1, 2, 2.5, 5, 10]) {
    if (step * magnitude >= value) return step * magnitude;
  }
  return 10 * magnitude;
}

/** Evenly spaced ticks from 0 to `max` inclusive. */
export function ticksFor(max: number, count = 5): number[] {
  return Array.from({ length: count + 1 }, (_, i) => Math.round(((max * i) / count) * 1000) / 1000);
}

/**
 * One series per follower that has stats or recent copies, sorted by label, on a shared scale
 * that fits every p99 and every recent dot.
 */
export function buildLatencyChart(stats: readonly FollowerStatsInput[], recent: readonly CopyLatency[]): LatencyChart {
  const byFollower = new Map<string, LatencySeries>();
  const seriesFor = (followerId: string, label: string) => {
    let series = byFollower.get(followerId);
    if (!series) {
      series = {
        followerId,
        label,
        p50Ms: null,
        p99Ms: null,
        samples: 0,
        copied: 0,
        failed: 0,
        skipped: 0,
        recentMs: [],
        recentP50Ms: null,
        recentP99Ms: null,
      };
      byFollower.set(followerId, series);
    }
    return series;
  };
  for (const s of stats) {
    Object.assign(seriesFor(s.follower.id, s.follower.label), {
      p50Ms: s.latencyP50Ms,
      p99Ms: s.latencyP99Ms,
      samples: s.samples,
      copied: s.copied,
      failed: s.failed,
      skipped: s.skipped,
    });
  }
  for (const copy of recent) {
    const series = seriesFor(copy.followerId, copy.label);
    if (copy.latencyMs !== null && Number.isFinite(copy.latencyMs) && copy.latencyMs >= 0) series.recentMs.push(copy.latencyMs);
  }
  const series = [...byFollower.values()].sort((a, b) => a.label.localeCompare(b.label));
  let highest = 0;
  for (const s of series) {
    s.recentP50Ms = percentile(s.recentMs, 0.5);
    s.recentP99Ms = percentile(s.recentMs, 0.99);
    highest = Math.max(highest, s.p50Ms ?? 0, s.p99Ms ?? 0, ...s.recentMs);
  }
  const maxMs = niceCeiling(highest);
  return { series, maxMs, ticks: ticksFor(maxMs) };
}

/** An order's latency and the account it is on (null where the viewer may not see that account). */
interface OrderLatency<Account extends { id: string; label: string }> {
  account: Account | null;
  latencyMs: number | null;
}

/** The copies of the last N master orders, as the latency chart reads them; a copy on an account the viewer cannot see has no line to go on. */
export function copyLatencies(masters: readonly { children: readonly OrderLatency<{ id: string; label: string }>[] }[]): CopyLatency[] {
  return masters.flatMap((m) =>
    m.children.flatMap((c) => (c.account ? [{ followerId: c.account.id, label: c.account.label, latencyMs: c.latencyMs }] : [])),
  );
}

/** The latest orders on follower accounts, for a viewer who reads copies but not their masters (a CLIENT). */
export function followerOrderLatencies(orders: readonly OrderLatency<{ id: string; label: string; role: string }>[]): CopyLatency[] {
  return orders.flatMap((o) =>
    o.account?.role === 'FOLLOWER' ? [{ followerId: o.account.id, label: o.account.label, latencyMs: o.latencyMs }] : [],
  );
}
