import { setTimeout as sleep } from 'node:timers/promises';
import type { BrokerKind } from '../core/types.ts';

/** Anything that can say whether one more call fits now, or how long to wait. */
export interface RateWindows {
  tryTake(nowMs: number): { ok: true } | { ok: false; retryInMs: number };
}

export interface LimitedAccount {
  broker: BrokerKind;
  clientCode: string;
}

/**
 * One limiter per broker account (client code): order calls wait here for their turn instead
 * of being refused by the broker. `onWait` lets the caller tell people an order is queued.
 */
export class AccountLimiter {
  private readonly windows = new Map<string, RateWindows>();
  private readonly tails = new Map<string, Promise<void>>();

  constructor(private readonly windowsFor: (broker: BrokerKind) => RateWindows | null) {}

  isUnlimited(account: LimitedAccount): boolean {
    return this.windowsFor(account.broker) === null;
  }

  async acquire(account: LimitedAccount, onWait?: (waitMs: number) => void): Promise<void> {
    const key = `${account.broker}:${account.clientCode}`;
    let windows = this.windows.get(key);
    if (windows === undefined) {
      const created = this.windowsFor(account.broker);
      if (created === null) return;
      windows = created;
      this.windows.set(key, windows);
    }
    const limits = windows;
    // Callers take their turn in arrival order, so a burst drains first-come first-served.
    const previous = this.tails.get(key) ?? Promise.resolve();
    let release!: () => void;
    const turn = new Promise<void>((resolve) => (release = resolve));
    this.tails.set(key, previous.then(() => turn));
    await previous;
    try {
      let told = false;
      for (;;) {
        const answer = limits.tryTake(Date.now());
        if (answer.ok) return;
        if (!told) {
          onWait?.(answer.retryInMs);
          told = true;
        }
        await sleep(answer.retryInMs);
      }
    } finally {
      release();
    }
  }
}
