import { rateLimited } from '../core/errors.ts';
import type { RateWindow } from '../core/rate-windows.ts';
import type { RateLimiter } from '../rate-limit/limiter.ts';
import type { Viewer } from './viewer.ts';

/**
 * What one API token may ask of the API: `perMinute` requests in any minute, a subscription
 * counting once when it starts. Counted by the token's id in the limiter's store, so with Redis
 * every instance draws from one allowance. A request over it is refused at once, never held:
 * a script that waits on us would only pile up. Sessions (the dashboard) are not counted.
 */
export class ApiTokenLimit {
  private readonly windows: readonly RateWindow[];

  constructor(
    private readonly limiter: RateLimiter,
    private readonly perMinute: number,
    private readonly onRefused: () => void = () => undefined,
  ) {
    this.windows = [{ limit: perMinute, windowMs: 60_000 }];
  }

  /** Counts one request by `viewer` when an API token makes it; throws RATE_LIMITED when the token's minute is used up. */
  async admit(viewer: Viewer | null): Promise<void> {
    if (!viewer?.apiTokenId) return;
    const take = await this.limiter.tryTake(`api-token:${viewer.apiTokenId}`, this.windows);
    if (take.ok) return;
    this.onRefused();
    const seconds = Math.max(1, Math.ceil(take.retryInMs / 1000));
    throw rateLimited(`this API token is limited to ${this.perMinute} requests a minute; retry in ${seconds} s`, seconds);
  }
}
