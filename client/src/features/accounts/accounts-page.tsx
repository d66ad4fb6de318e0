import { createMemo, createSignal, Match, onCleanup, onMount, Show, Switch } from 'solid-js';
import type { ApiError } from '../../graphql/errors.ts';
import { graphql } from '../../graphql/graphql.ts';
import { createOperation } from '../../graphql/operations.ts';
import { humanize } from '../../ui/format.ts';
import FormErrors from '../../ui/form-errors.tsx';
import { session } from '../auth/session.ts';
import { AccountFields, type AccountRow } from './account-fields.ts';
import AccountForm from './account-form.tsx';
import { followAccountStatus } from './account-status-feed.ts';
import { applyAccountStatus } from './account-status.ts';
import AccountsTable from './accounts-table.tsx';
import CredentialsForm from './credentials-form.tsx';
import './accounts.css';

const ACCOUNTS = graphql(`query Accounts { accounts { ...AccountFields } }`, [AccountFields]);
const CONNECT_ACCOUNT = graphql(`mutation ConnectAccount($id: ID!) { connectAccount(id: $id) { ...AccountFields } }`, [AccountFields]);
const DELETE_ACCOUNT = graphql(`mutation DeleteAccount($id: ID!) { deleteAccount(id: $id) }`);

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
export default function AccountsPage() {
  // One list for the page: whatever was done last says what went wrong.
  const [errors, setErrors] = createSignal<readonly ApiError[]>([]);
  const read = createOperation(ACCOUNTS, { errors: [errors, setErrors] });
  const connectAccount = createOperation(CONNECT_ACCOUNT, { errors: [errors, setErrors] });
  const deleteAccount = createOperation(DELETE_ACCOUNT, { errors: [errors, setErrors] });
  const [accounts, setAccounts] = createSignal<AccountRow[]>([]);
  const [editor, setEditor] = createSignal<Editor>({ kind: 'closed' });
  const [connecting, setConnecting] = createSignal<string | null>(null);
  const [connected, setConnected] = createSignal<ConnectResult | null>(null);
  const [credentialsSaved, setCredentialsSaved] = createSignal<string | null>(null);

  const load = async (): Promise<boolean> => {
    const data = await read.run();
    if (data) setAccounts(data.accounts);
    return data !== undefined;
  };
  onMount(() => {
    // A SmartAPI login finishes after connectAccount returns: its outcome arrives as a status event.
    const stop = followAccountStatus({
      onEvent: (update) => {
        setAccounts((list) => applyAccountStatus(list, update));
        setConnected((shown) =>
          shown?.accountId === update.accountId ? { ...shown, status: update.status, reason: update.statusReason ?? null } : shown,
        );
      },
      resync: load,
    });
    void load();
    onCleanup(stop);
  });

  // Masters first, then by name: the order the Overview uses.
  const sorted = createMemo(() => [...accounts()].sort((a, b) => b.role.localeCompare(a.role) || a.label.localeCompare(b.label)));

  const saved = (account: AccountRow) => {
    setAccounts((list) =>
      list.some((a) => a.id === account.id) ? list.map((a) => (a.id === account.id ? account : a)) : [...list, account],
    );
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
    const fresh = (await connectAccount.run({ id: account.id }))?.connectAccount;
    setConnecting(null);
    if (!fresh) return;
    setAccounts((list) => list.map((a) => (a.id === fresh.id ? fresh : a)));
    setConnected({ accountId: fresh.id, label: fresh.label, status: fresh.connectionStatus, reason: fresh.statusReason });
  };

  const remove = async (account: AccountRow) => {
    if (await deleteAccount.run({ id: account.id })) setAccounts((list) => list.filter((a) => a.id !== account.id));
  };

  const editing = (kind: 'edit' | 'credentials') => {
    const e = editor();
    return e.kind === kind ? e.account : undefined;
  };
  const close = () => setEditor({ kind: 'closed' });

  return (
    <section aria-labelledby="accounts-title">
      <div class="page-head">
        <h1 id="accounts-title">Accounts</h1>
        <Show when={!session.readOnly() && editor().kind === 'closed'}>
          <button type="button" class="primary" onClick={() => openEditor({ kind: 'add' })}>
            Add account
          </button>
        </Show>
      </div>
      <Switch>
        <Match when={editor().kind === 'add'}>
          <AccountForm onSaved={saved} onCancel={close} />
        </Match>
        <Match when={editing('edit')} keyed>
          {(account) => <AccountForm account={account} onSaved={saved} onCancel={close} />}
        </Match>
        <Match when={editing('credentials')} keyed>
          {(account) => <CredentialsForm account={account} onSaved={credentialsStored} onCancel={close} />}
        </Match>
      </Switch>
      <FormErrors errors={errors()} />
      <Show when={credentialsSaved()}>
        {(label) => (
          <p class="notice" role="status">
            Credentials saved for {label()}. Tandem logs in with them now: the status below shows the broker's answer; Connect or Reconnect
            to try again.
          </p>
        )}
      </Show>
      <Show when={connected()}>
        {(c) => (
          <p class={`notice connect-result ${['CONNECTED', 'CONNECTING', 'RECONNECTING'].includes(c().status) ? '' : 'bad'}`} role="status">
            {c().label}: {humanize(c().status)}
            {c().reason ? ` (${c().reason})` : ''}
          </p>
        )}
      </Show>
      <AccountsTable
        accounts={sorted()}
        connecting={connecting()}
        onEdit={(account) => openEditor({ kind: 'edit', account })}
        onCredentials={(account) => openEditor({ kind: 'credentials', account })}
        onConnect={(account) => void connect(account)}
        onDelete={remove}
      />
    </section>
  );
}
