// API_TOKEN_RATE_PER_MIN as a script holding a token meets it: every request over HTTP, and
// every subscription started over graphql-ws or SSE, counts once against the token's minute;
// past it the API refuses at once (RATE_LIMITED, retryAfterSeconds, Retry-After) while other
// tokens and signed-in sessions go on. With Redis, two instances share one allowance.
import { randomBytes } from 'node:crypto';
import { createClient, type Client } from 'graphql-ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { ApiToken, User } from '../../server/src/persistence/entities/index.ts';
import { latestCursor } from '../../server/src/persistence/repositories/order-event.repository.ts';
import { dropRedisKeys } from '../support/scratch-redis.ts';
import { redisUrl, scratchDatabase, usingPostgres } from '../support/database.ts';
import { ok } from '../support/gql.ts';
import { ADMIN, startTestServer, waitFor, type TestServer } from '../support/harness.ts';
import { listen, type Listening } from '../support/listening.ts';
import { streamEvents } from '../support/sse.ts';

const LIMIT = 5;
const ENV = { API_TOKEN_RATE_PER_MIN: String(LIMIT) };
const ORDERS = '{ orders(first: 1) { edges { cursor } } }';
const ORDER_EVENTS = 'subscription { orderEvents { cursor } }';

interface GraphQLFormattedError {
  message: string;
  extensions?: Record<string, unknown>;
}

/** What a client sees of one POST: its status, its Retry-After header and its first error. */
interface Answer {
  status: number;
  retryAfter: string | null;
  data: unknown;
  error: GraphQLFormattedError | undefined;
}

async function post(server: TestServer, token: string, query = ORDERS): Promise<Answer> {
  const response = await server.yoga.fetch('http://test/graphql', {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ query }),
  });
  const body = (await response.json()) as { data?: unknown; errors?: GraphQLFormattedError[] };
  return { status: response.status, retryAfter: response.headers.get('retry-after'), data: body.data, error: body.errors?.[0] };
}

async function createToken(server: TestServer, session: string, name: string): Promise<{ token: string; id: string }> {
  const { createApiToken } = ok(
    await server.gql<{ createApiToken: { token: string; apiToken: { id: string } } }>(
      'mutation($n: String!) { createApiToken(name: $n, scopes: [ORDERS_READ, ORDERS_WRITE]) { token apiToken { id } } }',
      { n: name },
      session,
    ),
  );
  return { token: createApiToken.token, id: createApiToken.apiToken.id };
}

/** Uses up the token's minute: `LIMIT` requests that all succeed. */
async function useUp(server: TestServer, token: string, requests = LIMIT): Promise<void> {
  for (let n = 1; n <= requests; n++) expect((await post(server, token)).error, `request ${n}`).toBeUndefined();
}

function expectRefused(answer: Answer): void {
  expect(answer.error?.extensions, JSON.stringify(answer)).toMatchObject({ code: 'RATE_LIMITED' });
  const seconds = answer.error!.extensions!.retryAfterSeconds as number;
  // The first request of the minute went moments ago: its place frees a minute after it.
  expect(seconds).toBeGreaterThan(50);
  expect(seconds).toBeLessThanOrEqual(60);
  expect(answer.error!.message).toBe(`this API token is limited to ${LIMIT} requests a minute; retry in ${seconds} s`);
  expect(answer.retryAfter).toBe(String(seconds));
  // Yoga answers an error raised while building the context with 200 and no data.
  expect(answer.status).toBe(200);
  expect(answer.data ?? null).toBeNull();
}

describe('each API token limited to API_TOKEN_RATE_PER_MIN requests a minute', () => {
  let server: TestServer;
  let session: string;
  let http: Listening;
  const clients: Client[] = [];

  beforeAll(async () => {
    server = await startTestServer({ env: ENV });
    session = await server.login();
    http = await listen(server);
  });
  afterAll(async () => {
    for (const client of clients) await client.dispose();
    await http?.close();
    await server?.close();
  });

  const refusals = async () => (await server.tandem.services.metrics.apiTokenRefusals.get()).values[0]?.value ?? 0;

  it("refuses a token's sixth request within the minute, saying when to come back in extensions and Retry-After", async () => {
    const { token } = await createToken(server, session, 'algo');
    const before = await refusals();
    await useUp(server, token);
    expectRefused(await post(server, token));
    // A mutation is refused before it runs: nothing is placed.
    const placed = await post(
      server,
      token,
      'mutation { placeOrder(input: { accountId: "00000000-0000-4000-8000-000000000000", exchange: "NSE", symbol: "SBIN-EQ", side: BUY, quantity: 1, orderType: MARKET, productType: INTRADAY }) { id } }',
    );
    expectRefused(placed);
    expect(await refusals()).toBe(before + 2);
  });

  it('leaves other tokens and signed-in sessions their own allowance', async () => {
    const busy = await createToken(server, session, 'busy');
    const other = await createToken(server, session, 'other');
    await useUp(server, busy.token);
    expectRefused(await post(server, busy.token));
    await useUp(server, other.token);
    for (let n = 1; n <= 3 * LIMIT; n++) expect((await post(server, session)).error, `session request ${n}`).toBeUndefined();
  });

  it('counts a subscription once when it starts, not per event, over graphql-ws and SSE, and refuses the one past the limit', async () => {
    const { token } = await createToken(server, session, 'dashboard');
    const client = createClient({
      url: http.graphql.replace(/^http/, 'ws'),
      webSocketImpl: WebSocket,
      connectionParams: { authorization: `Bearer ${token}` },
      retryAttempts: 0,
    });
    clients.push(client);
    const subscribe = (query: string) => {
      const feed = { events: 0, errors: [] as GraphQLFormattedError[], ended: false };
      client.subscribe(
        { query },
        {
          next: () => {
            feed.events += 1;
          },
          error: (error) => {
            feed.errors.push(...(Array.isArray(error) ? error : [{ message: String(error) }]));
            feed.ended = true;
          },
          complete: () => {
            feed.ended = true;
          },
        },
      );
      return feed;
    };

    // More events than the limit, replayed to the subscription: a master order and its three copies.
    ok(
      await server.gql(
        'mutation($i: PlaceOrderInput!) { placeOrder(input: $i) { id } }',
        {
          i: {
            accountId: (await server.account('DEMO-MASTER')).id,
            exchange: 'NSE',
            symbol: 'SBIN-EQ',
            side: 'BUY',
            quantity: 1,
            orderType: 'MARKET',
            productType: 'INTRADAY',
          },
        },
        session,
      ),
    );
    await waitFor(async () => (await latestCursor(server.tandem.services.orm.em.fork())) > LIMIT, 5_000, 'more than LIMIT events');
    const live = subscribe('subscription { orderEvents(after: "0") { cursor } }');
    await waitFor(() => live.events > LIMIT, 5_000, 'the events on the subscription');
    // The subscription took one place; four are left.
    await useUp(server, token, LIMIT - 1);

    const refused = subscribe(ORDER_EVENTS);
    await waitFor(() => refused.ended, 5_000, 'the sixth subscription to be refused');
    expect(refused.errors[0]?.extensions).toMatchObject({ code: 'RATE_LIMITED' });
    expect(refused.errors[0]?.extensions?.retryAfterSeconds).toBeGreaterThan(50);
    // Only that operation is refused: the socket and the subscription already open stay.
    expect(live.ended).toBe(false);

    const url = new URL(http.graphql);
    url.searchParams.set('query', ORDER_EVENTS);
    const response = await fetch(url, { headers: { accept: 'text/event-stream', authorization: `Bearer ${token}` } });
    expect(response.status).toBe(200);
    const frames = [];
    for await (const frame of streamEvents(response.body!)) {
      frames.push(frame);
      if (frame.event === 'complete') break;
    }
    const first = JSON.parse(frames.find((frame) => frame.event === 'next')!.data) as { errors: GraphQLFormattedError[] };
    expect(first.errors[0]?.extensions).toMatchObject({ code: 'RATE_LIMITED' });
    expect(response.headers.get('retry-after')).toBe(String(first.errors[0]?.extensions?.retryAfterSeconds));
  });
});

describe.skipIf(!redisUrl)(
  'one allowance per token across instances (skipped: REDIS_URL is not set, and instances share counts only through Redis)',
  () => {
    const redisPrefix = `tandem-test-${randomBytes(4).toString('hex')}:`;
    let database: Awaited<ReturnType<typeof scratchDatabase>> | undefined;
    let first: TestServer;
    let second: TestServer;

    beforeAll(async () => {
      // PGlite cannot be opened by two instances at once; then each has its own and the token is copied.
      database = usingPostgres ? await scratchDatabase() : undefined;
      first = await startTestServer({ database, redisPrefix, env: { ...ENV, ROLE: 'api' } });
      second = await startTestServer({ database, redisPrefix, env: { ...ENV, ROLE: 'api' } });
    });
    afterAll(async () => {
      await first?.close();
      await second?.close();
      await database?.drop();
      await dropRedisKeys(redisUrl!, redisPrefix);
    });

    it('refuses on either instance once the two together have taken the minute', async () => {
      const { token, id } = await createToken(first, await first.login(), 'algo');
      if (!usingPostgres) {
        const row = await first.tandem.services.orm.em.fork().findOneOrFail(ApiToken, { id });
        const em = second.tandem.services.orm.em.fork();
        const admin = await em.findOneOrFail(User, { email: ADMIN.email });
        await em.insert(ApiToken, { ...row, userId: admin.id });
      }
      await useUp(first, token, 3);
      await useUp(second, token, LIMIT - 3);
      expectRefused(await post(second, token));
      expectRefused(await post(first, token));
    });
  },
);
