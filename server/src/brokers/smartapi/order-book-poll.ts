// The order book, read at most once a second per account (SmartAPI's limit, docs/smartapi.md §7),
// and shared: the reconciliation poll, look-ups by tag and orderBook() all take the next read
// rather than each making their own. Every book read is handed to `onBook`, so whatever reads
// it, the updates the socket missed are found.
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from 'pino';
import type { BrokerOrder } from '../port.ts';

export interface BookPollDeps {
  clientCode: string;
  fetchBook: () => Promise<BrokerOrder[]>;
  onBook: (orders: BrokerOrder[], requestedAt: number) => void;
  log: Logger;
}

const ERROR_PAUSE_MS = 1_000;

export class OrderBookPoll {
  /** A read that callers may still join: it has not been sent yet. */
  private next: Promise<BrokerOrder[]> | null = null;
  private last: Promise<unknown> = Promise.resolve();
  private running = false;
  private loop: Promise<void> | null = null;

  constructor(private readonly deps: BookPollDeps) {}

  /** The book as it is after this call was made. */
  read(): Promise<BrokerOrder[]> {
    if (this.next) return this.next;
    const read = this.last
      .catch(() => undefined)
      .then(async () => {
        if (this.next === read) this.next = null;
        const requestedAt = performance.now();
        const orders = await this.deps.fetchBook();
        this.deps.onBook(orders, requestedAt);
        return orders;
      });
    this.next = read;
    this.last = read;
    return read;
  }

  /** Reads the book over and over, as fast as its limit allows, until stop(). */
  start(): void {
    if (this.running) return;
    this.running = true;
    this.loop = this.poll();
  }

  async stop(): Promise<void> {
    this.running = false;
    await this.loop;
    this.loop = null;
  }

  private async poll(): Promise<void> {
    let lastProblem = '';
    while (this.running) {
      try {
        await this.read();
        if (lastProblem) this.deps.log.info({ clientCode: this.deps.clientCode }, 'SmartAPI order-book poll working again');
        lastProblem = '';
      } catch (error) {
        const problem = error instanceof Error ? error.message : String(error);
        if (problem !== lastProblem)
          this.deps.log.warn({ clientCode: this.deps.clientCode, reason: problem }, 'SmartAPI order-book poll failed; trying again');
        lastProblem = problem;
        await sleep(ERROR_PAUSE_MS);
      }
    }
  }
}
