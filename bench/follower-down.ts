// One follower's broker down while the others copy: how long the healthy followers' copies
// take with K followers whose every call hangs until a timeout, beside the same run with none
// down. Causal check as well: no healthy copy may be sent after a hung call it shares a master
// with has ended (it would mean it waited on it).
// Usage: npm run bench:follower-down [-- --followers 100 --down 0,1,10 --orders 30 --latency 50 --hang 5000]
// Runs on PostgreSQL when DATABASE_URL is set (a scratch database), else on in-memory PGlite.
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { BrokerCallError, type Broker } from '../server/src/brokers/port.ts';
import { Account } from '../server/src/persistence/entities/account.entity.ts';
import { Order } from '../server/src/persistence/entities/order.entity.ts';
import { benchTandem, childAcknowledgements, seedFollowers } from './fixtures.ts';
import { summary } from './stats.ts';

const { values } = parseArgs({
  options: {
    followers: { type: 'string', default: '100' },
    down: { type: 'string', default: '0,1,10' },
    orders: { type: 'string', default: '30' },
    latency: { type: 'string', default: '50' },
    hang: { type: 'string', default: '5000' },
    out: { type: 'string', default: 'bench/results/follower-down.json' },
  },
});
const followers = Number(values.followers);
const orders = Number(values.orders);
const latencyMs = Number(values.latency);
const hangMs = Number(values.hang);

/** A broker that is down: every call waits `hangMs` and ends in a timeout, as a real client's would. */
function down(inner: Broker, hung: { startedAt: number; endedAt: number }[]): Broker {
  const hang = async <T>(): Promise<T> => {
    const call = { startedAt: Date.now(), endedAt: Number.POSITIVE_INFINITY };
    hung.push(call);
    await sleep(hangMs);
    call.endedAt = Date.now();
    throw new BrokerCallError('unknown', `no answer from the broker within ${hangMs} ms (timeout)`);
  };
  return {
    clientCode: inner.clientCode,
    placeOrder: () => hang(),
    modifyOrder: () => hang(),
    cancelOrder: () => hang(),
    orderBook: () => hang(),
    findOrderByTag: () => hang(),
    positions: () => hang(),
  };
}

async function measure(downCount: number) {
  const { tandem, close } = await benchTandem(latencyMs);
  try {
    const em = tandem.services.orm.em.fork();
    const { master } = await seedFollowers(em, followers);
    const all = await em.find(Account, { role: 'FOLLOWER' }, { orderBy: { clientCode: 'asc' } });
    const hung: { startedAt: number; endedAt: number }[] = [];
    const broken = new Set(all.slice(0, downCount).map((a) => a.id));
    for (const account of all.filter((a) => broken.has(a.id))) tandem.services.brokers.wrap(account, (inner) => down(inner, hung));
    const healthy = followers - downCount;
    const broker = tandem.paper.broker(master.clientCode);
    const toLastSent: number[] = [];
    const toLastAck: number[] = [];
    let sentAfterAHungCallEnded = 0;
    for (let index = -2; index < orders; index += 1) {
      // Done when every healthy follower's copy of this master is acknowledged.
      const acknowledged = childAcknowledgements(tandem.services.journal, healthy, (accountId) => !broken.has(accountId));
      const hungBefore = hung.length;
      const { brokerOrderId } = await broker.placeOrder({
        exchange: 'NSE',
        symbol: 'SBIN-EQ',
        token: '3045',
        side: 'BUY',
        quantity: 1,
        orderType: 'MARKET',
        productType: 'INTRADAY',
        variety: 'NORMAL',
        price: null,
        triggerPrice: null,
        orderTag: `DOWN${downCount}X${index + 2}`,
      });
      acknowledged.of(brokerOrderId);
      await acknowledged.done;
      if (index < 0) continue;
      const read = tandem.services.orm.em.fork();
      const masterRow = await read.findOneOrFail(Order, { accountId: master.id, brokerOrderId });
      const children = (await read.find(Order, { masterOrderId: masterRow.id })).filter((c) => !broken.has(c.accountId));
      const detected = masterRow.detectedAt!.getTime();
      toLastSent.push(Math.max(...children.map((c) => c.sentAt!.getTime())) - detected);
      toLastAck.push(Math.max(...children.map((c) => c.acknowledgedAt!.getTime())) - detected);
      // This master's hung calls: none may have ended before a healthy copy of it was sent.
      const firstEnd = Math.min(...hung.slice(hungBefore).map((h) => h.endedAt));
      sentAfterAHungCallEnded += children.filter((c) => c.sentAt!.getTime() > firstEnd).length;
      if ((index + 1) % 10 === 0) process.stderr.write(`  ${downCount} down: ${index + 1}/${orders} orders\n`);
    }
    return {
      followersDown: downCount,
      healthyFollowers: healthy,
      orders,
      healthyToLastSentMs: summary(toLastSent),
      healthyToLastAckMs: summary(toLastAck),
      hungCalls: hung.length,
      healthyCopiesSentAfterAHungCallEnded: sentAfterAHungCallEnded,
    };
  } finally {
    await close();
  }
}

const results = [];
for (const downCount of values.down.split(',').map(Number)) {
  process.stderr.write(`fan-out to ${followers} followers, ${downCount} down (every call hangs ${hangMs} ms), ${orders} orders ...\n`);
  const result = await measure(downCount);
  results.push(result);
  process.stderr.write(
    `  healthy last sent p50 ${result.healthyToLastSentMs.p50} ms / p99 ${result.healthyToLastSentMs.p99} ms, last ack p50 ${result.healthyToLastAckMs.p50} ms / p99 ${result.healthyToLastAckMs.p99} ms\n`,
  );
}
const report = {
  benchmark: "followers down: detection of a master order to its healthy followers' last copy sent / acknowledged",
  brokerRoundTripMs: latencyMs,
  hangMs,
  database: process.env.DATABASE_URL ? 'postgresql' : 'pglite (in memory)',
  machine: { cpus: os.cpus().length, memoryGb: Math.round(os.totalmem() / 1e9), node: process.version, loadAverage: os.loadavg() },
  at: new Date().toISOString(),
  results,
};
mkdirSync('bench/results', { recursive: true });
writeFileSync(values.out, `${JSON.stringify(report, null, 2)}\n`);
console.log(JSON.stringify(report, null, 2));
