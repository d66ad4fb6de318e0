import type { EventPages } from '../events/event-pages.ts';
import type { Keys } from '../secrets/keys.ts';
import type { LoginLimiter } from '../auth/login-limiter.ts';
import type { ApiTokenLimit } from '../auth/api-token-limit.ts';
import type { ReplicatorDeps } from '../replicator/deps.ts';

/** Everything a request or a background job needs, built once by main.ts (or a test). */
export interface AppServices extends ReplicatorDeps {
  keys: Keys;
  loginLimiter: LoginLimiter;
  /** API_TOKEN_RATE_PER_MIN, applied where a request's viewer is resolved (app.ts). */
  apiTokenLimit: ApiTokenLimit;
  /** Committed events read once for all the subscription streams asking at the same moment. */
  eventPages: EventPages;
}
