// Prints Tandem's order events, one line each, over graphql-ws, and resumes by cursor when the
// connection drops:
//
//   TANDEM_URL=http://localhost:4000 TANDEM_TOKEN=tdm_... node examples/stream-orders.mjs [--after <cursor>]
//
// Without --after it starts live from now (latestOrderEventCursor). Events go to stdout as
// tab-separated columns (cursor, kind, status, symbol, side, quantity, account); connection
// news goes to stderr. Ctrl-C prints the cursor to resume from.
import { parseArgs } from 'node:util';
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';
import { LATEST_CURSOR_QUERY, ORDER_EVENTS_SUBSCRIPTION } from './stream-orders-documents.mjs';

/** Answers another attempt with the same token and cursor cannot fix. */
const FATAL_CODES = new Set(['UNAUTHENTICATED', 'FORBIDDEN', 'BAD_USER_INPUT', 'GRAPHQL_VALIDATION_FAILED', 'GRAPHQL_PARSE_FAILED']);
const FIRST_DELAY_MS = 1_000;
const MAX_DELAY_MS = 30_000;

class TandemError extends Error {
  constructor(error) {
    super(error.message ?? String(error));
    this.code = error.extensions?.code ?? 'GRAPHQL_ERROR';
  }
}

function fail(message) {
  console.error(`stream-orders: ${message}`);
  process.exit(1);
}

/** What graphql-ws rejects with: a result's GraphQL errors, an error list, a socket CloseEvent or an Error. */
function describe(error) {
  if (error instanceof TandemError) return `${error.message} (${error.code})`;
  if (Array.isArray(error)) return error.map((e) => `${e.message} (${e.extensions?.code ?? 'GRAPHQL_ERROR'})`).join('; ');
  if (error && typeof error === 'object' && 'code' in error && 'reason' in error)
    return `socket closed ${error.code} ${error.reason}`.trim();
  return error instanceof Error ? error.message : String(error);
}

function isFatal(error) {
  if (error instanceof TandemError) return FATAL_CODES.has(error.code);
  // graphql-ws hands over a refused subscription's errors as an array (an `error` message).
  return Array.isArray(error) && error.some((e) => FATAL_CODES.has(e.extensions?.code));
}

/** The results of one operation; a result carrying errors is thrown as the first of them. */
async function* results(client, payload) {
  for await (const result of client.iterate(payload)) {
    if (result.errors?.length) throw new TandemError(result.errors[0]);
    yield result.data;
  }
}

function line(event) {
  const { order } = event;
  return [event.cursor, event.kind, event.status, order.symbol, order.side, order.quantity, order.account?.label ?? order.accountId].join(
    '\t',
  );
}

async function main() {
  const { values } = parseArgs({ options: { after: { type: 'string' } } });
  const base = process.env.TANDEM_URL;
  const token = process.env.TANDEM_TOKEN;
  if (!base || !token) fail('set TANDEM_URL (e.g. http://localhost:4000) and TANDEM_TOKEN (an API token with orders:read)');
  if (values.after !== undefined && !/^\d+$/.test(values.after)) fail(`--after takes a cursor, a decimal integer; got "${values.after}"`);
  const url = new URL(base);
  url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
  if (!url.pathname.endsWith('/graphql')) url.pathname = `${url.pathname.replace(/\/+$/, '')}/graphql`;

  // No retries inside graphql-ws: on reconnect it would resend the first `after` and replay
  // everything since; the loop below resubscribes with the last cursor instead.
  const client = createClient({
    url: url.toString(),
    webSocketImpl: WebSocket,
    connectionParams: { authorization: `Bearer ${token}` },
    retryAttempts: 0,
  });
  let last = null;
  process.once('SIGINT', () => {
    if (last !== null) console.error(`stream-orders: stopped; resume with --after ${last}`);
    void client.dispose();
    process.exit(0);
  });

  let attempt = 0;
  for (;;) {
    try {
      if (last === null && values.after !== undefined) last = BigInt(values.after);
      if (last === null) {
        for await (const data of results(client, { query: LATEST_CURSOR_QUERY })) last = BigInt(data.latestOrderEventCursor);
      }
      console.error(`stream-orders: streaming events after cursor ${last} from ${url.origin}`);
      for await (const data of results(client, { query: ORDER_EVENTS_SUBSCRIPTION, variables: { after: last.toString() } })) {
        const event = data.orderEvents;
        attempt = 0;
        // Resubscribing replays from `last`; anything at or before it was printed already.
        if (BigInt(event.cursor) <= last) continue;
        last = BigInt(event.cursor);
        console.log(line(event));
      }
      throw new Error('the server ended the stream');
    } catch (error) {
      if (isFatal(error)) fail(describe(error));
      const delay = Math.min(MAX_DELAY_MS, FIRST_DELAY_MS * 2 ** attempt);
      attempt += 1;
      console.error(`stream-orders: ${describe(error)}; resubscribing after cursor ${last ?? '(latest)'} in ${delay / 1000} s`);
      await new Promise((resolve) => setTimeout(resolve, delay));
    }
  }
}

await main();
