import { setTimeout as sleep } from 'node:timers/promises';
import { createRateWindows, type RateWindow, type TakeResult } from '../core/replication/token-bucket.ts';
import type { BrokerKind } from '../core/types.ts';

/** Anything that can say whether one more call fits now, or how long to wait: in process, or shared through Redis. */
export interface AccountRateWindows {
  tryTake(nowMs: number): TakeResult | Promise<TakeResult>;
}

/** Makes the windows for one account's key; in process unless the engine shares them through Redis. */
export type RateWindowsFactory = (key: string, windows: readonly RateWindow[]) => AccountRateWindows;

const inProcess: RateWindowsFactory = (_key, windows) => createRateWindows(windows);

export interface LimitedAccount {
  broker: BrokerKind;
  clientCode: string;
}

/**
 * One limiter per broker account (client code): order calls wait here for their turn instead
 * of being refused by the broker. `onWait` lets the caller tell people an order is queued.
 */
export class AccountLimiter {
  private readonly windows = new Map<string, AccountRateWindows>();
  private readonly tails = new Map<string, Promise<void>>();

  /** `limitsFor`: the broker's published order-call limits per client code, null for none. */
  constructor(
    private readonly limitsFor: (broker: BrokerKind) => readonly RateWindow[] | null,
    private readonly makeWindows: RateWindowsFactory = inProcess,
  ) {}

  isUnlimited(account: LimitedAccount): boolean {
    return this.limitsFor(account.broker) === null;
  }

  async acquire(account: LimitedAccount, onWait?: (waitMs: number) => void): Promise<void> {
    const key = `${account.broker}:${account.clientCode}`;
    let windows = this.windows.get(key);
    if (windows === undefined) {
      const published = this.limitsFor(account.broker);
      if (published === null) return;
      windows = this.makeWindows(key, published);
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
        const answer = await limits.tryTake(Date.now());
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
