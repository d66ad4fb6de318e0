// Order events pruned past EVENT_RETENTION while Tandem runs. The retention is seconds (pruned
// every second), and events are stamped by a trading clock the test moves, so what counts as old
// is decided by the test, not by how fast the machine is: an order's events go once they are
// older than the retention, a newer order's stay, what is kept has no hole, and a subscriber
// resuming from a pruned cursor is told so instead of silently missing events.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../server/src/core/clock.ts';
import { OrderEvent } from '../../server/src/persistence/entities/order-event.entity.ts';
import { latestCursor } from '../../server/src/persistence/repositories/order-event.repository.ts';
import { ok } from '../support/gql.ts';
import { startTestServer, waitFor, type TestServer } from '../support/harness.ts';
import { listen, type Listening } from '../support/listening.ts';
import { settledChildren } from '../support/orders.ts';
import { streamEvents } from '../support/sse.ts';

interface Feed {
  cursors: number[];
  errors: { message: string; extensions?: Record<string, unknown> }[];
  ended: boolean;
  close(): void;
}

/** orderEvents(after:) over SSE, as a client resuming after a disconnect opens it. */
function resumeFrom(base: string, token: string, after: number): Feed {
  const abort = new AbortController();
  const feed: Feed = { cursors: [], errors: [], ended: false, close: () => abort.abort() };
  const url = new URL('/graphql', base);
  url.searchParams.set('query', `subscription { orderEvents(after: "${after}") { cursor } }`);
  void (async () => {
    const response = await fetch(url, { headers: { accept: 'text/event-stream', authorization: `Bearer ${token}` }, signal: abort.signal });
    for await (const { event, data } of streamEvents(response.body!)) {
      if (event === 'complete') return;
      if (event !== 'next') continue;
      const payload = JSON.parse(data) as { data?: { orderEvents: { cursor: string } } | null; errors?: Feed['errors'] };
      if (payload.errors) feed.errors.push(...payload.errors);
      if (payload.data?.orderEvents) feed.cursors.push(Number(payload.data.orderEvents.cursor));
    }
  })()
    .catch((error: unknown) => {
      if (!abort.signal.aborted) feed.errors.push({ message: `stream failed: ${String(error)}` });
    })
    .finally(() => {
      feed.ended = true;
    });
  return feed;
}

const range = (from: number, to: number) => Array.from({ length: Math.max(0, to - from + 1) }, (_, i) => from + i);

describe('order events past EVENT_RETENTION (10 s, on a clock the test moves)', () => {
  const clock = new ManualClock(new Date());
  let server: TestServer;
  let http: Listening;
  let admin: string;
  let masterId: string;
  const feeds: Feed[] = [];
  const open = (feed: Feed) => {
    feeds.push(feed);
    return feed;
  };
  /** The last cursor of each order placed, once it and its copies have settled. */
  let firstOrderLast = 0;
  let secondOrderLast = 0;

  beforeAll(async () => {
    server = await startTestServer({ clock, env: { EVENT_RETENTION: '10s' } });
    admin = await server.login();
    http = await listen(server);
    masterId = (await server.account('DEMO-MASTER')).id;
  });
  afterAll(async () => {
    for (const feed of feeds) feed.close();
    await http?.close();
    await server?.close();
  });

  const head = () => latestCursor(server.tandem.services.orm.em.fork());
  const keptCursors = async () =>
    (await server.tandem.services.orm.em.fork().find(OrderEvent, {}, { orderBy: { cursor: 'asc' }, fields: ['cursor'] })).map(
      (event) => event.cursor,
    );

  /** A MARKET order on the demo master, copied to its three followers; returns the head once all of it has settled. */
  async function placeAndSettle(): Promise<number> {
    const placed = ok(
      await server.gql<{ placeOrder: { id: string } }>(
        'mutation($i: PlaceOrderInput!) { placeOrder(input: $i) { id } }',
        {
          i: {
            accountId: masterId,
            exchange: 'NSE',
            symbol: 'SBIN-EQ',
            side: 'BUY',
            quantity: 4,
            orderType: 'MARKET',
            productType: 'INTRADAY',
          },
        },
        admin,
      ),
    ).placeOrder;
    await settledChildren(server, admin, placed.id, { count: 3 });
    await waitFor(
      async () =>
        ok(await server.gql<{ order: { status: string } }>('query($id: ID!) { order(id: $id) { status } }', { id: placed.id }, admin)).order
          .status === 'FILLED',
      5000,
      'the master order to fill',
    );
    await server.tandem.engine.idle();
    return head();
  }

  it("prunes an order's events once they are older than the retention, keeps a newer order's, and leaves no hole", async () => {
    firstOrderLast = await placeAndSettle();
    clock.advance(6_000);
    secondOrderLast = await placeAndSettle();
    expect(secondOrderLast).toBeGreaterThan(firstOrderLast);
    expect((await keptCursors())[0]).toBeLessThanOrEqual(firstOrderLast);

    // 12 s after the first order and 6 s after the second: only the first is past 10 s.
    clock.advance(6_000);
    await waitFor(async () => (await keptCursors())[0]! > firstOrderLast, 10_000, "the first order's events to be pruned");
    expect(await keptCursors()).toEqual(range(firstOrderLast + 1, secondOrderLast));
  });

  it('refuses a subscriber resuming from a pruned cursor with BAD_USER_INPUT on after; from the last pruned one it streams on', async () => {
    const stale = open(resumeFrom(http.base, admin, firstOrderLast - 1));
    await waitFor(() => stale.ended, 5000, 'the stale subscription to end');
    expect(stale.cursors).toEqual([]);
    expect(stale.errors).toHaveLength(1);
    expect(stale.errors[0]!.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'after' });
    expect(stale.errors[0]!.message).toContain('older than the events kept');

    // Having seen every pruned event, nothing was missed.
    const edge = open(resumeFrom(http.base, admin, firstOrderLast));
    await waitFor(() => edge.cursors.includes(secondOrderLast), 5000, 'the kept events');
    expect(edge.cursors).toEqual(range(firstOrderLast + 1, secondOrderLast));
    expect(edge.errors).toEqual([]);
  });

  it('still refuses a pruned cursor once every event has been pruned, and streams new events to one resuming from the newest', async () => {
    clock.advance(20_000);
    await waitFor(async () => (await keptCursors()).length === 0, 10_000, 'every event to be pruned');

    const stale = open(resumeFrom(http.base, admin, secondOrderLast - 1));
    await waitFor(() => stale.ended, 5000, 'the stale subscription to end');
    expect(stale.cursors).toEqual([]);
    expect(stale.errors.map((error) => error.extensions)).toMatchObject([{ code: 'BAD_USER_INPUT', field: 'after' }]);

    // Having seen every event there was, nothing was missed: it gets what comes next.
    const current = open(resumeFrom(http.base, admin, secondOrderLast));
    const thirdLast = await placeAndSettle();
    await waitFor(() => current.cursors.includes(thirdLast), 5000, "the new order's events");
    expect(current.cursors).toEqual(range(secondOrderLast + 1, thirdLast));
    expect(current.errors).toEqual([]);
  });
});
