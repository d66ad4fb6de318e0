import type { ConnectionStatus } from '../core/types.ts';
import type { Alert } from './alert.ts';

/**
 * The alert for an account's broker session that stopped working, or null: a refused login
 * (nothing goes to the account until its credentials are fixed) and an expired session
 * (Tandem logs in again; the alert says it happened).
 */
export function sessionAlert(
  account: { id: string; label: string; clientCode: string; broker: string },
  status: ConnectionStatus,
  reason: string | null,
  at: Date,
): Alert | null {
  const who = `${account.label} (${account.broker} ${account.clientCode})`;
  const about = { at: at.toISOString(), accountId: account.id, status, reason };
  if (status === 'AUTH_FAILED')
    return {
      kind: 'session.auth_failed',
      severity: 'critical',
      text: `Broker login refused for ${who}: ${reason ?? 'no reason given'}; no order reaches this account until its credentials are fixed`,
      ...about,
    };
  if (status === 'SESSION_EXPIRED')
    return {
      kind: 'session.expired',
      severity: 'warning',
      text: `Broker session of ${who} expired: ${reason ?? 'no reason given'}`,
      ...about,
    };
  return null;
}
