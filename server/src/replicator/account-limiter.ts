import type { RateWindow } from '../core/rate-windows.ts';
import type { BrokerKind } from '../core/types.ts';
import type { RateLimiter } from '../rate-limit/limiter.ts';
import { brokerOrderLimits } from './broker-limits.ts';

export interface LimitedAccount {
  broker: BrokerKind;
  clientCode: string;
}

/**
 * Every order call (place, modify, cancel) to a broker account waits here for its turn under
 * the limits its broker publishes per client code, instead of being refused by the broker. It
 * is the only pacing of order calls: the broker adapters add none of their own.
 */
export class AccountLimiter {
  /** `limitsFor`: the broker's published order-call limits per client code, null for none. */
  constructor(
    private readonly limiter: RateLimiter,
    private readonly limitsFor: (broker: BrokerKind) => readonly RateWindow[] | null = brokerOrderLimits,
  ) {}

  isUnlimited(account: LimitedAccount): boolean {
    return this.limitsFor(account.broker) === null;
  }

  /**
   * Makes `call` in the account's turn: it counts from now until a window after it answers.
   * `onWait` lets the caller tell people the order is queued, and for how long.
   */
  async call<T>(account: LimitedAccount, call: () => Promise<T>, onWait?: (waitMs: number) => void): Promise<T> {
    const windows = this.limitsFor(account.broker);
    if (windows === null) return call();
    return this.limiter.run(`${account.broker}:${account.clientCode}`, windows, call, onWait);
  }
}
