// The fan-out benchmark: one master order to N paper followers with a fixed broker round trip,
// timed from Tandem detecting the master to the last child sent and the last acknowledged.
// Usage: npm run bench [-- --followers 100,1000 --orders 50 --baseline-orders 3 --latency 50]
// Runs on PostgreSQL when DATABASE_URL is set (a scratch database), else on in-memory PGlite.
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { parseArgs } from 'node:util';
import pino from 'pino';
import { bootTandem } from '../server/src/bootstrap.ts';
import { loadConfig } from '../server/src/config.ts';
import { Order } from '../server/src/persistence/entities/order.entity.ts';
import { scratchDatabase } from '../tests/support/database.ts';
import { childAcknowledgements, seedFollowers } from './fixtures.ts';
import { summary } from './stats.ts';

const { values } = parseArgs({
  options: {
    followers: { type: 'string', default: '100,1000' },
    orders: { type: 'string', default: '50' },
    'baseline-orders': { type: 'string', default: '3' },
    latency: { type: 'string', default: '50' },
    out: { type: 'string', default: 'bench/results/fanout.json' },
  },
});

async function measure(followers: number, orders: number, mode: 'parallel' | 'sequential', latencyMs: number) {
  const database = await scratchDatabase();
  const config = loadConfig({
    SECRET_KEY: 'bench-secret-key-with-at-least-32-characters',
    LOG_LEVEL: 'silent',
    DEMO_DATA: 'false',
    PAPER_LATENCY_MS: String(latencyMs),
    PAPER_TICK_MS: '5000',
    DATA_DIR: os.tmpdir(),
  });
  const tandem = await bootTandem(config, {
    database: database.target,
    log: pino({ level: process.env.BENCH_LOG ?? 'silent' }),
    fanOut: mode,
  });
  try {
    const { master } = await seedFollowers(tandem.services.orm.em.fork(), followers);
    const broker = tandem.paper.broker(master.clientCode);
    const toLastSent: number[] = [];
    const toLastAck: number[] = [];
    // Two unmeasured warm-up orders (connections, JIT, caches); the slow baseline goes without.
    const warmUps = mode === 'parallel' ? 2 : 0;
    for (let index = -warmUps; index < orders; index += 1) {
      const acknowledged = childAcknowledgements(tandem.services.journal, followers);
      const { brokerOrderId } = await broker.placeOrder({
        exchange: 'NSE',
        symbol: 'SBIN-EQ',
        token: '3045',
        side: index % 2 === 0 ? 'BUY' : 'SELL',
        quantity: 10,
        orderType: 'MARKET',
        productType: 'INTRADAY',
        variety: 'NORMAL',
        price: null,
        triggerPrice: null,
        orderTag: `BENCH${index + warmUps}`,
      });
      acknowledged.of(brokerOrderId);
      await acknowledged.done;
      await tandem.engine.idle();
      if (index < 0) continue;
      const em = tandem.services.orm.em.fork();
      const masterRow = await em.findOneOrFail(Order, { accountId: master.id, brokerOrderId });
      const children = await em.find(Order, { masterOrderId: masterRow.id });
      const detected = masterRow.detectedAt!.getTime();
      toLastSent.push(Math.max(...children.map((c) => c.sentAt!.getTime())) - detected);
      toLastAck.push(Math.max(...children.map((c) => c.acknowledgedAt!.getTime())) - detected);
    }
    return {
      followers,
      mode,
      orders,
      toLastSentMs: summary(toLastSent),
      toLastAckMs: summary(toLastAck),
      rssMb: Math.round(process.memoryUsage().rss / 1e6),
    };
  } finally {
    await tandem.close();
    await database.drop();
  }
}

const latencyMs = Number(values.latency);
const results = [];
for (const followers of values.followers.split(',').map(Number)) {
  for (const mode of ['parallel', 'sequential'] as const) {
    const orders = mode === 'parallel' ? Number(values.orders) : Number(values['baseline-orders']);
    process.stderr.write(`fan-out to ${followers} followers, ${mode}, ${orders} orders ...\n`);
    const started = Date.now();
    const result = await measure(followers, orders, mode, latencyMs);
    results.push(result);
    process.stderr.write(
      `  last sent p50 ${result.toLastSentMs.p50} ms, last ack p50 ${result.toLastAckMs.p50} ms / p99 ${result.toLastAckMs.p99} ms (${((Date.now() - started) / 1000).toFixed(0)} s)\n`,
    );
  }
}
const report = {
  benchmark: 'fan-out: detection of one master order to the last child sent / acknowledged',
  brokerRoundTripMs: latencyMs,
  database: process.env.DATABASE_URL ? 'postgresql' : 'pglite (in memory)',
  machine: { cpus: os.cpus().length, memoryGb: Math.round(os.totalmem() / 1e9), node: process.version },
  at: new Date().toISOString(),
  results,
};
mkdirSync('bench/results', { recursive: true });
writeFileSync(values.out, `${JSON.stringify(report, null, 2)}\n`);
console.log(JSON.stringify(report, null, 2));
