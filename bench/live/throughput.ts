// Scenario 5: throughput. 50 master orders placed at once through the API, each to 100 paper
// followers: child acknowledgements per second over the span of their acknowledgedAt.
import type { RunOptions, Scenario, ScenarioResult } from './scenario.ts';
import { skipped } from './scenario.ts';
import { allSettled, childTimes, startSession } from './session.ts';
import { oneOrder } from './fan-out.ts';

const FOLLOWERS = 100;
const MASTERS = 50;

export const throughput: Scenario = {
  id: 5,
  title: `throughput: ${MASTERS} master orders at once to ${FOLLOWERS} followers`,
  async run(options: RunOptions): Promise<ScenarioResult> {
    if (!process.env.DATABASE_URL) return skipped(this, 'needs DATABASE_URL');
    options.progress(`  preparing the database (${FOLLOWERS} followers) and starting the server`);
    const session = await startSession({ followers: FOLLOWERS, prefix: 'THR', env: { PAPER_LATENCY_MS: String(options.latencyMs) } });
    try {
      await oneOrder(session, FOLLOWERS, 'BUY');
      options.progress(`  ${MASTERS} master orders at once`);
      const started = Date.now();
      const ids = await Promise.all(Array.from({ length: MASTERS }, () => session.place('BUY')));
      await allSettled(session.db, ids, FOLLOWERS, { timeoutMs: 180_000 });
      const times = await childTimes(session.db, ids);
      const acks = times.flatMap((t) => t.children.map((c) => c.acknowledgedAt!));
      const firstDetected = Math.min(...times.map((t) => t.detectedAt));
      const ackSpanMs = Math.max(...acks) - Math.min(...acks);
      const detectionToLastAckMs = Math.max(...acks) - firstDetected;
      const perSecond = Math.round(acks.length / (ackSpanMs / 1000));
      const endToEndPerSecond = Math.round(acks.length / (detectionToLastAckMs / 1000));
      return {
        id: this.id,
        title: this.title,
        status: 'ran',
        rows: [
          {
            measure: 'child acknowledgements / s over their acknowledgedAt span',
            value: `${perSecond} (${acks.length} in ${ackSpanMs} ms)`,
          },
          { measure: 'the same from the first master detected', value: `${endToEndPerSecond} (${detectionToLastAckMs} ms)` },
          { measure: 'first placeOrder sent -> all settled (outside view)', value: `${Date.now() - started} ms` },
        ],
        targets: [{ what: '>= 5,000 child acknowledgements/s', value: perSecond, limit: 5000, relation: '>=', unit: '/s' }],
        data: {
          masters: MASTERS,
          followers: FOLLOWERS,
          acknowledgements: acks.length,
          ackSpanMs,
          detectionToLastAckMs,
          perSecond,
          endToEndPerSecond,
        },
      };
    } finally {
      await session.stop();
    }
  },
};
