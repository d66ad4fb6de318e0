// Keeps an `orderEvents` subscription alive across network drops and resumes it from the last
// cursor applied. Framework- and transport-free: the page injects how a subscription is opened.

export interface StreamError {
  message: string;
  code: string;
  field?: string;
}

export interface StreamSink<Event> {
  next(event: Event): void;
  error(errors: StreamError[]): void;
}

/** Opens a subscription replaying `cursor > after` (live only when null); returns its closer. */
export type OpenStream<Event> = (after: string | null, sink: StreamSink<Event>) => () => void;

export type StreamState =
  | { kind: 'live'; after: string | null }
  | { kind: 'reconnecting'; attempt: number; reason: string }
  | { kind: 'stopped'; reason: string };

export interface ResumableStreamOptions<Event> {
  open: OpenStream<Event>;
  /** The newest cursor already applied: where a new subscription starts. */
  lastCursor(): string | null;
  onEvent(event: Event): void;
  /**
   * Called when the stream (re)starts live only (no cursor yet, or the cursor is no longer
   * kept), and again once its first event shows it is up: what happened before it started is
   * not replayed, so whatever is shown must be read again.
   */
  onGap(): void;
  onState?(state: StreamState): void;
  /** Delays before each retry, the last repeating (ms). */
  retryDelaysMs?: readonly number[];
  setTimer?(run: () => void, ms: number): () => void;
}

const DEFAULT_DELAYS = [500, 1000, 2000, 5000, 10_000];
// Retrying cannot fix these: the user must sign in again or lacks the right.
const FINAL_CODES = new Set(['UNAUTHENTICATED', 'FORBIDDEN']);

const defaultTimer = (run: () => void, ms: number) => {
  const id = setTimeout(run, ms);
  return () => clearTimeout(id);
};

/**
 * Starts the stream and returns the function that stops it for good.
 *
 * A stream opened live only is reopened from its first event's cursor at once: a transport
 * that silently re-sends the same request after a drop then replays from that cursor instead
 * of going live only and missing whatever happened while it was away. Events already applied
 * are the blotter's to ignore (it is idempotent by cursor).
 */
export function startResumableStream<Event>(options: ResumableStreamOptions<Event>): () => void {
  const delays = options.retryDelaysMs ?? DEFAULT_DELAYS;
  const setTimer = options.setTimer ?? defaultTimer;
  let close: (() => void) | null = null;
  let cancelRetry: (() => void) | null = null;
  let generation = 0;
  let attempt = 0;
  let stopped = false;
  let forgetCursor = false;

  const open = () => {
    const mine = ++generation;
    const after = forgetCursor ? null : options.lastCursor();
    forgetCursor = false;
    if (after === null) options.onGap();
    options.onState?.({ kind: 'live', after });
    let anchored = after !== null;
    const closeThis = options.open(after, {
      next(event) {
        if (mine !== generation || stopped) return;
        attempt = 0;
        options.onEvent(event);
        if (!anchored) {
          anchored = true;
          // This event proves the stream is up; what committed between the first read and the
          // stream starting is covered by reading again now.
          options.onGap();
          reopenFrom();
        }
      },
      error(errors) {
        if (mine !== generation || stopped) return;
        fail(errors);
      },
    });
    // A transport may fail before it returns its closer: then it is closed at once.
    if (mine === generation && !stopped) close = closeThis;
    else closeThis();
  };

  const closeCurrent = () => {
    generation++;
    const current = close;
    close = null;
    current?.();
  };

  const reopenFrom = () => {
    // Closing inside the sink's own callback is safe: the generation check drops late events.
    queueMicrotask(() => {
      if (stopped) return;
      closeCurrent();
      open();
    });
  };

  const fail = (errors: StreamError[]) => {
    closeCurrent();
    const reason = errors.map((e) => e.message).join('; ') || 'the live stream ended';
    const final = errors.find((e) => FINAL_CODES.has(e.code));
    if (final) {
      stopped = true;
      options.onState?.({ kind: 'stopped', reason });
      return;
    }
    // The server refuses a cursor it no longer keeps (or one from another database).
    if (errors.some((e) => e.code === 'BAD_USER_INPUT' && e.field === 'after')) forgetCursor = true;
    attempt++;
    options.onState?.({ kind: 'reconnecting', attempt, reason });
    const delay = delays[Math.min(attempt - 1, delays.length - 1)] ?? 1000;
    cancelRetry = setTimer(() => {
      cancelRetry = null;
      if (!stopped) open();
    }, delay);
  };

  open();
  return () => {
    stopped = true;
    cancelRetry?.();
    closeCurrent();
  };
}
