import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from 'pino';

/**
 * SQLSTATEs and socket errors that mean the connection to PostgreSQL went away (terminated by
 * an administrator, a restart, a failover, a network cut), not that a statement was wrong.
 */
const LOST_CODES = new Set([
  '57P01',
  '57P02',
  '57P03',
  '08000',
  '08001',
  '08003',
  '08004',
  '08006',
  'ECONNRESET',
  'ECONNREFUSED',
  'EPIPE',
  'ETIMEDOUT',
]);
/** What pg and knex say when a connection dies under a query or a transaction, where they give no code. */
const LOST_MESSAGES =
  /Connection terminated|Connection ended unexpectedly|Client has encountered a connection error|terminating connection|Transaction query already complete|Timeout acquiring a connection|timeout exceeded when trying to connect|ECONNRESET|ECONNREFUSED/i;

/** Whether this error (or one it wraps) means the database connection was lost: the same work may succeed once it is back. */
export function isConnectionLoss(error: unknown): boolean {
  for (let at: unknown = error, depth = 0; at && typeof at === 'object' && depth < 5; depth += 1) {
    const { code, message, cause } = at as { code?: unknown; message?: unknown; cause?: unknown };
    if (typeof code === 'string' && LOST_CODES.has(code)) return true;
    if (typeof message === 'string' && LOST_MESSAGES.test(message)) return true;
    at = cause;
  }
  return false;
}

/** Backoff between attempts while the database is unreachable: quick at first (a cut connection is replaced at once), then once a second. */
const RETRY_DELAYS_MS = [20, 50, 100, 200, 500, 1000];

/**
 * Whether PostgreSQL answers, as the work that needs it finds out: the first connection loss
 * is logged once with what Tandem does meanwhile, and the first success after it with how
 * long it lasted. /ready reports it; the replicator's writes wait for it (`whileUnreachable`).
 */
export class DatabaseHealth {
  private downSince: number | null = null;
  private losses = 0;

  constructor(private readonly log: Logger) {}

  get reachable(): boolean {
    return this.downSince === null;
  }

  /** Connection losses seen since start (each attempt that failed for one). */
  get lossCount(): number {
    return this.losses;
  }

  lost(error: unknown, what: string): void {
    this.losses += 1;
    if (this.downSince !== null) return;
    this.downSince = Date.now();
    this.log.error(
      { err: error, what },
      'database unreachable: replication paused; every order change is retried until the database answers, nothing is sent without its row',
    );
  }

  answered(): void {
    if (this.downSince === null) return;
    this.log.warn({ unreachableMs: Date.now() - this.downSince }, 'database reachable again: replication resumed');
    this.downSince = null;
  }

  /**
   * Runs `work` until it completes without losing its connection, waiting between attempts,
   * for at most `giveUpAfterMs` (then the last loss is thrown). Only for work that is safe to
   * run again: each attempt is told its number, so it can recognise its own earlier commit.
   * Any other error is thrown at once.
   */
  async whileUnreachable<T>(what: string, work: (attempt: number) => Promise<T>, giveUpAfterMs = Number.POSITIVE_INFINITY): Promise<T> {
    const started = Date.now();
    for (let attempt = 0; ; attempt += 1) {
      try {
        const result = await work(attempt);
        this.answered();
        return result;
      } catch (error) {
        if (!isConnectionLoss(error)) throw error;
        this.lost(error, what);
        if (Date.now() - started >= giveUpAfterMs) throw error;
        await sleep(RETRY_DELAYS_MS[Math.min(attempt, RETRY_DELAYS_MS.length - 1)]!);
      }
    }
  }
}
