import { describe, expect, it } from 'vitest';
import {
  buildLatencyChart,
  copyLatencies,
  followerOrderLatencies,
  niceCeiling,
  percentile,
  ticksFor,
  type FollowerStatsInput,
} from '../../client/src/features/latency/latency.ts';

const stats = (id: string, label: string, p50: number | null, p99: number | null, samples = 10): FollowerStatsInput => ({
  follower: { id, label },
  copied: samples,
  failed: 1,
  skipped: 2,
  inFlight: 0,
  samples,
  latencyP50Ms: p50,
  latencyP99Ms: p99,
});

describe('the latency chart data', () => {
  it('computes percentiles the way PostgreSQL percentile_cont does', () => {
    expect(percentile([], 0.5)).toBeNull();
    expect(percentile([40], 0.99)).toBe(40);
    expect(percentile([30, 10, 20, 40], 0.5)).toBe(25);
    expect(percentile([10, 20, 30, 40, 50], 0.99)).toBeCloseTo(49.6);
  });

  it('rounds the axis up to a number people read at a glance', () => {
    expect(niceCeiling(0)).toBe(10);
    expect(niceCeiling(37)).toBe(50);
    expect(niceCeiling(180)).toBe(200);
    expect(niceCeiling(230)).toBe(250);
    expect(niceCeiling(1001)).toBe(2000);
    expect(ticksFor(250)).toEqual([0, 50, 100, 150, 200, 250]);
  });

  it('gives one series per follower, by label, with the window p50/p99 and the last copies as dots', () => {
    const masters = [
      {
        children: [
          { account: { id: 'f2', label: 'Follower x2.5' }, latencyMs: 120 },
          { account: { id: 'f1', label: 'Follower x1' }, latencyMs: 40 },
        ],
      },
      {
        children: [
          { account: { id: 'f1', label: 'Follower x1' }, latencyMs: 60 },
          { account: { id: 'f3', label: 'Follower reverse' }, latencyMs: null },
        ],
      },
    ];
    const chart = buildLatencyChart([stats('f1', 'Follower x1', 45, 90), stats('f2', 'Follower x2.5', 110, 230)], copyLatencies(masters));
    expect(chart.series.map((s) => s.label)).toEqual(['Follower reverse', 'Follower x1', 'Follower x2.5']);
    const f1 = chart.series.find((s) => s.followerId === 'f1')!;
    expect(f1).toMatchObject({ p50Ms: 45, p99Ms: 90, recentMs: [40, 60], recentP50Ms: 50, samples: 10, failed: 1, skipped: 2 });
    // A copy that was never acknowledged (skipped, failed) has no latency and no dot.
    const f3 = chart.series.find((s) => s.followerId === 'f3')!;
    expect(f3).toMatchObject({ p50Ms: null, p99Ms: null, recentMs: [], recentP50Ms: null });
    // The axis fits the highest p99.
    expect(chart.maxMs).toBe(250);
    expect(chart.ticks.at(-1)).toBe(250);
  });

  it('fits a recent outlier above every p99', () => {
    const chart = buildLatencyChart([stats('f1', 'F1', 20, 40)], [{ followerId: 'f1', label: 'F1', latencyMs: 1700 }]);
    expect(chart.maxMs).toBe(2000);
  });

  it("takes a client's dots from the orders on their follower accounts only", () => {
    const recent = followerOrderLatencies([
      { account: { id: 'f1', label: 'Mine', role: 'FOLLOWER' }, latencyMs: 70 },
      { account: { id: 'm1', label: 'My own master', role: 'MASTER' }, latencyMs: 5 },
    ]);
    expect(buildLatencyChart([], recent).series.map((s) => [s.label, s.recentMs])).toEqual([['Mine', [70]]]);
  });
});
