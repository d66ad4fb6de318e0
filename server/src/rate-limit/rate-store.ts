import type { RateWindow } from '../core/rate-windows.ts';

export type StoreTake = { ok: true; answered(nowMs: number): Promise<void> } | { ok: false; retryInMs: number };

/**
 * Where the calls under each key are counted: in this process, or in Redis for every instance.
 * A key is anything that has "N calls per window": a broker account's order calls, its order
 * book, its logins, an API token.
 */
export interface RateStore {
  /**
   * Counts a call under `key` at nowMs when every window has room, until a window after it is
   * answered (at most `holdMs` after now); otherwise answers the soonest it could fit.
   * `answered` never throws.
   */
  take(key: string, windows: readonly RateWindow[], nowMs: number, holdMs: number): Promise<StoreTake>;
}
