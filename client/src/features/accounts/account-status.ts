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
  return accounts.map((a) =>
    a.id === update.accountId ? { ...a, connectionStatus: update.status, statusReason: update.statusReason ?? null } : a,
  );
}
