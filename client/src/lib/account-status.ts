/** A live `accountStatus` event, as far as the dashboard needs it. */
export interface AccountStatusUpdate {
  accountId: string;
  status: string;
  statusReason?: string | null;
  at: string;
}

/** An account carrying its connection status and the broker's words for it. */
export interface StatusCarrying {
  id: string;
  connectionStatus: string;
  statusReason?: string | null;
}

/**
 * Applies one status event to the list: the matching account gets the new status and reason,
 * every other account is returned as it was (same object, so Solid's <For> keeps its row).
 * An event for an account not in the list changes nothing.
 */
export function applyAccountStatus<A extends StatusCarrying>(accounts: readonly A[], update: AccountStatusUpdate): A[] {
  return accounts.map((a) => (a.id === update.accountId ? { ...a, connectionStatus: update.status, statusReason: update.statusReason ?? null } : a));
}

/** Today's copy outcomes for one follower. */
export interface CopyCounts {
  copied: number;
  failed: number;
  skipped: number;
  inFlight: number;
}

/** Adds the counts of several followers (a master's line shows its followers' total). */
export function sumCounts(counts: readonly (CopyCounts | undefined)[]): CopyCounts {
  return counts.reduce<CopyCounts>(
    (total, c) => (c ? { copied: total.copied + c.copied, failed: total.failed + c.failed, skipped: total.skipped + c.skipped, inFlight: total.inFlight + c.inFlight } : total),
    { copied: 0, failed: 0, skipped: 0, inFlight: 0 },
  );
}
