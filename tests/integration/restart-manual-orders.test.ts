// Orders placed through the API wait PENDING only for their account's rate limit. After a
// restart, a recent one is sent (once: the claim decides which instance sends it) and one too
// old to send is failed with the reason, never sent stale.
import { afterAll, describe, expect, it } from 'vitest';
import { Order } from '../../server/src/persistence/entities/order.entity.ts';
import { PaperOrder } from '../../server/src/persistence/entities/paper-order.entity.ts';
import { reopenableDatabase } from '../support/database.ts';
import { startTestServer, waitFor, type TestServer } from '../support/harness.ts';

const cleanups: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
});

describe('orders placed through the API and never sent, after a restart', () => {
  it('sends a recent one exactly once and fails one that would go out stale, saying why', async () => {
    const database = await reopenableDatabase();
    cleanups.push(() => database.drop());
    const first = await startTestServer({ database });
    const followerId = (await first.account('DEMO-F1')).id;
    // As a crash would leave them: written, waiting for their turn, never claimed.
    const pending = (minutesAgo: number, tag: string) => {
      const at = new Date(Date.now() - minutesAgo * 60_000);
      return first.tandem.services.orm.em.fork().create(Order, {
        accountId: followerId,
        exchange: 'NSE',
        symbol: 'SBIN-EQ',
        token: '3045',
        side: 'BUY',
        quantity: 2,
        orderType: 'MARKET',
        productType: 'INTRADAY',
        status: 'PENDING',
        origin: 'api',
        orderTag: tag,
        createdAt: at,
        updatedAt: at,
      });
    };
    const em = first.tandem.services.orm.em.fork();
    const recent = pending(0, 'TRESTART1');
    const old = pending(10, 'TRESTART2');
    em.persist([recent, old]);
    await em.flush();
    await first.close();

    const second: TestServer = await startTestServer({ database });
    cleanups.push(() => second.close());
    const sent = await waitFor(
      async () => {
        const row = await second.tandem.services.orm.em.fork().findOneOrFail(Order, { id: recent.id });
        return row.status === 'FILLED' ? row : undefined;
      },
      15_000,
      'the recent order to be sent and filled',
    );
    expect(sent.filledQuantity).toBe(2);
    expect(await second.tandem.services.orm.em.fork().count(PaperOrder, { orderTag: 'TRESTART1' })).toBe(1);

    const failed = await second.tandem.services.orm.em.fork().findOneOrFail(Order, { id: old.id });
    expect(failed.status).toBe('FAILED');
    expect(failed.reason).toBe(
      'Tandem restarted before this order was sent, more than 30 s after it was placed; not sent, as it would go out stale',
    );
    expect(await second.tandem.services.orm.em.fork().count(PaperOrder, { orderTag: 'TRESTART2' })).toBe(0);
  });
});
