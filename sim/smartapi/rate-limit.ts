// Per-client-code sliding windows over SmartAPI's published limits (docs/smartapi.md §7).

export interface RateLimit {
  perSecond?: number;
  perMinute?: number;
  perHour?: number;
}

export type RateGroup =
  | 'login'
  | 'logout'
  | 'generateTokens'
  | 'getProfile'
  | 'getRMS'
  | 'orders'
  | 'getOrderBook'
  | 'getTradeBook'
  | 'getPosition'
  | 'getHolding'
  | 'orderDetails';

export type RateLimitTable = Record<RateGroup, RateLimit>;

export const SMARTAPI_RATE_LIMITS: RateLimitTable = {
  login: { perSecond: 1 },
  logout: { perSecond: 1 },
  generateTokens: { perSecond: 1, perHour: 1000 },
  getProfile: { perSecond: 3, perHour: 1000 },
  getRMS: { perSecond: 2 },
  // place + modify + cancel share one budget.
  orders: { perSecond: 9, perMinute: 500, perHour: 1000 },
  getOrderBook: { perSecond: 1 },
  getTradeBook: { perSecond: 1 },
  getPosition: { perSecond: 1 },
  getHolding: { perSecond: 1 },
  orderDetails: { perSecond: 10, perMinute: 500, perHour: 5000 },
};

const WINDOWS = [
  ['perSecond', 1_000],
  ['perMinute', 60_000],
  ['perHour', 3_600_000],
] as const;

/**
 * Limits run on real elapsed time, not the simulator clock: they are about how fast a
 * client calls, and a frozen test clock must not make every second call over-limit.
 */
export class RateLimiter {
  private readonly hits = new Map<string, number[]>();
  private table: Partial<RateLimitTable> | null;

  constructor(
    table: false | Partial<RateLimitTable> | undefined,
    private readonly nowMs: () => number = () => performance.now(),
  ) {
    this.table = table === false ? null : { ...SMARTAPI_RATE_LIMITS, ...table };
  }

  configure(table: false | Partial<RateLimitTable>): void {
    this.table = table === false ? null : { ...SMARTAPI_RATE_LIMITS, ...table };
    this.hits.clear();
  }

  /** Records the call and answers true when it fits; over-limit calls are not counted. */
  allow(clientKey: string, group: RateGroup): boolean {
    const limit = this.table?.[group];
    if (!limit) return true;
    const key = `${clientKey}\u0000${group}`;
    const now = this.nowMs();
    const longest = limit.perHour !== undefined ? 3_600_000 : limit.perMinute !== undefined ? 60_000 : 1_000;
    const log = (this.hits.get(key) ?? []).filter((t) => now - t < longest);
    for (const [field, span] of WINDOWS) {
      const max = limit[field];
      if (max === undefined) continue;
      let inWindow = 0;
      for (let i = log.length - 1; i >= 0 && now - (log[i] ?? 0) < span; i--) inWindow++;
      if (inWindow >= max) {
        this.hits.set(key, log);
        return false;
      }
    }
    log.push(now);
    this.hits.set(key, log);
    return true;
  }
}
