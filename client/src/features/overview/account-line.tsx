import { Show } from 'solid-js';
import ConfirmButton from '../../ui/confirm-button.tsx';
import { formatCount } from '../../ui/format.ts';
import type { AccountRow } from '../accounts/account-fields.ts';
import AccountStatusLine from '../accounts/account-status-line.tsx';
import { session } from '../auth/session.ts';
import type { CopyCounts } from './copy-counts.ts';

/** Today's copies of one follower, or of a master's followers together. */
function Counts(props: { counts: CopyCounts | undefined }) {
  return (
    <span class="counts">
      <span class="visually-hidden">Today's copies:</span>
      <span>
        Copied <b>{formatCount(props.counts?.copied ?? 0)}</b>
      </span>
      <span>
        Failed <b classList={{ reason: (props.counts?.failed ?? 0) > 0 }}>{formatCount(props.counts?.failed ?? 0)}</b>
      </span>
      <span>
        Skipped <b>{formatCount(props.counts?.skipped ?? 0)}</b>
      </span>
    </span>
  );
}

/**
 * One account on the overview: name and how it copies, connection status, today's counts, and
 * the switches the viewer has on it (copy on/off for a follower, its kill switch).
 */
export default function AccountLine(props: {
  account: AccountRow;
  sizing?: string;
  paused?: boolean;
  counts: CopyCounts | undefined;
  onCopy: (account: AccountRow, copyEnabled: boolean) => void;
  onKillSwitch: (account: AccountRow, engaged: boolean) => Promise<void>;
}) {
  const rights = () => session.rightsOn(props.account);
  return (
    <div class={`account-row ${props.account.role === 'FOLLOWER' ? 'follower' : 'master'}`} data-account={props.account.clientCode}>
      <div>
        <div class="account-name">{props.account.label}</div>
        <div class="account-meta">
          {props.account.clientCode} · {props.account.broker === 'PAPER' ? 'Paper' : 'SmartAPI'} ·{' '}
          {props.account.role === 'MASTER' ? 'Master' : 'Follower'}
          <Show when={props.sizing}> · {props.sizing}</Show>
          <Show when={props.paused}>
            {' '}
            · <b>link paused</b>
          </Show>
        </div>
      </div>
      <AccountStatusLine status={props.account.connectionStatus} reason={props.account.statusReason} />
      <Counts counts={props.counts} />
      <div class="account-actions">
        <Show when={props.account.role === 'FOLLOWER'}>
          <label class="toggle">
            <input
              type="checkbox"
              checked={props.account.copyEnabled}
              disabled={!rights().toggleCopy}
              aria-label={`Copy into ${props.account.label}`}
              onChange={(e) => props.onCopy(props.account, e.currentTarget.checked)}
            />
            Copy on
          </label>
        </Show>
        <Show when={props.account.killSwitch}>
          <span class="badge badge-bad" title="No new orders are placed or copied on this account">
            Kill switch on
          </span>
        </Show>
        <Show when={rights().killSwitch}>
          <ConfirmButton
            label={props.account.killSwitch ? 'Release kill switch' : 'Kill switch'}
            name={props.account.killSwitch ? `Release kill switch for ${props.account.label}` : `Kill switch for ${props.account.label}`}
            question={
              props.account.killSwitch ? `Allow new orders on ${props.account.label} again?` : `Stop new orders on ${props.account.label}?`
            }
            danger={props.account.killSwitch ? undefined : 'outline'}
            onConfirm={() => props.onKillSwitch(props.account, !props.account.killSwitch)}
          />
        </Show>
      </div>
    </div>
  );
}
