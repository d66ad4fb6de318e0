// A subscriber process of its own: `count` orderEvents subscriptions (SSE or graphql-ws) to one
// account, each event timestamped on receipt. Driven by its parent over IPC (subscribers.ts):
// `want` answers once every subscription has seen a cursor, `stop` sends what was received.
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';
import { streamEvents } from '../../tests/support/sse.ts';
import type { ClientOptions, ClientReport, ParentMessage, Receipt } from './subscribers.ts';

const options = JSON.parse(process.argv[2]!) as ClientOptions;
const QUERY = 'subscription($a: ID, $after: String) { orderEvents(accountId: $a, after: $after) { cursor kind status at order { id } } }';
const variables = { a: options.accountId, after: options.after };

interface Event {
  cursor: string;
  status: string;
  at: string;
  order: { id: string };
}

interface Subscription {
  cursors: Set<number>;
  repeated: number;
  maxCursor: number;
  lags: number[];
}

const subscriptions: Subscription[] = [];
const receipts: Receipt[] = [];
const closers: (() => void)[] = [];
let want: number | null = null;
let reachedWant = 0;

function received(subscription: Subscription, index: number, event: Event, receivedAt: number): void {
  const cursor = Number(event.cursor);
  if (subscription.cursors.has(cursor)) subscription.repeated += 1;
  subscription.cursors.add(cursor);
  subscription.lags.push(receivedAt - Date.parse(event.at));
  if (options.receipts && index === 0) receipts.push({ cursor, orderId: event.order.id, status: event.status, receivedAt });
  if (want !== null && subscription.maxCursor < want && cursor >= want) reachedWant += 1;
  subscription.maxCursor = Math.max(subscription.maxCursor, cursor);
  answerWant();
}

function answerWant(): void {
  if (want !== null && reachedWant === subscriptions.length) {
    process.send!({ reached: want });
    want = null;
  }
}

async function openSse(subscription: Subscription, index: number): Promise<void> {
  const abort = new AbortController();
  closers.push(() => abort.abort());
  const url = new URL('/graphql', options.url);
  url.searchParams.set('query', QUERY);
  url.searchParams.set('variables', JSON.stringify(variables));
  const response = await fetch(url, {
    headers: { accept: 'text/event-stream', authorization: `Bearer ${options.token}` },
    signal: abort.signal,
  });
  if (!response.ok) throw new Error(`subscription answered ${response.status}: ${await response.text()}`);
  void (async () => {
    for await (const { event, data } of streamEvents(response.body!)) {
      if (event !== 'next' || !data) continue;
      const receivedAt = Date.now();
      const payload = JSON.parse(data) as { data?: { orderEvents?: Event }; errors?: unknown };
      if (payload.errors) throw new Error(`subscription error: ${JSON.stringify(payload.errors)}`);
      if (payload.data?.orderEvents) received(subscription, index, payload.data.orderEvents, receivedAt);
    }
  })().catch((error: unknown) => {
    if (!abort.signal.aborted) fail(error);
  });
}

async function openWs(subscription: Subscription, index: number): Promise<void> {
  const client = createClient({
    url: `${options.url.replace(/^http/, 'ws')}/graphql`,
    webSocketImpl: WebSocket,
    connectionParams: { authorization: `Bearer ${options.token}` },
    retryAttempts: 0,
    lazy: false,
  });
  closers.push(() => void client.dispose());
  await new Promise<void>((resolve, reject) => {
    client.on('connected', () => resolve());
    client.on('error', reject);
  });
  client.subscribe<{ orderEvents: Event }>(
    { query: QUERY, variables },
    {
      next: (payload) => {
        const receivedAt = Date.now();
        if (payload.data?.orderEvents) received(subscription, index, payload.data.orderEvents, receivedAt);
        else fail(new Error(`subscription error: ${JSON.stringify(payload.errors)}`));
      },
      error: fail,
      complete: () => undefined,
    },
  );
}

function fail(error: unknown): void {
  process.send!({ error: String(error instanceof Error ? error.stack : error) });
  process.exit(1);
}

// Orphaned (the runner died): nothing left to report to.
process.on('disconnect', () => process.exit(0));
process.on('message', (message: ParentMessage) => {
  if ('want' in message) {
    want = message.want;
    reachedWant = subscriptions.filter((s) => s.maxCursor >= message.want).length;
    answerWant();
    return;
  }
  for (const close of closers) close();
  const report: ClientReport = {
    subscriptions: subscriptions.map((s) => ({ unique: s.cursors.size, repeated: s.repeated })),
    lags: subscriptions.flatMap((s) => s.lags),
    receipts,
  };
  process.send!({ report }, () => process.exit(0));
});

for (let index = 0; index < options.count; index += 1) {
  subscriptions.push({ cursors: new Set(), repeated: 0, maxCursor: 0, lags: [] });
}
// Opened a few at a time: a thousand handshakes at once is a burst no real audience makes.
const open = options.transport === 'ws' ? openWs : openSse;
for (let start = 0; start < options.count; start += 25) {
  await Promise.all(subscriptions.slice(start, start + 25).map((s, offset) => open(s, start + offset)));
}
process.send!({ subscribed: options.count });
