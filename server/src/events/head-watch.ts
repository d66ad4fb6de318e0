import type { Logger } from 'pino';
import type { Orm } from '../persistence/db.ts';
import { latestCursor } from '../persistence/repositories/order-event.repository.ts';
import type { OrderJournal } from './order-journal.ts';
import type { TypedPubSub } from './pubsub.ts';

/**
 * Tells this process's subscription streams when the database holds events no message
 * announced: while Redis is down (or a message was lost), without waiting for the next order
 * to reveal the gap. The newest cursor is read every `intervalMs` while anyone listens, every
 * `degradedIntervalMs` while Redis is down (copies and streams then wait on this, not on a
 * message), and at once when Redis comes back; while Redis is down, this process's own commits
 * are announced as they happen, so its local subscribers see them at normal speed.
 *
 * While Redis works, a head is announced only once it is a check old: what was committed before
 * the previous check and still no message announced. Announcing the newest head at once sent
 * every stream to the database for events whose messages were merely still on their way (under
 * load, a few hundred milliseconds), a thousand streams at a time; a lost message now waits one
 * interval more (at most two seconds).
 */
export class HeadWatch {
  private readonly listeners = new Set<(head: number) => void>();
  private announced = 0;
  private timer: NodeJS.Timeout | null = null;
  private checking: Promise<void> | null = null;
  private readonly stops: (() => void)[] = [];

  constructor(
    private readonly orm: Orm,
    private readonly pubsub: TypedPubSub,
    private readonly journal: OrderJournal,
    private readonly log: Logger,
    private readonly intervalMs = 1_000,
    private readonly degradedIntervalMs = 100,
  ) {}

  private lastCheck = 0;
  /** The head the previous check read. */
  private previous = 0;

  async start(): Promise<void> {
    if (this.timer) return;
    this.stops.push(
      await this.pubsub.subscribe('orderEvent', (message) => {
        this.announced = Math.max(this.announced, message.cursor);
      }),
    );
    this.stops.push(
      this.journal.onCommitted((events) => {
        if (this.pubsub.degraded() === null || events.length === 0) return;
        this.advance(Math.max(...events.map((e) => e.cursor)));
      }),
    );
    this.stops.push(this.pubsub.onRecovered(() => void this.check(true)));
    this.timer = setInterval(() => {
      const due = this.pubsub.degraded() === null ? this.intervalMs : this.degradedIntervalMs;
      if (performance.now() - this.lastCheck >= due) void this.check();
    }, this.degradedIntervalMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    for (const stop of this.stops.splice(0)) stop();
  }

  /** `listener(head)`: events up to `head` are committed; read through it. Returns the unsubscribe. */
  onAdvance(listener: (head: number) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * Reads the newest cursor and announces what no message did: at once while Redis is down or
   * just back (`now`), otherwise the head of the previous check. One check at a time.
   */
  check(now = false): Promise<void> {
    if (this.listeners.size === 0) return Promise.resolve();
    this.lastCheck = performance.now();
    this.checking ??= latestCursor(this.orm.em.fork())
      .then((head) => {
        const due = now || this.pubsub.degraded() !== null ? head : this.previous;
        this.previous = head;
        if (due > this.announced) this.advance(due);
      })
      .catch((error: unknown) =>
        this.log.warn({ err: error }, 'reading the newest event cursor failed; streams rely on messages until it works'),
      )
      .finally(() => {
        this.checking = null;
      });
    return this.checking;
  }

  private advance(head: number): void {
    this.announced = Math.max(this.announced, head);
    for (const listener of this.listeners) listener(head);
  }
}
