import { createMemo, createSignal, For, Match, onCleanup, onMount, Show, Switch } from 'solid-js';
import { runMutation, runQuery, type ApiError } from '../api.ts';
import AccountForm from '../components/AccountForm.tsx';
import AccountStatus from '../components/AccountStatus.tsx';
import { followAccountStatus } from '../components/account-status-feed.ts';
import ConfirmButton from '../components/ConfirmButton.tsx';
import CredentialsForm from '../components/CredentialsForm.tsx';
import { formatCount } from '../components/format.ts';
import FormErrors from '../components/FormErrors.tsx';
import { applyAccountStatus } from '../lib/account-status.ts';
import { ACCOUNT_FIELDS, type AccountRow } from '../lib/account-types.ts';
import { formatRupees, humanize } from '../lib/format.ts';
import { session } from '../session.ts';

const ACCOUNTS = `query Accounts { accounts { ${ACCOUNT_FIELDS} } }`;
const CONNECT = `mutation ConnectAccount($id: ID!) { connectAccount(id: $id) { ${ACCOUNT_FIELDS} } }`;
const DELETE = `mutation DeleteAccount($id: ID!) { deleteAccount(id: $id) }`;

type Editor = { kind: 'closed' } | { kind: 'add' } | { kind: 'edit'; account: AccountRow } | { kind: 'credentials'; account: AccountRow };

/** What happened when an account was (re)connected, shown above the table and kept live. */
interface ConnectResult {
  accountId: string;
  label: string;
  status: string;
  reason: string | null;
}

/**
 * Paper and SmartAPI accounts: add, edit (credentials write-only), connect or reconnect, delete.
 * A CLIENT, on their own accounts, only enters their SmartAPI credentials and (re)connects.
 */
export default function Accounts() {
  const [accounts, setAccounts] = createSignal<AccountRow[]>([]);
  const [editor, setEditor] = createSignal<Editor>({ kind: 'closed' });
  const [errors, setErrors] = createSignal<ApiError[]>([]);
  const [connecting, setConnecting] = createSignal<string | null>(null);
  const [connected, setConnected] = createSignal<ConnectResult | null>(null);
  const [credentialsSaved, setCredentialsSaved] = createSignal<string | null>(null);

  const load = async (): Promise<boolean> => {
    const result = await runQuery<{ accounts: AccountRow[] }>(ACCOUNTS);
    setErrors(result.errors);
    if (result.data) setAccounts(result.data.accounts);
    return result.data !== undefined;
  };
  onMount(() => {
    // A SmartAPI login finishes after connectAccount returns: its outcome arrives as a status event.
    const stop = followAccountStatus({
      onEvent: (update) => {
        setAccounts((list) => applyAccountStatus(list, update));
        setConnected((shown) => (shown?.accountId === update.accountId ? { ...shown, status: update.status, reason: update.statusReason ?? null } : shown));
      },
      resync: load,
    });
    void load();
    onCleanup(stop);
  });

  // Masters first, then by name: the order the Overview uses.
  const sorted = createMemo(() => [...accounts()].sort((a, b) => b.role.localeCompare(a.role) || a.label.localeCompare(b.label)));

  const saved = (account: AccountRow) => {
    setAccounts((list) => (list.some((a) => a.id === account.id) ? list.map((a) => (a.id === account.id ? account : a)) : [...list, account]));
    setEditor({ kind: 'closed' });
  };

  const openEditor = (next: Editor) => {
    setCredentialsSaved(null);
    setEditor(next);
  };

  const credentialsStored = (account: AccountRow) => {
    saved(account);
    setCredentialsSaved(account.label);
  };

  const connect = async (account: AccountRow) => {
    setConnecting(account.id);
    setConnected(null);
    setCredentialsSaved(null);
    const result = await runMutation<{ connectAccount: AccountRow }>(CONNECT, { id: account.id });
    setConnecting(null);
    setErrors(result.errors);
    const fresh = result.data?.connectAccount;
    if (!fresh) return;
    setAccounts((list) => list.map((a) => (a.id === fresh.id ? fresh : a)));
    setConnected({ accountId: fresh.id, label: fresh.label, status: fresh.connectionStatus, reason: fresh.statusReason });
  };

  const remove = async (account: AccountRow) => {
    const result = await runMutation<{ deleteAccount: string }>(DELETE, { id: account.id });
    setErrors(result.errors);
    if (result.data) setAccounts((list) => list.filter((a) => a.id !== account.id));
  };

  return (
    <section aria-labelledby="accounts-title">
      <div class="page-head">
        <h1 id="accounts-title">Accounts</h1>
        <Show when={!session.readOnly() && editor().kind === 'closed'}>
          <button type="button" class="primary" onClick={() => openEditor({ kind: 'add' })}>Add account</button>
        </Show>
      </div>
      <Switch>
        <Match when={editor().kind === 'add'}>
          <AccountForm onSaved={saved} onCancel={() => setEditor({ kind: 'closed' })} />
        </Match>
        <Match when={(() => { const e = editor(); return e.kind === 'edit' ? e.account : undefined; })()} keyed>
          {(account) => <AccountForm account={account} onSaved={saved} onCancel={() => setEditor({ kind: 'closed' })} />}
        </Match>
        <Match when={(() => { const e = editor(); return e.kind === 'credentials' ? e.account : undefined; })()} keyed>
          {(account) => <CredentialsForm account={account} onSaved={credentialsStored} onCancel={() => setEditor({ kind: 'closed' })} />}
        </Match>
      </Switch>
      <FormErrors errors={errors()} />
      <Show when={credentialsSaved()}>
        {(label) => (
          <p class="notice" role="status">
            Credentials saved for {label()}. Tandem logs in with them now: the status below shows the broker's answer; Connect or Reconnect to try again.
          </p>
        )}
      </Show>
      <Show when={connected()}>
        {(c) => (
          <p class={`notice connect-result ${['CONNECTED', 'CONNECTING', 'RECONNECTING'].includes(c().status) ? '' : 'bad'}`} role="status">
            {c().label}: {humanize(c().status)}{c().reason ? ` (${c().reason})` : ''}
          </p>
        )}
      </Show>
      <div class="table-wrap">
        <table class="stack">
          <thead>
            <tr>
              <th>Name</th><th>Client code</th><th>Broker</th><th>Role</th><th>Status</th><th>Credentials</th><th class="num">Limits per day</th>
              <th>Actions</th>
            </tr>
          </thead>
          <tbody>
            <For each={sorted()} fallback={<tr><td colSpan={8} class="muted">No accounts yet.</td></tr>}>
              {(account) => (
                <tr data-account={account.clientCode}>
                  <td data-label="Name"><b>{account.label}</b></td>
                  <td data-label="Client code"><code>{account.clientCode}</code></td>
                  <td data-label="Broker">{account.broker === 'PAPER' ? 'Paper' : 'SmartAPI'}</td>
                  <td data-label="Role">{account.role === 'MASTER' ? 'Master' : 'Follower'}</td>
                  <td data-label="Status">
                    <AccountStatus status={account.connectionStatus} reason={account.statusReason} />
                  </td>
                  <td data-label="Credentials">{account.broker === 'PAPER' ? 'Not needed' : account.hasCredentials ? 'Stored' : <span class="reason">Missing</span>}</td>
                  <td data-label="Limits per day" class="num">
                    <div>
                      {account.maxOrdersPerDay === null ? 'No order cap' : `${formatCount(account.maxOrdersPerDay)} orders`}
                      <br />
                      {account.maxLossPerDay === null ? 'No loss cap' : `loss ${formatRupees(account.maxLossPerDay)}`}
                    </div>
                  </td>
                  <td data-label="Actions">
                    <div class="row-actions">
                      <Show when={session.rightsOn(account).edit}>
                        <button type="button" aria-label={`Edit ${account.label}`} onClick={() => openEditor({ kind: 'edit', account })}>Edit</button>
                      </Show>
                      <Show when={session.rightsOn(account).enterCredentials}>
                        <button type="button" aria-label={`${account.hasCredentials ? 'Replace' : 'Enter'} credentials for ${account.label}`} onClick={() => openEditor({ kind: 'credentials', account })}>
                          {account.hasCredentials ? 'Replace credentials' : 'Enter credentials'}
                        </button>
                      </Show>
                      <Show when={session.rightsOn(account).connect}>
                        <button type="button" aria-label={`${account.connectionStatus === 'CONNECTED' ? 'Reconnect' : 'Connect'} ${account.label}`} disabled={connecting() === account.id} onClick={() => void connect(account)}>
                          {connecting() === account.id ? 'Connecting…' : account.connectionStatus === 'CONNECTED' ? 'Reconnect' : 'Connect'}
                        </button>
                      </Show>
                      <Show when={session.rightsOn(account).delete}>
                        <ConfirmButton label="Delete" name={`Delete ${account.label}`} question={`Delete ${account.label}?`} danger="outline" onConfirm={() => remove(account)} />
                      </Show>
                    </div>
                  </td>
                </tr>
              )}
            </For>
          </tbody>
        </table>
      </div>
    </section>
  );
}
