// The one-after-another baseline of the fan-out: Tandem booted in process with fanOut
// 'sequential' (an option of bootTandem only, no setting of main.ts), master orders placed at
// the paper broker directly, timed from detection to the last child sent and acknowledged.
import os from 'node:os';
import pino from 'pino';
import { bootTandem } from '../../server/src/bootstrap.ts';
import { loadConfig } from '../../server/src/config.ts';
import { Order } from '../../server/src/persistence/entities/order.entity.ts';
import { scratchDatabase } from '../../tests/support/database.ts';
import { childAcknowledgements, seedFollowers } from '../fixtures.ts';
import { type Summary, summary } from '../stats.ts';

export async function sequentialBaseline(
  followers: number,
  orders: number,
  latencyMs: number,
): Promise<{ toLastSentMs: Summary; toLastAckMs: Summary }> {
  const database = await scratchDatabase();
  const config = loadConfig({
    SECRET_KEY: 'bench-secret-key-with-at-least-32-characters',
    LOG_LEVEL: 'silent',
    DEMO_DATA: 'false',
    PAPER_LATENCY_MS: String(latencyMs),
    PAPER_TICK_MS: '5000',
    DATA_DIR: os.tmpdir(),
  });
  const tandem = await bootTandem(config, { database: database.target, log: pino({ level: 'silent' }), fanOut: 'sequential' });
  try {
    const { master } = await seedFollowers(tandem.services.orm.em.fork(), followers);
    const broker = tandem.paper.broker(master.clientCode);
    const toLastSent: number[] = [];
    const toLastAck: number[] = [];
    for (let index = 0; index < orders; index += 1) {
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
        orderTag: `BENCHSEQ${index}`,
      });
      acknowledged.of(brokerOrderId);
      await acknowledged.done;
      await tandem.engine.idle();
      const em = tandem.services.orm.em.fork();
      const masterRow = await em.findOneOrFail(Order, { accountId: master.id, brokerOrderId });
      const children = await em.find(Order, { masterOrderId: masterRow.id });
      const detected = masterRow.detectedAt!.getTime();
      toLastSent.push(Math.max(...children.map((c) => c.sentAt!.getTime())) - detected);
      toLastAck.push(Math.max(...children.map((c) => c.acknowledgedAt!.getTime())) - detected);
    }
    return { toLastSentMs: summary(toLastSent), toLastAckMs: summary(toLastAck) };
  } finally {
    await tandem.close();
    await database.drop();
  }
}
