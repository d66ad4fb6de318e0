import { Order } from '../../server/src/persistence/entities/order.entity.ts';
import { benchTandem, childAcknowledgements, seedFollowers } from '../fixtures.ts';
import { type Summary, summary } from '../stats.ts';

export async function sequentialBaseline(
  followers: number,
  orders: number,
  latencyMs: number,
): Promise<{ toLastSentMs: Summary; toLastAckMs: Summary }> {
  const { tandem, close } = await benchTandem(latencyMs, { fanOut: 'sequential' });
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
    await close();
  }
}
