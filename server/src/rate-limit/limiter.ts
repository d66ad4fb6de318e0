import type { WaitableClock } from '../core/clock.ts';
import type { RateWindow } from '../core/rate-windows.ts';
import type { RateStore } from './rate-store.ts';

/** A call's place in its windows, from when it goes until a window after `answered()`. */
export interface Turn {
  answered(): Promise<void>;
}

/**
 * The longest a call counts as in flight: one whose process died mid-call is never answered,
 * and its place frees this long after it was taken (plus a window). Longer than a SmartAPI
 * call's own timeout with a login before it.
 */
const LONGEST_CALL_MS = 60_000;

/**
 * Calls wait here for their turn instead of being refused (`tryTake` refuses): per key, in
 * arrival order, on the injected clock, counted in the store (this process's, or Redis for
 * every instance).
 */
export class RateLimiter {
  private readonly tails = new Map<string, Promise<void>>();

  constructor(
    private readonly store: RateStore,
    private readonly clock: WaitableClock,
  ) {}

  /** Waits for the next turn under `key`; `onWait` hears how long the first wait should last. */
  async acquire(key: string, windows: readonly RateWindow[], onWait?: (waitMs: number) => void): Promise<Turn> {
    const previous = this.tails.get(key) ?? Promise.resolve();
    let release!: () => void;
    const mine = new Promise<void>((resolve) => (release = resolve));
    const tail = previous.then(() => mine);
    this.tails.set(key, tail);
    await previous;
    try {
      let told = false;
      for (;;) {
        const take = await this.store.take(key, windows, this.now(), LONGEST_CALL_MS);
        if (take.ok) {
          let answered: Promise<void> | null = null;
          return { answered: () => (answered ??= take.answered(this.now())) };
        }
        if (!told) onWait?.(take.retryInMs);
        told = true;
        await this.clock.sleep(take.retryInMs);
      }
    } finally {
      release();
      void tail.then(() => {
        if (this.tails.get(key) === tail) this.tails.delete(key);
      });
    }
  }

  /**
   * For callers refused rather than kept waiting (API requests): counts a call under `key` now,
   * answered at once, when every window has room; otherwise says how long until one would fit.
   * It does not queue behind callers waiting in `acquire`.
   */
  async tryTake(key: string, windows: readonly RateWindow[]): Promise<{ ok: true } | { ok: false; retryInMs: number }> {
    const take = await this.store.take(key, windows, this.now(), 0);
    return take.ok ? { ok: true } : { ok: false, retryInMs: take.retryInMs };
  }

  /** Makes `call` in its turn under `key`; it counts until a window after it answers or fails. */
  async run<T>(key: string, windows: readonly RateWindow[], call: () => Promise<T>, onWait?: (waitMs: number) => void): Promise<T> {
    const turn = await this.acquire(key, windows, onWait);
    try {
      return await call();
    } finally {
      await turn.answered();
    }
  }

  private now(): number {
    return this.clock.now().getTime();
  }
}
