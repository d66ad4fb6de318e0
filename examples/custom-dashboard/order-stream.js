// orderEvents over SSE with resume by cursor. Tandem gives each event a cursor, a decimal
// integer one more than the event committed before it. The stream remembers the last one it
// let through, drops anything not past it, and after a drop subscribes again with it as
// `after`, so the server replays exactly what was missed. graphql-sse's own client could
// retry, but it would resend the original `after` and replay everything since the page opened.
import { ApiError, answerError, graphqlUrl } from './api.js';
import { ORDER_EVENTS_SUBSCRIPTION } from './documents.js';
import { eventFrames } from './event-stream.js';

/** Answers that another attempt with the same token and cursor cannot fix: shown, not retried. */
const FATAL_CODES = new Set(['UNAUTHENTICATED', 'FORBIDDEN', 'BAD_USER_INPUT', 'GRAPHQL_VALIDATION_FAILED', 'GRAPHQL_PARSE_FAILED']);
/** Back-off between attempts: 1 s, doubling up to 30 s, each with ±25 % jitter so a fleet of pages spreads out. */
const FIRST_DELAY_MS = 1_000;
const MAX_DELAY_MS = 30_000;
/** The server writes a comment every 12 s; this long without a byte means the connection is dead without saying so. */
const SILENCE_MS = 40_000;
/** A stream that stayed up this long was healthy: the next drop starts the back-off afresh. */
const HEALTHY_MS = 10_000;

function backoffMs(attempt) {
  const base = Math.min(MAX_DELAY_MS, FIRST_DELAY_MS * 2 ** attempt);
  return Math.round(base * (0.75 + Math.random() * 0.5));
}

class StreamEnded extends Error {}

/**
 * Streams order events after `after` until stopped.
 * - `onEvent(event)` once per new cursor, in cursor order;
 * - `onDuplicate(event)` for an event at or before the last cursor seen (dropped);
 * - `onState({ state, ... })`: `live` (with `after`), `reconnecting` (with `reason`, `delayMs`,
 *   `attempt`) or `error` (with `error`, an ApiError; the stream has stopped).
 */
export function streamOrderEvents({ connection, after, onEvent, onDuplicate, onState }) {
  let last = BigInt(after);
  let stopped = false;
  let abort = null;
  let wake = null;

  /** One connection, until it fails: resolves with why, and whether it had been up long enough to count as healthy. */
  async function attemptOnce() {
    abort = new AbortController();
    const controller = abort;
    let silence;
    const watch = () => {
      clearTimeout(silence);
      silence = setTimeout(() => controller.abort(new StreamEnded('no data for 40 s; the connection is presumed dead')), SILENCE_MS);
    };
    let openedAt = null;
    try {
      watch();
      const response = await fetch(graphqlUrl(connection.base), {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'text/event-stream', authorization: `Bearer ${connection.token}` },
        body: JSON.stringify({ query: ORDER_EVENTS_SUBSCRIPTION, variables: { after: last.toString() } }),
        signal: controller.signal,
      });
      if (!response.ok || !response.headers.get('content-type')?.includes('text/event-stream')) throw await answerError(response);
      openedAt = Date.now();
      onState({ state: 'live', after: last.toString() });
      for await (const frame of eventFrames(response.body)) {
        watch();
        if (frame.event === 'complete') throw new StreamEnded('the server ended the stream');
        if (frame.event !== 'next' || !frame.data) continue;
        const result = JSON.parse(frame.data);
        // Tandem reports a refused subscription (bad token, pruned cursor) as a `next` with errors, then `complete`.
        if (Array.isArray(result.errors) && result.errors.length > 0) throw ApiError.fromGraphQL(result.errors);
        const event = result.data?.orderEvents;
        if (!event) continue;
        // Cursors are decimal integers: compared as numbers ("10" > "9"), never as text.
        if (BigInt(event.cursor) <= last) {
          onDuplicate(event);
          continue;
        }
        last = BigInt(event.cursor);
        onEvent(event);
      }
      throw new StreamEnded('the connection closed');
    } catch (error) {
      // An abort carries its reason (the watchdog's, or stop()'s); anything else is what fetch or the read threw.
      return {
        error: controller.signal.aborted ? controller.signal.reason : error,
        healthy: openedAt !== null && Date.now() - openedAt >= HEALTHY_MS,
      };
    } finally {
      clearTimeout(silence);
    }
  }

  async function run() {
    let attempt = 0;
    while (!stopped) {
      const { error, healthy } = await attemptOnce();
      if (stopped) return;
      if (error instanceof ApiError && FATAL_CODES.has(error.code)) {
        onState({ state: 'error', error });
        return;
      }
      if (healthy) attempt = 0;
      const delayMs = Math.max(backoffMs(attempt), (error?.retryAfterSeconds ?? 0) * 1000);
      attempt += 1;
      onState({ state: 'reconnecting', reason: error, delayMs, attempt });
      await new Promise((resolve) => {
        wake = resolve;
        setTimeout(resolve, delayMs);
      });
    }
  }

  void run();
  return {
    /** The last cursor let through: where the next attempt resumes. */
    lastCursor: () => last.toString(),
    stop() {
      stopped = true;
      abort?.abort(new StreamEnded('stopped'));
      wake?.();
    },
  };
}
