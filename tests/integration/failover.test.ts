// Faults with real processes on one PostgreSQL and one Redis: the master's lease holder
// killed in the middle of a burst, paused past its lease and woken again, and killed after
// the exchange filled orders it never recorded. Each ends with Tandem's rows checked against
// the paper exchange's own book: one child per master order and follower, each sent once.
import { afterAll, describe, expect, it } from 'vitest';
import { Order } from '../../server/src/persistence/entities/order.entity.ts';
import { OrderEvent } from '../../server/src/persistence/entities/order-event.entity.ts';
import { PaperOrder } from '../../server/src/persistence/entities/paper-order.entity.ts';
import { redisUrl, usingPostgres } from '../support/database.ts';
import {
  allChildrenFinal,
  checkAgainstBook,
  FLEET_ADMIN,
  type Fleet,
  holderAmong,
  placeMasterOrder,
  prepareFleet,
} from '../support/fleet.ts';
import { loginAt } from '../support/gql.ts';
import { waitFor } from '../support/harness.ts';
import { killServerProcesses, START_TIMEOUT_MS, startServerProcess } from '../support/spawn-server.ts';
import { subscribeSse } from '../support/sse.ts';

const shared = usingPostgres && redisUrl !== null;
const fleets: Fleet[] = [];

afterAll(async () => {
  await killServerProcesses();
  for (const fleet of fleets) await fleet.close();
});

async function childrenOf(fleet: Fleet, masterIds: string[]): Promise<Order[]> {
  return fleet.db.orm.em.fork().find(Order, { masterOrderId: { $in: masterIds } });
}

(shared ? describe : describe.skip)(
  `the master's lease holder fails${shared ? '' : ' (skipped: needs DATABASE_URL and REDIS_URL)'}`,
  () => {
    it('SIGKILL of the holder in the middle of a burst: every follower gets exactly one child per master order, the book agrees, a survivor streams every event once', async () => {
      const fleet = await prepareFleet({ followers: 20, prefix: 'BURST', env: { PAPER_LATENCY_MS: '20' } });
      fleets.push(fleet);
      const processes = [0, 1, 2].map(() => startServerProcess(fleet.env));
      const urls = await Promise.all(processes.map((p) => p.url));
      const holder = await holderAmong(fleet, processes);
      const survivors = processes.filter((p) => p !== holder);
      const [entry, watcher] = [urls[processes.indexOf(survivors[0]!)]!, urls[processes.indexOf(survivors[1]!)]!];
      const token = await loginAt(entry, FLEET_ADMIN.email, FLEET_ADMIN.password);
      const stream = subscribeSse(
        watcher,
        await loginAt(watcher, FLEET_ADMIN.email, FLEET_ADMIN.password),
        `accountId: "${fleet.masterId}"`,
      );
      await new Promise((resolve) => setTimeout(resolve, 500));

      // Ten masters 100 ms apart through an instance that does not hold the lease; the holder dies after the fourth.
      const masters: string[] = [];
      let killedAt = 0;
      for (let i = 0; i < 10; i += 1) {
        masters.push(await placeMasterOrder(entry, token, fleet, i % 2 === 0 ? 'BUY' : 'SELL'));
        if (i === 3) {
          holder.child.kill('SIGKILL');
          killedAt = Date.now();
        }
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      await holder.exited;
      await waitFor(
        async () => ((await allChildrenFinal(fleet, masters)) ? true : undefined),
        60_000,
        'every child to settle after the takeover',
      );

      const check = await checkAgainstBook(fleet, masters);
      expect(check).toEqual({
        masters: 10,
        childrenExpected: 200,
        childrenFound: 200,
        duplicates: 0,
        lost: 0,
        sentTwice: 0,
        unsettled: 0,
        disagreements: [],
      });
      // Sized as placed: alternate BUY and SELL copies, none skipped, so every follower ends flat like its master.
      const children = await childrenOf(fleet, masters);
      for (const followerId of fleet.followerIds) {
        const net = children
          .filter((c) => c.accountId === followerId)
          .reduce((sum, c) => sum + (c.side === 'BUY' ? c.filledQuantity : -c.filledQuantity), 0);
        expect(net, `follower ${followerId}`).toBe(0);
      }
      const afterKill = children.filter((c) => c.sentAt && c.sentAt.getTime() > killedAt).map((c) => c.sentAt!.getTime());
      console.info(`[failover] kill -> first child sent by the new holder: ${Math.min(...afterKill) - killedAt} ms`);

      // The survivor's subscriber: every event of the master and its children, once each, in cursor order.
      const em = fleet.db.orm.em.fork();
      const expected = (
        await em.find(
          OrderEvent,
          { $or: [{ orderId: { $in: masters } }, { masterAccountId: fleet.masterId }] },
          { orderBy: { cursor: 'asc' } },
        )
      ).map((e) => String(e.cursor));
      const seen = await waitFor(
        () => {
          const cursors = stream.events.map((e) => e.cursor).filter((c) => expected.includes(c));
          return cursors.length >= expected.length ? cursors : undefined;
        },
        20_000,
        'the subscriber on a survivor to see every event',
      );
      stream.close();
      expect(seen).toEqual(expected);
    }, 90_000);

    it('SIGSTOP of the holder between claim and send, past its lease: the new holder sends each child once, and the old one sends nothing when it wakes', async () => {
      const fleet = await prepareFleet({ followers: 5, prefix: 'STOP', env: { MASTER_LEASE_TTL_S: '1' } });
      fleets.push(fleet);
      const HOLD_MS = 4_000;
      // Started first and alone, so it takes the master's lease; every order it claims waits HOLD_MS before its broker call.
      const paused = startServerProcess(
        { ...fleet.env, TEST_HOLD_BEFORE_SEND_MS: String(HOLD_MS) },
        START_TIMEOUT_MS,
        'tests/support/held-sender-main.ts',
      );
      const pausedUrl = await paused.url;
      expect(await holderAmong(fleet, [paused])).toBe(paused);
      const other = startServerProcess(fleet.env);
      await other.url;
      const token = await loginAt(pausedUrl, FLEET_ADMIN.email, FLEET_ADMIN.password);

      const master = await placeMasterOrder(pausedUrl, token, fleet, 'BUY');
      // Claimed (SENT, no broker id yet) and held before the broker call: stop the process right there.
      await waitFor(
        async () => {
          const children = await childrenOf(fleet, [master]);
          return children.length === 5 && children.every((c) => c.status === 'SENT' && c.brokerOrderId === null) ? true : undefined;
        },
        15_000,
        'the children to be claimed',
      );
      paused.child.kill('SIGSTOP');
      await waitFor(
        async () => ((await allChildrenFinal(fleet, [master])) ? true : undefined),
        30_000,
        'the new holder to look the children up and send them',
      );
      paused.child.kill('SIGCONT');
      // Past the end of its hold: it wakes, finds its deadline gone, and must not send.
      await waitFor(
        () => ((paused.stdout().match(/lease on the master ran out before the broker call/g) ?? []).length >= 5 ? true : undefined),
        HOLD_MS + 10_000,
        'the woken process to refuse its five sends',
      );
      await new Promise((resolve) => setTimeout(resolve, 1_000));

      expect(await checkAgainstBook(fleet, [master])).toEqual({
        masters: 1,
        childrenExpected: 5,
        childrenFound: 5,
        duplicates: 0,
        lost: 0,
        sentTwice: 0,
        unsettled: 0,
        disagreements: [],
      });
      const kinds = await fleet.db.orm.em
        .fork()
        .find(OrderEvent, { orderId: { $in: (await childrenOf(fleet, [master])).map((c) => c.id) }, kind: 'NOT_AT_BROKER' });
      expect(kinds).toHaveLength(5);
    }, 60_000);

    it('SIGKILL of the holder after the exchange filled copies it never recorded: the new holder reads them from the book', async () => {
      const fleet = await prepareFleet({ followers: 3, prefix: 'UNHEARD', env: { MASTER_LEASE_TTL_S: '1' } });
      fleets.push(fleet);
      const processes = [0, 1].map(() => startServerProcess(fleet.env));
      const urls = await Promise.all(processes.map((p) => p.url));
      const holder = await holderAmong(fleet, processes);
      const survivorUrl = urls[processes.indexOf(processes.find((p) => p !== holder)!)]!;
      const token = await loginAt(survivorUrl, FLEET_ADMIN.email, FLEET_ADMIN.password);

      // A LIMIT BUY below the market (within the day's band of +-10%) rests, and so do its copies.
      const master = await placeMasterOrder(survivorUrl, token, fleet, 'BUY', { orderType: 'LIMIT', price: 960 });
      const resting = await waitFor(
        async () => {
          const children = await childrenOf(fleet, [master]);
          return children.length === 3 && children.every((c) => c.status === 'OPEN') ? children : undefined;
        },
        15_000,
        'the copies to rest at the exchange',
      );
      // The exchange fills them; the holder dies before its listener records anything (the fill is
      // written to the exchange's book alone, as a fill whose update died with the process).
      const em = fleet.db.orm.em.fork();
      const book = await em.find(PaperOrder, { orderTag: { $in: resting.map((c) => c.orderTag!) } });
      holder.child.kill('SIGKILL');
      await holder.exited;
      for (const row of book)
        Object.assign(row, { status: 'complete', filledQuantity: row.quantity, averagePrice: 96_000, updatedAt: new Date() });
      await em.flush();

      await waitFor(
        async () => {
          const children = await childrenOf(fleet, [master]);
          return children.every((c) => c.status === 'FILLED') ? true : undefined;
        },
        20_000,
        'the new holder to read the fills from the book',
      );
      const children = await childrenOf(fleet, [master]);
      expect(children.map((c) => [c.status, c.filledQuantity, c.averagePrice])).toEqual([
        ['FILLED', 1, 96_000],
        ['FILLED', 1, 96_000],
        ['FILLED', 1, 96_000],
      ]);
    }, 60_000);
  },
);
