import type { ExecutionResult } from 'graphql';
import type { Plugin } from 'graphql-yoga';

/** A comment line every 12 s keeps proxies from closing a quiet stream (what Yoga sends too). */
const PING_MS = 12_000;

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
 * result that is already on its way through the iterators wins the race against it, one that
 * waits on I/O does not, so a batch never waits for the event loop.
 */
const drained = () => new Promise<'later'>((resolve) => process.nextTick(resolve, 'later'));

/**
 * Subscriptions over SSE, written in batches: everything a stream has ready at once (the events
 * of one commit arrive together) goes out as one chunk (one socket write), and each answer is serialised once for all
 * the streams that share it (see shared-events.ts). Yoga's writer made two writes and one
 * JSON.stringify per event per subscriber, which with a thousand subscribers was most of the
 * server's time. The wire format is Yoga's: `event: next` / `data:` per result, `event: complete`
 * at the end, a `:` comment first and every 12 s. Pull-based, so a slow reader still holds its
 * stream back rather than filling the server's memory.
 */
export function useBatchedEventStreams(): Plugin {
  return {
    onResultProcess({ request, result, setResultProcessor }) {
      if (!isAsyncIterable(result)) return;
      if (!request.headers.get('accept')?.includes('text/event-stream')) return;
      setResultProcessor((stream, fetchAPI) => {
        const iterator = (stream as AsyncIterable<ExecutionResult>)[Symbol.asyncIterator]();
        const encoder = new fetchAPI.TextEncoder();
        let ping: NodeJS.Timeout | undefined;
        let pending: Promise<IteratorResult<ExecutionResult>> | null = null;
        const body = new fetchAPI.ReadableStream<Uint8Array>({
          start(controller) {
            controller.enqueue(encoder.encode(':\n\n'));
            ping = setInterval(() => {
              if (controller.desiredSize === null) clearInterval(ping);
              else if (controller.desiredSize > 0) controller.enqueue(encoder.encode(':\n\n'));
            }, PING_MS);
          },
          async pull(controller) {
            let step = await (pending ?? iterator.next());
            pending = null;
            let text = '';
            for (;;) {
              if (step.value != null) text += eventText(step.value);
              if (step.done) {
                clearInterval(ping);
                controller.enqueue(encoder.encode(`${text}event: complete\ndata:\n\n`));
                controller.close();
                return;
              }
              // Take what is ready now; what is not yet goes in the next chunk.
              const next = iterator.next();
              const ready = await Promise.race([next, drained()]);
              if (ready === 'later') {
                next.catch(() => undefined);
                pending = next;
                break;
              }
              step = ready;
            }
            controller.enqueue(encoder.encode(text));
          },
          async cancel() {
            clearInterval(ping);
            await iterator.return?.();
          },
        });
        return new fetchAPI.Response(body, {
          status: 200,
          headers: {
            'Content-Type': 'text/event-stream',
            Connection: 'keep-alive',
            'Cache-Control': 'no-cache',
            'Content-Encoding': 'none',
          },
        });
      }, 'text/event-stream');
    },
  };
}

function isAsyncIterable(value: unknown): value is AsyncIterable<unknown> {
  return typeof value === 'object' && value !== null && Symbol.asyncIterator in value;
}
