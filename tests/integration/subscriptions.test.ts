// orderEvents over a real port, as a dashboard or a third party sees it: SSE and graphql-ws,
// replay then live with no gap and no repeat (also across a reconnect), visibility per
// viewer, revoked tokens, and cursors outside what is kept.
import { createClient } from 'graphql-ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { latestCursor } from '../../server/src/persistence/repositories/order-event.repository.ts';
import { startTestServer, waitFor, type TestServer } from '../support/harness.ts';
import { listen, type Listening } from '../support/listening.ts';
import { streamEvents } from '../support/sse.ts';

interface OrderEventData {
  cursor: string;
  status: string;
  kind: string;
  order: { id: string; status: string; filledQuantity: number; account?: { id: string } | null };
}

interface GraphQLFormattedError {
  message: string;
  extensions?: Record<string, unknown>;
}

/** One open subscription as its client sees it: the events so far and how it ended. */
interface Feed {
  events: OrderEventData[];
  errors: GraphQLFormattedError[];
  ended: boolean;
  close(): void;
}

const SELECTION = '{ cursor status kind order { id status filledQuantity } }';

function subscriptionQuery(args: { after?: string; accountId?: string }, selection = SELECTION): string {
  const list = Object.entries(args).map(([name, value]) => `${name}: ${JSON.stringify(value)}`);
  return `subscription { orderEvents${list.length > 0 ? `(${list.join(', ')})` : ''} ${selection} }`;
}

function collect(feed: Feed, payload: { data?: { orderEvents?: OrderEventData } | null; errors?: GraphQLFormattedError[] }): void {
  if (payload.errors) feed.errors.push(...payload.errors);
  if (payload.data?.orderEvents) feed.events.push(payload.data.orderEvents);
}

/**
 * GraphQL over Server-Sent Events: a GET with `accept: text/event-stream`, frames `event: next`
 * / `data: ...`. With `disconnectAfter` the client drops the connection right after that many events.
 */
function sseFeed(
  base: string,
  token: string | null,
  args: { after?: string; accountId?: string },
  disconnectAfter = Infinity,
  selection = SELECTION,
): Feed {
  const abort = new AbortController();
  let closed = false;
  const feed: Feed = {
    events: [],
    errors: [],
    ended: false,
    close() {
      closed = true;
      abort.abort();
    },
  };
  const url = new URL('/graphql', base);
  url.searchParams.set('query', subscriptionQuery(args, selection));
  void (async () => {
    const response = await fetch(url, {
      headers: { accept: 'text/event-stream', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      signal: abort.signal,
    });
    if (!response.body) throw new Error(`no event stream: HTTP ${response.status}`);
    for await (const { event, data } of streamEvents(response.body)) {
      if (closed) return;
      if (event === 'next') collect(feed, JSON.parse(data));
      if (event === 'complete') return;
      if (feed.events.length >= disconnectAfter) return feed.close();
    }
  })()
    .catch((error: unknown) => {
      if (!closed) feed.errors.push({ message: `stream failed: ${String(error)}` });
    })
    .finally(() => {
      feed.ended = true;
    });
  return feed;
}

/** The same subscription over graphql-ws, the credential in connectionParams. */
function wsFeed(base: string, token: string | null, args: { after?: string; accountId?: string }): Feed {
  const client = createClient({
    url: `${base.replace(/^http/, 'ws')}/graphql`,
    webSocketImpl: WebSocket,
    connectionParams: token ? { authorization: `Bearer ${token}` } : {},
    retryAttempts: 0,
  });
  let closed = false;
  const feed: Feed = {
    events: [],
    errors: [],
    ended: false,
    close() {
      closed = true;
      unsubscribe();
      void client.dispose();
    },
  };
  const unsubscribe = client.subscribe<{ orderEvents: OrderEventData }>(
    { query: subscriptionQuery(args) },
    {
      next: (payload) => {
        if (!closed) collect(feed, payload as never);
      },
      error: (error) => {
        feed.errors.push(...(Array.isArray(error) ? error : [{ message: String((error as { reason?: string }).reason ?? error) }]));
        feed.ended = true;
      },
      complete: () => {
        feed.ended = true;
      },
    },
  );
  return feed;
}

const cursors = (events: OrderEventData[]) => events.map((event) => Number(event.cursor));
const range = (from: number, to: number) => Array.from({ length: Math.max(0, to - from + 1) }, (_, i) => from + i);

/** The statuses an order went through, repeats folded: an ACKNOWLEDGED or BROKER_UPDATE may restate one. */
function statusPath(events: OrderEventData[], orderId: string): string[] {
  const path: string[] = [];
  for (const event of events) {
    if (event.order.id === orderId && path.at(-1) !== event.status) path.push(event.status);
  }
  return path;
}

/**
 * A MARKET order goes PENDING -> SENT -> (OPEN) -> FILLED and never back. OPEN may be passed
 * over: the exchange's fill can be recorded before the placeOrder reply is.
 */
function expectMarketLifecycle(events: OrderEventData[], orderId: string): void {
  const path = statusPath(events, orderId);
  expect([
    ['PENDING', 'SENT', 'OPEN', 'FILLED'],
    ['PENDING', 'SENT', 'FILLED'],
  ]).toContainEqual(path);
}

describe('orderEvents subscriptions over a real port', () => {
  let server: TestServer;
  let http: Listening;
  let base: string;
  let admin: string;
  let ids: Record<'master' | 'f1' | 'f2' | 'f3', string>;
  const feeds: Feed[] = [];
  const open = (feed: Feed) => {
    feeds.push(feed);
    return feed;
  };

  beforeAll(async () => {
    server = await startTestServer();
    admin = await server.login();
    http = await listen(server);
    base = http.base;
    ids = {
      master: (await server.account('DEMO-MASTER')).id,
      f1: (await server.account('DEMO-F1')).id,
      f2: (await server.account('DEMO-F2')).id,
      f3: (await server.account('DEMO-F3')).id,
    };
  });
  afterAll(async () => {
    for (const feed of feeds) feed.close();
    await http?.close();
    await server?.close();
  });

  const head = () => latestCursor(server.tandem.services.orm.em.fork());

  /** A MARKET BUY; on a follower account it is not copied anywhere, so its events are all there is. */
  async function placeMarket(accountId: string, quantity = 5): Promise<string> {
    const result = await server.gql<{ placeOrder: { id: string } }>(
      `mutation($i: PlaceOrderInput!) { placeOrder(input: $i) { id } }`,
      {
        i: { accountId, exchange: 'NSE', symbol: 'SBIN-EQ', side: 'BUY', quantity, orderType: 'MARKET', productType: 'INTRADAY' },
      },
      admin,
    );
    expect(result.errors).toBeUndefined();
    return result.data!.placeOrder.id;
  }

  /** Once FILLED and its placeOrder answered, a follower's MARKET order writes no more events. */
  async function settled(orderId: string): Promise<void> {
    await waitFor(
      async () => {
        const result = await server.gql<{ order: { status: string } }>(
          `query($id: ID!) { order(id: $id) { status } }`,
          { id: orderId },
          admin,
        );
        return result.data?.order.status === 'FILLED';
      },
      5000,
      `order ${orderId} FILLED`,
    );
  }

  const filledIn = (feed: Feed, orderId: string) => () => feed.events.some((e) => e.order.id === orderId && e.status === 'FILLED');
  const orderIdsIn = (feed: Feed) => new Set(feed.events.map((e) => e.order.id));

  // First, while no other subscription is open, so the counts below are this test's alone.
  it('answers alike subscribers with one execution per event, and each other viewer for itself', async () => {
    const created = await server.gql<{ createApiToken: { token: string } }>(
      `mutation { createApiToken(name: "orders only", scopes: [ORDERS_READ]) { token } }`,
      {},
      admin,
    );
    expect(created.errors).toBeUndefined();
    const ordersOnly = created.data!.createApiToken.token;
    const selection = '{ cursor status kind order { id status filledQuantity account { id } } }';
    const from = String(await head());
    const alike = [1, 2, 3].map(() => open(sseFeed(base, admin, { after: from }, Infinity, selection)));
    const narrower = open(sseFeed(base, ordersOnly, { after: from }, Infinity, selection));
    const answers = async () => {
      const { values } = await server.tandem.services.metrics.subscriptionAnswers.get();
      const count = (how: string) => values.find((v) => v.labels.how === how)?.value ?? 0;
      return { executed: count('executed'), shared: count('shared') };
    };
    const everyFeedSaw = async (orderId: string) => {
      await waitFor(() => [...alike, narrower].every((feed) => filledIn(feed, orderId)()), 5000, 'every feed to see the fill');
      await settled(orderId);
    };
    // The first order finds the streams still replaying, each at its own pace; the second, live.
    await everyFeedSaw(await placeMarket(ids.f1));
    const seen = alike[0]!.events.length;
    const before = await answers();
    await everyFeedSaw(await placeMarket(ids.f1));
    await waitFor(async () => (await answers()).executed - before.executed >= 2 * (alike[0]!.events.length - seen), 3000, 'the counts');

    const events = alike[0]!.events.length - seen;
    expect(events).toBeGreaterThanOrEqual(3);
    for (const feed of [...alike, narrower]) expect(cursors(feed.events)).toEqual(cursors(alike[0]!.events));
    // One execution per event for the three sessions, one for the token; the other two sessions took the first's.
    const after = await answers();
    expect(after.executed - before.executed).toBe(2 * events);
    expect(after.shared - before.shared).toBe(2 * events);
    for (const feed of alike) {
      expect(feed.errors).toEqual([]);
      expect(feed.events.every((e) => e.order.account?.id === ids.f1)).toBe(true);
    }
    // The token may read orders but not accounts: its answers are its own, not the sessions'.
    expect(narrower.events.every((e) => e.order.account === null)).toBe(true);
    expect(new Set(narrower.errors.map((e) => e.extensions?.code))).toEqual(new Set(['FORBIDDEN']));
    for (const feed of [...alike, narrower]) feed.close();
  });

  it('streams a MARKET order from CREATED to FILLED over SSE, cursors rising by one', async () => {
    const feed = open(sseFeed(base, admin, { after: '0' }));
    const orderId = await placeMarket(ids.f1, 40);
    await waitFor(filledIn(feed, orderId), 5000, 'FILLED over SSE');

    expect(feed.errors).toEqual([]);
    const mine = feed.events.filter((e) => e.order.id === orderId);
    expect(mine.slice(0, 2).map((e) => [e.kind, e.status])).toEqual([
      ['CREATED', 'PENDING'],
      ['SENT', 'SENT'],
    ]);
    expectMarketLifecycle(feed.events, orderId);
    expect(mine.find((e) => e.status === 'FILLED')!.order).toMatchObject({ status: 'FILLED', filledQuantity: 40 });
    // after: "0" on a fresh database is everything from the first cursor, and one writer leaves no gap.
    expect(cursors(feed.events)).toEqual(range(1, feed.events.length));
  });

  it('delivers the same events over graphql-ws, and refuses a connection without a token', async () => {
    const from = await head();
    const sse = open(sseFeed(base, admin, { after: String(from) }));
    const ws = open(wsFeed(base, admin, { after: String(from) }));
    const orderId = await placeMarket(ids.f1);
    await waitFor(() => filledIn(sse, orderId)() && filledIn(ws, orderId)(), 5000, 'FILLED on both transports');
    const expected = [...sse.events];
    await waitFor(() => ws.events.length >= expected.length, 2000, 'graphql-ws to catch up');
    expect(ws.errors).toEqual([]);
    expect(ws.events.slice(0, expected.length)).toEqual(expected);
    expectMarketLifecycle(ws.events, orderId);

    const anonymous = open(wsFeed(base, null, { after: '0' }));
    await waitFor(() => anonymous.ended, 3000, 'the anonymous subscription to end');
    expect(anonymous.events).toEqual([]);
    expect(anonymous.errors.map((e) => e.extensions?.code)).toEqual(['UNAUTHENTICATED']);
  });

  it('replays exactly the events after a middle cursor, once each, then continues live', async () => {
    const before = await head();
    for (let i = 0; i < 3; i += 1) await settled(await placeMarket(ids.f1));
    const after = await head();
    const middle = before + Math.floor((after - before) / 2);

    const feed = open(wsFeed(base, admin, { after: String(middle) }));
    await waitFor(() => cursors(feed.events).includes(after), 5000, 'the replay');
    expect(cursors(feed.events)).toEqual(range(middle + 1, after));

    const liveOrder = await placeMarket(ids.f1);
    await settled(liveOrder);
    const end = await head();
    await waitFor(() => cursors(feed.events).includes(end), 3000, 'the live tail');
    expect(cursors(feed.events)).toEqual(range(middle + 1, end));
    expectMarketLifecycle(feed.events, liveOrder);
  });

  it('goes live from now with latestOrderEventCursor: each event after it once, none before it', async () => {
    // Events committed while the client reads the cursor and subscribes must not be lost either.
    const earlier = await placeMarket(ids.f2);
    const answer = await server.gql<{ latestOrderEventCursor: string }>('{ latestOrderEventCursor }', {}, admin);
    expect(answer.errors).toBeUndefined();
    const from = answer.data!.latestOrderEventCursor;
    expect(from).toMatch(/^\d+$/);
    expect(Number(from)).toBeLessThanOrEqual(await head());
    const during = await placeMarket(ids.f2);
    const feed = open(sseFeed(base, admin, { after: from }));
    await settled(earlier);
    await settled(during);
    const end = await head();
    await waitFor(() => cursors(feed.events).includes(end), 5000, 'every event up to the head');
    expect(cursors(feed.events)).toEqual(range(Number(from) + 1, end));
    expect(orderIdsIn(feed).has(during)).toBe(true);
    feed.close();
  });

  it('loses and repeats nothing when a client reconnects with its last cursor during a burst', async () => {
    const start = await head();
    const first = open(sseFeed(base, admin, { after: String(start) }, 10));
    const followers = [ids.f1, ids.f2, ids.f3];
    const burst = Promise.all(Array.from({ length: 20 }, (_, i) => placeMarket(followers[i % 3]!, 1)));

    await waitFor(() => first.ended, 5000, 'the client to drop after 10 events');
    const resumeFrom = first.events.at(-1)!.cursor;
    const second = open(sseFeed(base, admin, { after: resumeFrom }));

    const orderIds = await burst;
    for (const id of orderIds) await settled(id);
    const end = await head();
    await waitFor(() => cursors(second.events).includes(end), 5000, 'the resumed stream to reach the head');

    expect(first.events).toHaveLength(10);
    const seen = [...first.events, ...second.events];
    expect(cursors(seen)).toEqual(range(start + 1, end));
    for (const id of orderIds) expectMarketLifecycle(seen, id);
  });

  it("narrows to one account with accountId; a master's includes its children", async () => {
    const from = String(await head());
    const f1Feed = open(sseFeed(base, admin, { after: from, accountId: ids.f1 }));
    const masterFeed = open(sseFeed(base, admin, { after: from, accountId: ids.master }));
    const elsewhere = await placeMarket(ids.f2);
    await settled(elsewhere);

    const masterOrder = await placeMarket(ids.master);
    const children = await waitFor(
      async () => {
        const result = await server.gql<{ order: { status: string; children: { id: string; status: string; account: { id: string } }[] } }>(
          `query($id: ID!) { order(id: $id) { status children { id status account { id } } } }`,
          { id: masterOrder },
          admin,
        );
        const order = result.data?.order;
        return order?.status === 'FILLED' && order.children.length === 3 && order.children.every((c) => c.status === 'FILLED')
          ? order.children
          : undefined;
      },
      8000,
      'the master order and its three copies FILLED',
    );
    const childOnF1 = children.find((c) => c.account.id === ids.f1)!.id;

    const direct = await placeMarket(ids.f1);
    // Events arrive in cursor order, so once this last order is FILLED everything before it has been judged.
    await waitFor(filledIn(f1Feed, direct), 5000, 'the direct F1 order');
    await waitFor(filledIn(masterFeed, childOnF1), 5000, 'the F1 copy on the master feed');

    expect(orderIdsIn(f1Feed)).toEqual(new Set([childOnF1, direct]));
    expect(orderIdsIn(masterFeed)).toEqual(new Set([masterOrder, ...children.map((c) => c.id)]));
    expect(f1Feed.errors).toEqual([]);
    expect(masterFeed.errors).toEqual([]);
  });

  it('shows a CLIENT only the events of their own account', async () => {
    const created = await server.gql<{ createUser: { id: string } }>(
      `mutation { createUser(email: "client@test.local", password: "client-password-1", role: CLIENT) { id } }`,
      {},
      admin,
    );
    expect(created.errors).toBeUndefined();
    const account = await server.gql<{ createAccount: { id: string } }>(
      `mutation($i: CreateAccountInput!) { createAccount(input: $i) { id } }`,
      {
        i: { label: 'Client own', broker: 'PAPER', role: 'FOLLOWER', clientCode: 'CLIENT-OWN', ownerId: created.data!.createUser.id },
      },
      admin,
    );
    expect(account.errors).toBeUndefined();
    const clientAccount = account.data!.createAccount.id;
    const client = await server.login('client@test.local', 'client-password-1');

    const feed = open(sseFeed(base, client, { after: String(await head()) }));
    const foreign = await placeMarket(ids.f1);
    await settled(foreign);
    const own = await placeMarket(clientAccount);
    await waitFor(filledIn(feed, own), 5000, "the client's own order");
    expect(feed.errors).toEqual([]);
    expect(orderIdsIn(feed)).toEqual(new Set([own]));

    const snooping = open(sseFeed(base, client, { after: '0', accountId: ids.f1 }));
    await waitFor(() => snooping.ended, 3000, 'the refused subscription to end');
    expect(snooping.events).toEqual([]);
    expect(snooping.errors.map((e) => e.extensions?.code)).toEqual(['NOT_FOUND']);
  });

  it('ends an open subscription with UNAUTHENTICATED when its API token is revoked', async () => {
    const created = await server.gql<{ createApiToken: { token: string; apiToken: { id: string } } }>(
      `mutation { createApiToken(name: "dashboard", scopes: [ORDERS_READ]) { token apiToken { id } } }`,
      {},
      admin,
    );
    expect(created.errors).toBeUndefined();
    const { token, apiToken } = created.data!.createApiToken;
    const from = String(await head());
    const tokenFeeds = [open(sseFeed(base, token, { after: from })), open(wsFeed(base, token, { after: from }))];
    const orderId = await placeMarket(ids.f1);
    await waitFor(() => tokenFeeds.every((feed) => filledIn(feed, orderId)()), 5000, 'the token to stream');

    const revoked = await server.gql(`mutation($id: ID!) { revokeApiToken(id: $id) { revokedAt } }`, { id: apiToken.id }, admin);
    expect(revoked.errors).toBeUndefined();
    await waitFor(() => tokenFeeds.every((feed) => feed.ended), 3000, 'both subscriptions to end');
    for (const feed of tokenFeeds) expect(feed.errors.map((e) => e.extensions?.code)).toEqual(['UNAUTHENTICATED']);
  });

  it('refuses a cursor ahead of the newest event instead of streaming nothing', async () => {
    // A cursor kept from another server or a reset database would otherwise hide every new event.
    const ahead = open(sseFeed(base, admin, { after: String((await head()) + 1000) }));
    await waitFor(() => ahead.ended, 3000, 'the subscription from the future to end');
    expect(ahead.events).toEqual([]);
    expect(ahead.errors).toHaveLength(1);
    expect(ahead.errors[0]!.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'after' });
  });

  it('refuses a cursor older than the events kept with BAD_USER_INPUT on after', async () => {
    const end = await head();
    const cutoff = Math.floor(end / 2);
    await server.tandem.services.orm.em.fork().getConnection().execute('delete from order_events where cursor <= ?', [cutoff]);

    const stale = open(sseFeed(base, admin, { after: '1' }));
    await waitFor(() => stale.ended, 3000, 'the stale subscription to end');
    expect(stale.events).toEqual([]);
    expect(stale.errors).toHaveLength(1);
    expect(stale.errors[0]!.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'after' });
    expect(stale.errors[0]!.message).toContain(`oldest is ${cutoff + 1}`);

    // Everything kept is still there for after: "0", and the last dropped cursor is not a gap.
    const everything = open(sseFeed(base, admin, { after: '0' }));
    const edge = open(sseFeed(base, admin, { after: String(cutoff) }));
    await waitFor(() => cursors(everything.events).includes(end) && cursors(edge.events).includes(end), 5000, 'the kept events');
    expect(cursors(everything.events).slice(0, end - cutoff)).toEqual(range(cutoff + 1, end));
    expect(cursors(edge.events).slice(0, end - cutoff)).toEqual(range(cutoff + 1, end));
  });
});
