import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import { gqlAt, readAnswer } from './gql.ts';
import type { GraphQLResponse, TestServer } from './harness.ts';
import { listen } from './listening.ts';
import { streamEvents } from './sse.ts';

/** The same Tandem on a real port, reached the ways a client can: POST, GET, SSE and graphql-ws. */
export interface Transports {
  url: string;
  post(query: string, variables?: Record<string, unknown>, token?: string | null): Promise<GraphQLResponse>;
  /** Queries only: a GET never runs a mutation. */
  get(query: string, variables?: Record<string, unknown>, token?: string | null): Promise<GraphQLResponse>;
  /** The first payload of an SSE stream (or how it failed), then the stream is dropped; 'quiet' when nothing came within `quietMs`. */
  sse(query: string, variables?: Record<string, unknown>, token?: string | null, quietMs?: number): Promise<GraphQLResponse | 'quiet'>;
  /**
   * The first payload over graphql-ws (as the admin), or the error that ended it, then the
   * operation is completed. A live subscription that says nothing within `quietMs` was accepted.
   */
  ws(query: string, variables?: Record<string, unknown>, quietMs?: number): Promise<GraphQLResponse | 'quiet'>;
  close(): Promise<void>;
}

const bearer = (token: string | null | undefined): Record<string, string> => (token ? { authorization: `Bearer ${token}` } : {});

export async function openTransports(server: TestServer, wsToken: string): Promise<Transports> {
  const http = await listen(server);
  const url = http.graphql;
  const client: Client = createClient({
    url: url.replace(/^http/, 'ws'),
    webSocketImpl: WebSocket,
    connectionParams: { authorization: `Bearer ${wsToken}` },
    retryAttempts: 0,
    lazy: true,
  });

  const search = (query: string, variables?: Record<string, unknown>) => {
    const params = new URLSearchParams({ query });
    if (variables) params.set('variables', JSON.stringify(variables));
    return `${url}?${params.toString()}`;
  };

  return {
    url,
    post(query, variables, token) {
      return gqlAt(http.base, query, variables, token);
    },
    async get(query, variables, token) {
      return readAnswer(await fetch(search(query, variables), { headers: { accept: 'application/json', ...bearer(token) } }));
    },
    async sse(query, variables, token, quietMs = 10_000) {
      const abort = new AbortController();
      let quiet = false;
      const timer = setTimeout(() => {
        quiet = true;
        abort.abort();
      }, quietMs);
      const response = await fetch(search(query, variables), {
        headers: { accept: 'text/event-stream', ...bearer(token) },
        signal: abort.signal,
      });
      if (!response.body || !(response.headers.get('content-type') ?? '').includes('text/event-stream')) return readAnswer(response);
      try {
        for await (const { event, data } of streamEvents(response.body)) {
          if (event === 'next') return { ...(JSON.parse(data) as object), status: response.status } as GraphQLResponse;
          if (event === 'complete') return { status: response.status };
        }
        return { status: response.status, errors: [{ message: 'the event stream ended without an event' }] };
      } catch (error) {
        if (quiet) return 'quiet';
        return { status: response.status, errors: [{ message: `the event stream failed: ${String(error)}` }] };
      } finally {
        clearTimeout(timer);
        abort.abort();
      }
    },
    ws(query, variables, quietMs = 10_000) {
      return new Promise((resolve) => {
        let settled = false;
        const settle = (value: GraphQLResponse | 'quiet') => {
          if (settled) return;
          settled = true;
          clearTimeout(timer);
          unsubscribe();
          resolve(value);
        };
        const timer = setTimeout(() => settle('quiet'), quietMs);
        const unsubscribe = client.subscribe<Record<string, unknown>>(
          { query, variables },
          {
            next: (payload) => settle({ status: 200, ...(payload as object) } as GraphQLResponse),
            error: (error) =>
              settle({
                status: 200,
                errors: Array.isArray(error)
                  ? error
                  : [
                      {
                        message: `the socket failed: ${String((error as { reason?: string }).reason ?? error)}`,
                        extensions: { closeCode: (error as { code?: number }).code },
                      },
                    ],
              }),
            complete: () => settle({ status: 200 }),
          },
        );
      });
    },
    async close() {
      await client.dispose();
      await http.close();
    },
  };
}
