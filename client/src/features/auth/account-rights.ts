// What the signed-in user may do to one account, as the server decides it (services/access.ts):
// ADMIN and TRADER manage every account they can see; a CLIENT, on the accounts they own only,
// may pause copying into them, enter their own broker credentials and (re)connect, nothing else.

export type ViewerRole = 'ADMIN' | 'TRADER' | 'CLIENT';

/** The account fields the rights depend on. */
export interface RightsAccount {
  role: 'MASTER' | 'FOLLOWER';
  broker: 'PAPER' | 'SMARTAPI';
  owner: { id: string } | null;
}

export interface AccountRights {
  /** The Overview's "Copy on" switch (copyEnabled), shown on followers. */
  toggleCopy: boolean;
  /** The write-only "Enter credentials" form (SmartAPI accounts). */
  enterCredentials: boolean;
  /** Connect / Reconnect. */
  connect: boolean;
  /** The full edit form: name, daily limits, credentials, copying. */
  edit: boolean;
  delete: boolean;
  killSwitch: boolean;
}

const NOTHING: AccountRights = {
  toggleCopy: false,
  enterCredentials: false,
  connect: false,
  edit: false,
  delete: false,
  killSwitch: false,
};

/** The rights of a viewer (role and user id) on one account; signed out is no rights. */
export function accountRights(viewer: { role: ViewerRole; id: string } | null, account: RightsAccount): AccountRights {
  if (!viewer) return NOTHING;
  const follower = account.role === 'FOLLOWER';
  const smartApi = account.broker === 'SMARTAPI';
  if (viewer.role === 'CLIENT') {
    if (account.owner?.id !== viewer.id) return NOTHING;
    return { ...NOTHING, toggleCopy: follower, enterCredentials: smartApi, connect: true };
  }
  // ADMIN and TRADER enter credentials through the full edit form.
  return { toggleCopy: follower, enterCredentials: false, connect: true, edit: true, delete: true, killSwitch: true };
}
