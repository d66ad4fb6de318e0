// What a page on another site can make a browser do to Tandem, on a real port: send a
// mutation without a CORS preflight, read answers, open a graphql-ws socket. And on that
// socket, a document that cannot run fails alone.
import { createClient, type Client } from 'graphql-ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { startTestServer, waitFor, type GraphQLResponse, type TestServer } from '../support/harness.ts';
import { listen, type Listening } from '../support/listening.ts';

const DESK = 'https://desk.example.com';
const FOREIGN = 'https://evil.example.net';
const ENGAGE = 'mutation { setKillSwitch(accountId: null, engaged: true) { engaged } }';

let server: TestServer;
let http: Listening;
let base: string;
let admin: string;

beforeAll(async () => {
  server = await startTestServer({ env: { CORS_ORIGINS: `${DESK}, http://localhost:5173` } });
  admin = await server.login();
  http = await listen(server);
  base = http.base;
});
afterAll(async () => {
  await http?.close();
  await server?.close();
});

async function killSwitchEngaged(): Promise<boolean> {
  const result = await server.gql<{ globalKillSwitch: boolean }>('{ globalKillSwitch }', {}, admin);
  return result.data!.globalKillSwitch;
}

describe('a mutation a browser could send from another site without a preflight', () => {
  const bearer = () => ({ authorization: `Bearer ${admin}` });

  it.each([
    ['a form', 'application/x-www-form-urlencoded', () => new URLSearchParams({ query: ENGAGE })],
    [
      'a multipart form',
      'multipart/form-data',
      () => {
        const form = new FormData();
        form.set('operations', JSON.stringify({ query: ENGAGE }));
        form.set('map', '{}');
        return form;
      },
    ],
    ['text/plain', 'text/plain;charset=UTF-8', () => JSON.stringify({ query: ENGAGE })],
    ['a bare GraphQL document', 'application/graphql', () => ENGAGE],
  ])('%s (%s) is refused with 415, says to send JSON, and the kill switch stays off', async (_name, contentType, body) => {
    const payload = body();
    // FormData sets its own boundary; the others carry the type the browser would send.
    const headers = payload instanceof FormData ? bearer() : { ...bearer(), 'content-type': contentType };
    const response = await fetch(`${base}/graphql`, { method: 'POST', headers, body: payload });
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    const answer = (await response.json()) as GraphQLResponse;
    expect(response.status).toBe(415);
    expect(answer.errors?.[0]?.extensions?.code).toBe('UNSUPPORTED_MEDIA_TYPE');
    expect(answer.errors?.[0]?.message).toContain('Content-Type: application/json');
    expect(await killSwitchEngaged()).toBe(false);
  });

  it('a POST with no content type is refused the same way', async () => {
    const response = await fetch(`${base}/graphql`, {
      method: 'POST',
      headers: bearer(),
      body: new Blob([JSON.stringify({ query: ENGAGE })]),
    });
    expect(response.status).toBe(415);
    expect(await killSwitchEngaged()).toBe(false);
  });

  it('a mutation over GET is refused with 405 and Allow: POST, and the kill switch stays off', async () => {
    const url = new URL('/graphql', base);
    url.searchParams.set('query', ENGAGE);
    const response = await fetch(url, { headers: bearer() });
    expect(response.status).toBe(405);
    expect(response.headers.get('allow')).toBe('POST');
    const answer = (await response.json()) as GraphQLResponse;
    expect(answer.errors?.[0]?.message).toMatch(/POST/);
    expect(await killSwitchEngaged()).toBe(false);
  });

  it('JSON with a charset, as browsers and graphql-sse send it, is served', async () => {
    const response = await fetch(`${base}/graphql`, {
      method: 'POST',
      headers: { ...bearer(), 'content-type': 'application/json; charset=utf-8' },
      body: JSON.stringify({ query: '{ globalKillSwitch me { email } }' }),
    });
    expect(response.status).toBe(200);
    expect(((await response.json()) as GraphQLResponse).data).toEqual({ globalKillSwitch: false, me: { email: 'admin@test.local' } });
  });
});

describe('GET parameters', () => {
  const get = async (params: Record<string, string>) => {
    const url = new URL('/graphql', base);
    for (const [name, value] of Object.entries(params)) url.searchParams.set(name, value);
    const response = await fetch(url, { headers: { authorization: `Bearer ${admin}` } });
    return { status: response.status, body: (await response.json()) as GraphQLResponse };
  };

  it('variables that are not JSON are a 400 naming the parameter, not an internal error', async () => {
    const { status, body } = await get({ query: 'query($id: ID!) { account(id: $id) { id } }', variables: '{bad' });
    expect(status).toBe(400);
    expect(body.errors?.[0]?.extensions).toEqual({ code: 'BAD_USER_INPUT', field: 'variables' });
    expect(body.errors?.[0]?.message).toMatch(/variables parameter is not valid JSON/);
  });

  it('extensions that are not JSON are refused the same way, and a well-formed GET is served', async () => {
    const bad = await get({ query: '{ globalKillSwitch }', extensions: '[' });
    expect(bad.status).toBe(400);
    expect(bad.body.errors?.[0]?.extensions).toEqual({ code: 'BAD_USER_INPUT', field: 'extensions' });
    const good = await get({ query: '{ globalKillSwitch }', variables: '{}' });
    expect(good).toEqual({ status: 200, body: { data: { globalKillSwitch: false } } });
  });
});

describe('CORS', () => {
  const ask = (path: string, origin: string, init: RequestInit = {}) =>
    fetch(`${base}${path}`, { ...init, headers: { origin, ...(init.headers as Record<string, string>) } });
  const query = (origin: string) =>
    ask('/graphql', origin, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${admin}` },
      body: JSON.stringify({ query: '{ globalKillSwitch }' }),
    });

  it('a listed origin may read /graphql and /health: its origin echoed exactly, never with credentials', async () => {
    for (const response of [await query(DESK), await ask('/health', DESK), await ask('/metrics', DESK)]) {
      expect(response.status).toBe(200);
      expect(response.headers.get('access-control-allow-origin')).toBe(DESK);
      expect(response.headers.get('access-control-allow-credentials')).toBeNull();
      expect(response.headers.get('vary')).toMatch(/\bOrigin\b/);
      // A page told RATE_LIMITED can read when to try again.
      expect(response.headers.get('access-control-expose-headers')).toBe('Retry-After');
    }
  });

  it('any other origin gets no CORS header on any route, though the same request is answered', async () => {
    for (const origin of [FOREIGN, `${DESK}.evil.example.net`, 'null']) {
      for (const response of [await query(origin), await ask('/health', origin), await ask('/ready', origin), await ask('/', origin)]) {
        expect(response.headers.get('access-control-allow-origin'), `${origin} ${response.url}`).toBeNull();
        expect(response.headers.get('access-control-allow-credentials')).toBeNull();
        expect(response.headers.get('vary')).toMatch(/\bOrigin\b/);
      }
    }
  });

  const preflight = (origin: string, path = '/graphql') =>
    ask(path, origin, {
      method: 'OPTIONS',
      headers: { 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization, content-type' },
    });

  it('a preflight from a listed origin allows GET and POST with authorization and content-type', async () => {
    const response = await preflight(DESK);
    expect(response.status).toBe(204);
    expect(response.headers.get('access-control-allow-origin')).toBe(DESK);
    expect(response.headers.get('access-control-allow-methods')).toBe('GET, POST');
    expect(response.headers.get('access-control-allow-headers')).toBe('authorization, content-type');
    expect(response.headers.get('access-control-allow-credentials')).toBeNull();
    expect(response.headers.get('vary')).toMatch(/\bOrigin\b/);
  });

  it('a preflight from any other origin allows nothing, so the browser never sends the request', async () => {
    for (const path of ['/graphql', '/health']) {
      const response = await preflight(FOREIGN, path);
      for (const header of [
        'access-control-allow-origin',
        'access-control-allow-methods',
        'access-control-allow-headers',
        'access-control-allow-credentials',
      ]) {
        expect(response.headers.get(header), header).toBeNull();
      }
    }
  });

  it('without CORS_ORIGINS no cross-origin page may read anything', async () => {
    const { config } = server.tandem.services;
    const sameOriginOnly = await listen(server, { services: { ...server.tandem.services, config: { ...config, CORS_ORIGINS: [] } } });
    try {
      const url = sameOriginOnly.base;
      for (const path of ['/health', '/graphql?query=%7BglobalKillSwitch%7D']) {
        const response = await fetch(`${url}${path}`, { headers: { origin: DESK, authorization: `Bearer ${admin}` } });
        expect(response.status).toBe(200);
        expect(response.headers.get('access-control-allow-origin')).toBeNull();
      }
      const denied = await fetch(`${url}/graphql`, {
        method: 'OPTIONS',
        headers: { origin: DESK, 'access-control-request-method': 'POST' },
      });
      expect(denied.headers.get('access-control-allow-origin')).toBeNull();
      expect(denied.headers.get('access-control-allow-methods')).toBeNull();
    } finally {
      await sameOriginOnly.close();
    }
  });
});

describe('WebSocket upgrades to /graphql', () => {
  /** The HTTP status of the upgrade: 101 when the socket opened. */
  function upgrade(headers: Record<string, string>): Promise<number> {
    return new Promise((resolve, reject) => {
      const socket = new WebSocket(`${base.replace(/^http/, 'ws')}/graphql`, 'graphql-transport-ws', { headers });
      socket.on('open', () => {
        socket.close();
        resolve(101);
      });
      socket.on('unexpected-response', (_request, response) => {
        resolve(response.statusCode ?? 0);
        socket.terminate();
      });
      socket.on('error', reject);
    });
  }

  it('are refused with 403 when a page on another origin asks', async () => {
    expect(await upgrade({ origin: FOREIGN })).toBe(403);
    expect(await upgrade({ origin: 'null' })).toBe(403);
  });

  it('are accepted from Tandem’s own pages, a listed origin, and clients that send no Origin', async () => {
    expect(await upgrade({ origin: base })).toBe(101);
    expect(await upgrade({ origin: DESK })).toBe(101);
    expect(await upgrade({})).toBe(101);
  });
});

describe('one graphql-ws socket', () => {
  let client: Client;
  let socketsClosed = 0;

  beforeAll(() => {
    client = createClient({
      url: `${base.replace(/^http/, 'ws')}/graphql`,
      webSocketImpl: WebSocket,
      connectionParams: { authorization: `Bearer ${admin}` },
      retryAttempts: 0,
      on: { closed: () => (socketsClosed += 1) },
    });
  });
  afterAll(async () => client?.dispose());

  /** Runs one operation on the shared socket and resolves with the errors it ended with. */
  function failingOperation(query: string): Promise<{ message: string; extensions?: Record<string, unknown> }[]> {
    return new Promise((resolve, reject) => {
      client.subscribe(
        { query },
        {
          next: () => reject(new Error(`${query} produced data`)),
          error: (error) => (Array.isArray(error) ? resolve(error) : reject(error)),
          complete: () => reject(new Error(`${query} completed without an error`)),
        },
      );
    });
  }

  it('keeps a live subscription running after a malformed and an invalid document each fail alone', async () => {
    const statuses: string[] = [];
    const liveErrors: unknown[] = [];
    const follower = (await server.account('DEMO-F1')).id;
    const stop = client.subscribe<{ orderEvents: { status: string; order: { id: string } } }>(
      { query: `subscription { orderEvents(accountId: "${follower}") { status order { id } } }` },
      {
        next: (payload) => statuses.push(`${payload.data!.orderEvents.order.id} ${payload.data!.orderEvents.status}`),
        error: (error) => liveErrors.push(error),
        complete: () => liveErrors.push('completed'),
      },
    );
    try {
      const malformed = await failingOperation('subscription { orderEvents { status ');
      expect(malformed.map((error) => error.extensions?.code)).toEqual(['GRAPHQL_PARSE_FAILED']);
      expect(malformed[0]!.message).toMatch(/Syntax Error/);

      const invalid = await failingOperation('subscription { orderEvents { noSuchField } }');
      expect(invalid.map((error) => error.extensions?.code)).toEqual(['GRAPHQL_VALIDATION_FAILED']);
      expect(invalid[0]!.message).toMatch(/noSuchField/);

      const placed = await server.gql<{ placeOrder: { id: string } }>(
        'mutation($i: PlaceOrderInput!) { placeOrder(input: $i) { id } }',
        {
          i: {
            accountId: follower,
            exchange: 'NSE',
            symbol: 'SBIN-EQ',
            side: 'BUY',
            quantity: 1,
            orderType: 'MARKET',
            productType: 'INTRADAY',
          },
        },
        admin,
      );
      const orderId = placed.data!.placeOrder.id;
      await waitFor(() => statuses.includes(`${orderId} FILLED`), 5000, 'the live subscription to see the order filled');
      expect(liveErrors).toEqual([]);
      expect(socketsClosed).toBe(0);
    } finally {
      stop();
    }
  });
});
