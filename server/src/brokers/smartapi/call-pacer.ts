// SmartAPI's per-endpoint limits, kept inside the adapter (docs/smartapi.md §7). Angel counts a
// call when it arrives, which is some time between when Tandem sent it and when the answer
// came back: two calls sent a second apart can arrive closer than that. So a call counts in
// a window from the moment it is sent until a window's length after its answer, and a new
// call goes only when every window has room. Bursts then run at `limit` per (window + round
// trip), never over the limit, however the network or a busy event loop delays them.
import { setTimeout as sleep } from 'node:timers/promises';
import { SMARTAPI_ORDER_RATE_WINDOWS, type RateWindow } from '../../core/replication/token-bucket.ts';

export type CallWindow = RateWindow;

/** place + modify + cancel together: 9/s, 500/min, 1000/h per client code (the engine's limiter uses the same). */
export const ORDER_CALL_WINDOWS: readonly CallWindow[] = SMARTAPI_ORDER_RATE_WINDOWS;

/** getOrderBook: once a second per client code. */
export const ORDER_BOOK_WINDOWS: readonly CallWindow[] = [{ limit: 1, windowMs: 1_000 }];

/** The longest a waiting call sleeps before it looks again, when only calls in flight block it. */
const IN_FLIGHT_RECHECK_MS = 1_000;

export class CallPacer {
  /** When each answered call was answered, oldest first. */
  private readonly answeredAt: number[] = [];
  private inFlight = 0;
  private tail: Promise<unknown> = Promise.resolve();
  private wake: (() => void) | null = null;
  private readonly longest: number;

  constructor(private readonly windows: readonly CallWindow[]) {
    this.longest = Math.max(...windows.map((w) => w.windowMs));
  }

  /** Waits for the call's turn; call the function it resolves to once the call is answered or failed. */
  async take(): Promise<() => void> {
    const turn = this.tail.then(() => this.waitForRoom());
    this.tail = turn;
    await turn;
    this.inFlight += 1;
    let answered = false;
    return () => {
      if (answered) return;
      answered = true;
      this.inFlight -= 1;
      this.answeredAt.push(Date.now());
      this.wake?.();
    };
  }

  private async waitForRoom(): Promise<void> {
    for (;;) {
      const now = Date.now();
      while (this.answeredAt.length > 0 && this.answeredAt[0]! <= now - this.longest) this.answeredAt.shift();
      let waitMs = 0;
      let blockedInFlight = false;
      for (const { limit, windowMs } of this.windows) {
        const recent = this.answeredAt.filter((at) => at > now - windowMs);
        const excess = recent.length + this.inFlight - limit + 1;
        if (excess <= 0) continue;
        // Answered calls leave the window oldest first; calls in flight only once answered.
        if (excess <= recent.length) waitMs = Math.max(waitMs, recent[excess - 1]! + windowMs - now);
        else blockedInFlight = true;
      }
      if (!blockedInFlight && waitMs <= 0) return;
      if (!blockedInFlight) {
        await sleep(waitMs);
        continue;
      }
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, IN_FLIGHT_RECHECK_MS);
        this.wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.wake = null;
    }
  }
}
