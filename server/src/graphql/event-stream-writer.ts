import type { ExecutionResult } from 'graphql';

/** A comment line every 12 s keeps proxies from closing a quiet stream (what Yoga sends too). */
const PING_MS = 12_000;

/** What a subscription has ready: its results in order, whether it ended, and how if it failed. */
export interface ResultBatch {
  results: ExecutionResult[];
  done: boolean;
}

/** A subscription read a batch at a time. `return` ends it (the client left). */
export interface ResultBatches {
  nextBatch(): Promise<ResultBatch>;
  return(): Promise<unknown>;
}

/** A result's `data:` text, once per result object however many streams carry it. */
const serialised = new WeakMap<object, string>();

function eventText(result: ExecutionResult): string {
  let text = serialised.get(result);
  if (text === undefined) {
    // Yoga's own writer leaves out the `http` extension; answers to events never carry one.
    const { extensions, ...rest } = result;
    const visible = extensions && 'http' in extensions ? rest : result;
    text = `event: next\ndata: ${JSON.stringify(visible)}\n\n`;
    serialised.set(result, text);
  }
  return text;
}

/**
 * Settles once the microtasks queued so far have run (process.nextTick runs after them): a
 * result already on its way through the iterators wins the race against it, one that waits on
 * I/O does not, so a batch never waits for the event loop.
 */
const drained = () => new Promise<'later'>((resolve) => process.nextTick(resolve, 'later'));

/**
 * Any subscription's results as batches: each batch takes the first result and whatever else is
 * ready with it. For streams that cannot hand over a batch themselves (see shared-events.ts).
 */
export function batchesOf(iterable: AsyncIterable<ExecutionResult>): ResultBatches {
  const iterator = iterable[Symbol.asyncIterator]();
  let pending: Promise<IteratorResult<ExecutionResult>> | null = null;
  return {
    async nextBatch() {
      let step = await (pending ?? iterator.next());
      pending = null;
      const results: ExecutionResult[] = [];
      for (;;) {
        if (step.value != null) results.push(step.value);
        if (step.done) return { results, done: true };
        const next = iterator.next();
        const ready = await Promise.race([next, drained()]);
        if (ready === 'later') {
          next.catch(() => undefined);
          pending = next;
          return { results, done: false };
        }
        step = ready;
      }
    },
    async return() {
      await iterator.return?.();
    },
  };
}

interface FetchAPI {
  TextEncoder: typeof TextEncoder;
  ReadableStream: typeof ReadableStream;
  Response: typeof Response;
}

/**
 * A subscription over SSE, written in batches: everything a stream has ready at once (the events
 * of one commit arrive together) goes out as one chunk, one socket write, and each answer is
 * serialised once for all the streams that share it. Yoga's writer made two writes and one
 * JSON.stringify per event per subscriber, which with a thousand subscribers was most of the
 * server's time. The wire format is Yoga's: `event: next` / `data:` per result, `event: complete`
 * at the end, a `:` comment first and every 12 s. Pull-based, so a slow reader holds its stream
 * back rather than filling the server's memory.
 */
export function eventStreamResponse(fetchAPI: FetchAPI, source: ResultBatches): Response {
  const encoder = new fetchAPI.TextEncoder();
  let ping: NodeJS.Timeout | undefined;
  const body = new fetchAPI.ReadableStream<Uint8Array>({
    start(controller) {
      controller.enqueue(encoder.encode(':\n\n'));
      ping = setInterval(() => {
        if (controller.desiredSize === null) clearInterval(ping);
        else if (controller.desiredSize > 0) controller.enqueue(encoder.encode(':\n\n'));
      }, PING_MS);
    },
    async pull(controller) {
      const { results, done } = await source.nextBatch();
      let text = '';
      for (const result of results) text += eventText(result);
      if (done) {
        clearInterval(ping);
        controller.enqueue(encoder.encode(`${text}event: complete\ndata:\n\n`));
        controller.close();
      } else if (text) {
        controller.enqueue(encoder.encode(text));
      }
    },
    async cancel() {
      clearInterval(ping);
      await source.return();
    },
  });
  return new fetchAPI.Response(body, {
    status: 200,
    headers: { 'Content-Type': 'text/event-stream', Connection: 'keep-alive', 'Cache-Control': 'no-cache', 'Content-Encoding': 'none' },
  });
}
