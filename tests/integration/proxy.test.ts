// docker-compose.yml's one published port, for real: Debian's nginx running deploy/nginx.conf
// (its replicas and listen address changed, nothing else) in front of three Tandem processes on
// one PostgreSQL and Redis, reached through that port the ways clients reach Tandem.
import { request } from 'node:http';
import { createClient } from 'graphql-ws';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { redisUrl } from '../support/database.ts';
import { FLEET_ADMIN, placeMasterOrder, prepareFleet, type Fleet } from '../support/fleet.ts';
import { gqlAt, loginAt, ok, readAnswer } from '../support/gql.ts';
import type { GraphQLResponse } from '../support/harness.ts';
import { requireNginx, startNginxProxy, type NginxProxy } from '../support/nginx-proxy.ts';
import { streamEvents, type StreamedEvent } from '../support/sse.ts';
import {
  killServerProcesses,
  startServerProcess,
  START_TIMEOUT_MS,
  stopServerProcess,
  type ServerProcess,
} from '../support/spawn-server.ts';

afterAll(killServerProcesses);

const LOGIN = 'mutation($e: String!, $p: String!) { login(email: $e, password: $p) { token } }';
const ORDER_EVENTS = 'subscription($a: ID!) { orderEvents(accountId: $a, after: "0") { cursor status order { id } } }';

/** GraphQL requests each replica has answered, from its own /metrics. */
async function graphqlRequestsServed(url: string): Promise<number> {
  const text = await (await fetch(`${url}/metrics`)).text();
  return [...text.matchAll(/^tandem_http_requests_total\{[^}]*route="\/graphql"[^}]*\} (\d+)/gm)].reduce((sum, m) => sum + Number(m[1]), 0);
}

/** A POST to /graphql sent from `localAddress` (127.0.0.0/8 is all this machine), as a client elsewhere would. */
function postFrom(localAddress: string, base: string, body: object, headers: Record<string, string> = {}): Promise<GraphQLResponse> {
  const payload = JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = request(
      `${base}/graphql`,
      {
        method: 'POST',
        localAddress,
        headers: { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(payload)), ...headers },
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (text += chunk));
        res.on('end', () => resolve(readAnswer(new Response(text, { status: res.statusCode }))));
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}

const shared = redisUrl !== null;

describe.skipIf(!shared)(
  `nginx from deploy/nginx.conf in front of three replicas${shared ? '' : ' (skipped: REDIS_URL is unset, and three replicas need a shared PostgreSQL and Redis)'}`,
  () => {
    let fleet: Fleet;
    let replicas: ServerProcess[] = [];
    let replicaUrls: string[];
    let proxy: NginxProxy | undefined;
    let token: string;

    beforeAll(async () => {
      requireNginx();
      // nginx connects to the replicas from 127.0.0.1; the test's clients come from other loopback addresses.
      fleet = await prepareFleet({ followers: 1, prefix: 'PROXY', env: { TRUSTED_PROXIES: '127.0.0.1' } });
      replicas = [0, 1, 2].map(() => startServerProcess(fleet.env));
      replicaUrls = await Promise.all(replicas.map((replica) => replica.url));
      proxy = await startNginxProxy(replicaUrls.map((url) => new URL(url).host));
    }, 2 * START_TIMEOUT_MS);

    afterAll(async () => {
      await proxy?.stop();
      await Promise.all(replicas.map((replica) => stopServerProcess(replica).catch(() => undefined)));
      await fleet?.close();
    });

    it('answers GraphQL through its one port: the admin signs in and reads who they are', async () => {
      token = await loginAt(proxy!.base, FLEET_ADMIN.email, FLEET_ADMIN.password);
      const me = ok(await gqlAt<{ me: { email: string } }>(proxy!.base, '{ me { email } }', undefined, token));
      expect(me.me.email).toBe(FLEET_ADMIN.email);
    });

    it('spreads requests over every replica', async () => {
      const before = await Promise.all(replicaUrls.map(graphqlRequestsServed));
      for (let i = 0; i < 6; i += 1) ok(await gqlAt(proxy!.base, '{ me { email } }', undefined, token));
      const after = await Promise.all(replicaUrls.map(graphqlRequestsServed));
      const served = after.map((count, i) => count - before[i]!);
      expect(served.reduce((sum, n) => sum + n, 0)).toBe(6);
      expect(served.filter((n) => n > 0).length, `requests per replica: ${served.join(', ')}`).toBe(3);
    });

    it('hands Tandem a request body a client sent chunked whole, with the Content-Length Tandem requires', async () => {
      const body = new Blob([JSON.stringify({ query: '{ me { email } }' })]).stream();
      const response = await fetch(`${proxy!.base}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body,
        duplex: 'half',
      } as RequestInit);
      expect(ok(await readAnswer<{ me: { email: string } }>(response)).me.email).toBe(FLEET_ADMIN.email);
    });

    it("refuses a body over Tandem's 1 MiB limit itself, so no replica answers one it has not read", async () => {
      const before = await Promise.all(replicaUrls.map(graphqlRequestsServed));
      const answer = await fetch(`${proxy!.base}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: JSON.stringify({ query: `{ me { email } } # ${'x'.repeat(1_100_000)}` }),
      });
      expect(answer.status).toBe(413);
      expect(await Promise.all(replicaUrls.map(graphqlRequestsServed))).toEqual(before);
    });

    it('streams an order event over SSE as it happens, while the stream stays open', async () => {
      const abort = new AbortController();
      const events: StreamedEvent[] = [];
      let ended = false;
      const url = new URL('/graphql', proxy!.base);
      url.searchParams.set('query', ORDER_EVENTS);
      url.searchParams.set('variables', JSON.stringify({ a: fleet.masterId }));
      const response = await fetch(url, {
        headers: { accept: 'text/event-stream', authorization: `Bearer ${token}` },
        signal: abort.signal,
      });
      expect(response.headers.get('content-type')).toMatch(/^text\/event-stream/);
      const reading = (async () => {
        for await (const { event, data } of streamEvents(response.body!)) {
          if (event === 'next') events.push((JSON.parse(data) as { data: { orderEvents: StreamedEvent } }).data.orderEvents);
        }
        ended = true;
      })().catch(() => undefined);
      try {
        const orderId = await placeMasterOrder(proxy!.base, token, fleet, 'BUY');
        // An event is a few hundred bytes: a proxy holding the response until a buffer fills would
        // keep it until the stream ended, as nginx does with buffering on and its default HTTP/1.0.
        await expect
          .poll(() => events.some((e) => e.order.id === orderId && e.status === 'FILLED'), { timeout: 15_000, interval: 50 })
          .toBe(true);
        expect(ended).toBe(false);
      } finally {
        abort.abort();
        await reading;
      }
    });

    it('runs a graphql-ws subscription through the upgrade, opened from a page on the proxy’s own origin', async () => {
      const proxyBase = proxy!.base;
      // The dashboard, served through the proxy, opens its socket with that Origin; Tandem checks it against Host.
      class FromDashboard extends WebSocket {
        constructor(address: string, protocols?: string | string[]) {
          super(address, protocols, { origin: proxyBase });
        }
      }
      const client = createClient({
        url: `${proxyBase.replace(/^http/, 'ws')}/graphql`,
        webSocketImpl: FromDashboard,
        connectionParams: { authorization: `Bearer ${token}` },
        retryAttempts: 0,
      });
      const events: StreamedEvent[] = [];
      const failures: unknown[] = [];
      const unsubscribe = client.subscribe<{ orderEvents: StreamedEvent }>(
        { query: ORDER_EVENTS, variables: { a: fleet.masterId } },
        {
          next: (payload) => {
            if (payload.data) events.push(payload.data.orderEvents);
            if (payload.errors) failures.push(payload.errors);
          },
          error: (error) => failures.push(error),
          complete: () => undefined,
        },
      );
      try {
        const orderId = await placeMasterOrder(proxyBase, token, fleet, 'SELL');
        await expect
          .poll(() => failures.length > 0 || events.some((e) => e.order.id === orderId && e.status === 'FILLED'), {
            timeout: 15_000,
            interval: 50,
          })
          .toBe(true);
        expect(failures).toEqual([]);
      } finally {
        unsubscribe();
        await client.dispose();
      }
    });

    it('gives Tandem the client’s address from X-Forwarded-For, never an address the client made up', async () => {
      const intruder = 'intruder@test.local';
      const fail = (from: string, headers?: Record<string, string>) =>
        postFrom(from, proxy!.base, { query: LOGIN, variables: { e: intruder, p: 'not-the-password' } }, headers);
      const spoofed = await fail('127.0.0.2', { 'x-forwarded-for': '203.0.113.9' });
      const plain = await fail('127.0.0.3');
      for (const answer of [spoofed, plain]) expect(answer.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
      // Sign-in failures are counted per (address, email), in Redis for every replica.
      const redis = new Redis(redisUrl!);
      try {
        const keys = await redis.keys(`${fleet.env.REDIS_PREFIX}login:pair:*`);
        const addresses = keys
          .map((key) => key.slice(`${fleet.env.REDIS_PREFIX}login:pair:`.length).split(' '))
          .filter(([, email]) => email === intruder)
          .map(([address]) => address)
          .sort();
        // Not nginx's 127.0.0.1, not the made-up 203.0.113.9: the address each client connected from.
        expect(addresses).toEqual(['127.0.0.2', '127.0.0.3']);
      } finally {
        redis.disconnect();
      }
    });
  },
);
