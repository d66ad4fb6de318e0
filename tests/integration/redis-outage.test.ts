// Redis stops while two real instances trade on one PostgreSQL: no request waits on it, copies
// are still made and persisted, every instance's subscribers catch up by cursor with no new
// message to reveal the gap, /ready says "degraded" and stays 200, and the outage is logged
// once per instance, structured. Then Redis comes back and everything carries on.
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { OrderEvent } from '../../server/src/persistence/entities/order-event.entity.ts';
import { Order } from '../../server/src/persistence/entities/order.entity.ts';
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
import { type PrivateRedis, startPrivateRedis } from '../support/private-redis.ts';
import { killServerProcesses, startServerProcess } from '../support/spawn-server.ts';
import { subscribeSse } from '../support/sse.ts';

const shared = usingPostgres && redisUrl !== null;

/**
 * The fleet's admin signed in. In two of this session's five clean-clone CI runs (session 7), the first sign-in here was
 * refused as "too many failed sign-ins" although nothing had failed; the cause is not known. It
 * is not what this test is about, so a refusal is waited out once, and the sign-in counters the
 * private Redis held are printed, for whoever looks into it.
 */
async function signIn(url: string, privateRedis: PrivateRedis): Promise<string> {
  try {
    return await loginAt(url, FLEET_ADMIN.email, FLEET_ADMIN.password);
  } catch (error) {
    if (!String(error).includes('RATE_LIMITED')) throw error;
    const client = new Redis(privateRedis.url);
    const keys = await client.keys('*login:*');
    const counters = await Promise.all(keys.map(async (key) => [key, await client.hgetall(key)]));
    client.disconnect();
    console.warn(`[redis-outage] sign-in refused: ${String(error)}; counters ${JSON.stringify(counters)}`);
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    return loginAt(url, FLEET_ADMIN.email, FLEET_ADMIN.password);
  }
}
let fleet: Fleet | null = null;
let redis: PrivateRedis | null = null;

afterAll(async () => {
  await killServerProcesses();
  await fleet?.close();
  await redis?.stop();
});

/** Every event of these masters and their children, in cursor order, as the database has them. */
async function eventsOf(f: Fleet, masters: string[]): Promise<string[]> {
  const children = await f.db.orm.em.fork().find(Order, { masterOrderId: { $in: masters } }, { fields: ['id'] });
  const events = await f.db.orm.em
    .fork()
    .find(OrderEvent, { orderId: { $in: [...masters, ...children.map((c) => c.id)] } }, { orderBy: { cursor: 'asc' } });
  return events.map((e) => String(e.cursor));
}

(shared ? describe : describe.skip)(`Redis stops${shared ? '' : ' (skipped: needs DATABASE_URL and REDIS_URL)'}`, () => {
  it('orders are copied without it, every subscriber catches up by cursor, /ready says degraded, and it all carries on when Redis is back', async () => {
    redis = await startPrivateRedis();
    fleet = await prepareFleet({ followers: 5, prefix: 'NOREDIS', env: { REDIS_URL: redis.url } });
    const processes = [0, 1].map(() => startServerProcess(fleet!.env));
    const urls = await Promise.all(processes.map((p) => p.url));
    const holder = await holderAmong(fleet, processes);
    const apiUrl = urls[processes.findIndex((p) => p !== holder)]!;
    const tokens: string[] = [];
    for (const url of urls) tokens.push(await signIn(url, redis));
    const apiToken = tokens[urls.indexOf(apiUrl)]!;
    const streams = urls.map((url, i) => subscribeSse(url, tokens[i]!, `accountId: "${fleet!.masterId}"`));
    await new Promise((resolve) => setTimeout(resolve, 500));

    // Redis goes away. Three masters through the instance that does not hold the master's lease.
    await redis.stop();
    const masters: string[] = [];
    for (const side of ['BUY', 'SELL', 'BUY'] as const) masters.push(await placeMasterOrder(apiUrl, apiToken, fleet, side));
    const ready = await fetch(new URL('/ready', apiUrl));
    const readiness = (await ready.json()) as { status: string; checks: Record<string, string> };
    expect(ready.status).toBe(200);
    expect(readiness.status).toBe('degraded');
    expect(readiness.checks.database).toBe('ok');
    expect(readiness.checks.redis).toMatch(/^degraded: /);

    // Copied and persisted with Redis still down: the holder found the masters in the database.
    await waitFor(async () => ((await allChildrenFinal(fleet!, masters)) ? true : undefined), 20_000, 'the copies, with Redis down');
    const masterRows = new Map((await fleet.db.orm.em.fork().find(Order, { id: { $in: masters } })).map((m) => [m.id, m]));
    const delays = (await fleet.db.orm.em.fork().find(Order, { masterOrderId: { $in: masters } }))
      .map((c) => c.sentAt!.getTime() - masterRows.get(c.masterOrderId!)!.createdAt.getTime())
      .sort((x, y) => x - y);
    console.info(
      `[redis-outage] master row -> child sent with Redis down: p50 ${delays[Math.floor(delays.length / 2)]} ms, max ${delays.at(-1)} ms`,
    );
    const check = await checkAgainstBook(fleet, masters);
    expect(check).toMatchObject({
      childrenExpected: 15,
      childrenFound: 15,
      duplicates: 0,
      lost: 0,
      sentTwice: 0,
      unsettled: 0,
      disagreements: [],
    });

    // Subscribers on both instances have every event, once, in order, with no message to reveal the gap.
    const expected = await eventsOf(fleet, masters);
    for (const [i, stream] of streams.entries()) {
      const seen = await waitFor(
        () => {
          const cursors = stream.events.map((e) => e.cursor).filter((c) => expected.includes(c));
          return cursors.length >= expected.length ? cursors : undefined;
        },
        10_000,
        `the subscriber on instance ${i} to catch up with Redis down`,
      );
      expect(seen).toEqual(expected);
    }

    // Redis is back: a new master is copied and streamed as usual.
    await redis.start();
    await waitFor(
      async () => ((await (await fetch(new URL('/ready', apiUrl))).json()) as { status: string }).status === 'ready' || undefined,
      15_000,
      '/ready to say ready again',
    );
    const after = await placeMasterOrder(apiUrl, apiToken, fleet, 'SELL');
    await waitFor(async () => ((await allChildrenFinal(fleet!, [after])) ? true : undefined), 15_000, 'the copies after Redis is back');
    const afterRow = await fleet.db.orm.em.fork().findOneOrFail(Order, { id: after });
    const upDelays = (await fleet.db.orm.em.fork().find(Order, { masterOrderId: after })).map(
      (c) => c.sentAt!.getTime() - afterRow.createdAt.getTime(),
    );
    console.info(`[redis-outage] the same with Redis back: max ${Math.max(...upDelays)} ms`);
    const all = await eventsOf(fleet, [...masters, after]);
    for (const stream of streams) {
      await waitFor(
        () => (all.every((c) => stream.events.some((e) => e.cursor === c)) ? true : undefined),
        10_000,
        'the subscribers to see the new master',
      );
      const cursors = stream.events.map((e) => e.cursor).filter((c) => all.includes(c));
      expect(cursors).toEqual(all);
      stream.close();
    }

    // The outage was logged once per instance, structured, and nothing unhandled reached stderr.
    for (const process of processes) {
      const lines = process
        .stdout()
        .split('\n')
        .filter((line) => line.startsWith('{'))
        .map((line) => JSON.parse(line) as { msg: string; transport?: string });
      expect(lines.filter((line) => line.msg.startsWith('Redis unreachable'))).toHaveLength(1);
      expect(process.stderr()).not.toMatch(/Unhandled error event/);
    }
  }, 90_000);
});
