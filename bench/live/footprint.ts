// Scenario 6: the server's resident memory (/proc/<pid>/status) with 1000 followers and 1000
// SSE subscribers, read during scenario 4 (or a run of its 1000-subscriber phase alone), and
// its start-up, spawn -> /ready 200, on PostgreSQL with the dashboard built.
import { BIG_GROUP, lastDelivery, runDelivery } from './delivery.ts';
import type { RunOptions, Scenario, ScenarioResult } from './scenario.ts';
import { skipped } from './scenario.ts';

export const footprint: Scenario = {
  id: 6,
  title: 'server memory and start-up',
  async run(options: RunOptions): Promise<ScenarioResult> {
    if (!process.env.DATABASE_URL) return skipped(this, 'needs DATABASE_URL');
    const run =
      lastDelivery ?? (await runDelivery(options, [{ label: '1000 SSE subscribers', count: 1000, transport: 'sse', processes: 4 }]));
    const f = run.footprint;
    if (!f) return skipped(this, 'scenario 4 read no memory (its 1000-subscriber phase failed)');
    const peak = Math.max(f.with1000Subscribers.rssMb, f.after1000FollowerOrder.rssMb);
    return {
      id: this.id,
      title: this.title,
      status: 'ran',
      rows: [
        { measure: 'RSS idle after start-up', value: `${f.idle.rssMb} MB` },
        { measure: 'RSS with 1000 SSE subscribers, after scenario 4', value: `${f.with1000Subscribers.rssMb} MB` },
        {
          measure: `RSS after one order to ${BIG_GROUP} followers, subscribers connected (peak VmHWM)`,
          value: `${f.after1000FollowerOrder.rssMb} MB (${f.after1000FollowerOrder.peakRssMb} MB)`,
        },
        { measure: `start-up, spawn -> /ready 200 (PostgreSQL, ${BIG_GROUP + 10} followers)`, value: `${f.startupMs} ms` },
      ],
      targets: [
        { what: 'RSS with 1000 followers and 1000 subscribers < 300 MB', value: peak, limit: 300, relation: '<', unit: 'MB' },
        { what: 'start-up < 10 s', value: f.startupMs, limit: 10_000, relation: '<', unit: 'ms' },
      ],
      data: f,
    };
  },
};
