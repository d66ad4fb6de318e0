import type { EventPages } from '../events/event-pages.ts';
import type { Keys } from '../secrets/keys.ts';
import type { LoginLimiter } from '../auth/login-limiter.ts';
import type { ReplicatorDeps } from '../replicator/deps.ts';

/** Everything a request or a background job needs, built once by main.ts (or a test). */
export interface AppServices extends ReplicatorDeps {
  keys: Keys;
  loginLimiter: LoginLimiter;
  /** Committed events read once for all the subscription streams asking at the same moment. */
  eventPages: EventPages;
}
