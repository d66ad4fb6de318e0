import { Show } from 'solid-js';
import ConfirmButton from '../../ui/confirm-button.tsx';
import { formatCount, formatRupees } from '../../ui/format.ts';
import Table, { type Column } from '../../ui/table.tsx';
import { session } from '../auth/session.ts';
import type { AccountRow } from './account-fields.ts';
import AccountStatusLine from './account-status-line.tsx';

/** The account list with the actions the viewer has on each account. */
export default function AccountsTable(props: {
  accounts: readonly AccountRow[];
  /** The account being connected, whose Connect button waits. */
  connecting: string | null;
  onEdit: (account: AccountRow) => void;
  onCredentials: (account: AccountRow) => void;
  onConnect: (account: AccountRow) => void;
  onDelete: (account: AccountRow) => Promise<void>;
}) {
  const Actions = (cell: { account: AccountRow }) => {
    const rights = () => session.rightsOn(cell.account);
    const connectVerb = () => (cell.account.connectionStatus === 'CONNECTED' ? 'Reconnect' : 'Connect');
    const credentialsVerb = () => (cell.account.hasCredentials ? 'Replace' : 'Enter');
    return (
      <div class="row-actions">
        <Show when={rights().edit}>
          <button type="button" aria-label={`Edit ${cell.account.label}`} onClick={() => props.onEdit(cell.account)}>
            Edit
          </button>
        </Show>
        <Show when={rights().enterCredentials}>
          <button
            type="button"
            aria-label={`${credentialsVerb()} credentials for ${cell.account.label}`}
            onClick={() => props.onCredentials(cell.account)}
          >
            {credentialsVerb()} credentials
          </button>
        </Show>
        <Show when={rights().connect}>
          <button
            type="button"
            aria-label={`${connectVerb()} ${cell.account.label}`}
            disabled={props.connecting === cell.account.id}
            onClick={() => props.onConnect(cell.account)}
          >
            {props.connecting === cell.account.id ? 'Connecting…' : connectVerb()}
          </button>
        </Show>
        <Show when={rights().delete}>
          <ConfirmButton
            label="Delete"
            name={`Delete ${cell.account.label}`}
            question={`Delete ${cell.account.label}?`}
            danger="outline"
            onConfirm={() => props.onDelete(cell.account)}
          />
        </Show>
      </div>
    );
  };

  const columns: Column<AccountRow>[] = [
    { header: 'Name', cell: (a) => <b>{a.label}</b> },
    { header: 'Client code', cell: (a) => <code>{a.clientCode}</code> },
    { header: 'Broker', cell: (a) => (a.broker === 'PAPER' ? 'Paper' : 'SmartAPI') },
    { header: 'Role', cell: (a) => (a.role === 'MASTER' ? 'Master' : 'Follower') },
    { header: 'Status', cell: (a) => <AccountStatusLine status={a.connectionStatus} reason={a.statusReason} /> },
    {
      header: 'Credentials',
      cell: (a) => (a.broker === 'PAPER' ? 'Not needed' : a.hasCredentials ? 'Stored' : <span class="reason">Missing</span>),
    },
    {
      header: 'Limits per day',
      class: 'num',
      cell: (a) => (
        <div>
          {a.maxOrdersPerDay === null ? 'No order cap' : `${formatCount(a.maxOrdersPerDay)} orders`}
          <br />
          {a.maxLossPerDay === null ? 'No loss cap' : `loss ${formatRupees(a.maxLossPerDay)}`}
        </div>
      ),
    },
    { header: 'Actions', cell: (a) => <Actions account={a} /> },
  ];

  return (
    <Table
      stack
      columns={columns}
      rows={props.accounts}
      empty="No accounts yet."
      rowAttributes={(a) => ({ 'data-account': a.clientCode })}
    />
  );
}
