/** The account fields the admin pages read; `ACCOUNT_FIELDS` selects exactly these. */
export interface AccountRow {
  id: string;
  label: string;
  broker: 'PAPER' | 'SMARTAPI';
  role: 'MASTER' | 'FOLLOWER';
  clientCode: string;
  connectionStatus: string;
  statusReason: string | null;
  copyEnabled: boolean;
  killSwitch: boolean;
  hasCredentials: boolean;
  maxOrdersPerDay: number | null;
  maxLossPerDay: number | null;
  /** Who owns it: a CLIENT may change only their own accounts (see account-rights.ts). */
  owner: { id: string } | null;
}

export const ACCOUNT_FIELDS = 'id label broker role clientCode connectionStatus statusReason copyEnabled killSwitch hasCredentials maxOrdersPerDay maxLossPerDay owner { id }';
