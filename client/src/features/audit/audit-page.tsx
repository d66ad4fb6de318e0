import { createEffect, createMemo, createSignal, For, on, Show } from 'solid-js';
import { createOperation, createQueryView } from '../../graphql/operations.ts';
import { routeParams } from '../../navigation/router.ts';
import DownloadButton from '../../ui/download-button.tsx';
import { SelectField } from '../../ui/fields.tsx';
import FormErrors from '../../ui/form-errors.tsx';
import { formatDateTime } from '../../ui/format.ts';
import Table, { type Column } from '../../ui/table.tsx';
import { actionWords, changedKeys } from './audit-diff.ts';
import './audit.css';
import { AUDIT_ACCOUNTS, AUDIT_ENTRIES, type AuditEntryRow } from './documents.ts';

const PAGE_SIZE = 50;

/**
 * The audit trail (#/audit): who changed what, when, and from what to what, newest first; the
 * server gives each person the entries they may read. Filter by account, page with "Load more",
 * or download every entry as CSV.
 */
export default function AuditPage() {
  const readPage = createOperation(AUDIT_ENTRIES);
  const accountList = createQueryView(AUDIT_ACCOUNTS);
  const [accountId, setAccountId] = createSignal(routeParams().get('account') ?? '');
  const [entries, setEntries] = createSignal<AuditEntryRow[]>([]);
  const [endCursor, setEndCursor] = createSignal<string | null>(null);
  const [hasMore, setHasMore] = createSignal(false);

  const accounts = () => accountList.data()?.accounts ?? [];
  const labels = createMemo(() => new Map(accounts().map((a) => [a.id, a.label])));

  const load = async (after: string | null) => {
    const asked = accountId();
    const data = await readPage.run({ accountId: asked || null, first: PAGE_SIZE, after });
    // An answer for a filter the user has since changed is dropped.
    if (!data || asked !== accountId()) return;
    const page = data.auditEntries;
    setEntries((shown) => [...(after === null ? [] : shown), ...page.edges.map((e) => e.node)]);
    setEndCursor(page.pageInfo.endCursor ?? null);
    setHasMore(page.pageInfo.hasNextPage);
  };
  createEffect(on(accountId, () => void load(null)));

  const accountName = (id: unknown) => (typeof id === 'string' ? (labels().get(id) ?? `account ${id.slice(0, 8)}`) : '?');
  /** What the entry is about, in the words the rest of the dashboard uses. */
  const subject = (entry: AuditEntryRow): string => {
    const values = entry.after ?? entry.before ?? {};
    switch (entry.entity) {
      case 'Account':
        return typeof values.label === 'string' ? values.label : accountName(entry.entityId);
      case 'Multiplier':
        return `${accountName(values.masterId)} → ${accountName(values.followerId)}`;
      case 'User':
        return typeof values.email === 'string' ? values.email : 'a user';
      case 'ApiToken':
        return typeof values.name === 'string' ? `API token “${values.name}”` : 'an API token';
      case 'Global':
        return 'Global kill switch';
      default:
        return `${entry.entity} ${entry.entityId ?? ''}`.trim();
    }
  };

  const columns: Column<AuditEntryRow>[] = [
    { header: 'When (IST)', cell: (e) => <time datetime={e.at}>{formatDateTime(e.at)}</time> },
    { header: 'Who', cell: (e) => e.actor },
    {
      header: 'What',
      cell: (e) => (
        <>
          <b>{actionWords(e.action)}</b> <span class="muted">{subject(e)}</span>
        </>
      ),
    },
    {
      header: 'Changes',
      cell: (e) => (
        <ul class="audit-changes" aria-label="Changes">
          <For each={changedKeys(e.before, e.after)} fallback={<li class="muted">no recorded field changed</li>}>
            {(change) => (
              <li>
                <span class="audit-key">{change.key}</span>{' '}
                <Show when={change.before !== undefined}>
                  <del>{change.before}</del>
                </Show>
                <Show when={change.before !== undefined && change.after !== undefined}> → </Show>
                <Show when={change.after !== undefined}>
                  <ins>{change.after}</ins>
                </Show>
              </li>
            )}
          </For>
        </ul>
      ),
    },
  ];

  return (
    <section aria-labelledby="audit-title">
      <div class="page-head">
        <h1 id="audit-title">Audit trail</h1>
        <DownloadButton
          path={`/export/audit.csv${accountId() ? `?accountId=${encodeURIComponent(accountId())}` : ''}`}
          fallbackName="audit.csv"
        />
      </div>
      <p class="muted">
        Every change made through Tandem to accounts, links, kill switches, users and API tokens that you may see, with who made it.
        Credentials are never shown, only that they changed.
      </p>
      <form class="card filters" aria-label="Filter the audit trail" onSubmit={(e) => e.preventDefault()}>
        <SelectField
          id="audit-account"
          label="Account"
          value={accountId()}
          onChange={setAccountId}
          options={[
            { value: '', label: 'All accounts' },
            ...accounts().map((a) => ({ value: a.id, label: `${a.label} (${a.clientCode})` })),
          ]}
        />
      </form>
      <FormErrors errors={readPage.errors()} />
      <Table
        label="Audit entries"
        class="audit"
        stack
        columns={columns}
        rows={entries()}
        empty={readPage.busy() ? 'Loading…' : 'No changes recorded here yet.'}
        rowAttributes={(e) => ({ 'data-entry': e.id })}
      />
      <div class="form-actions">
        <Show when={hasMore()}>
          <button type="button" disabled={readPage.busy()} onClick={() => void load(endCursor())}>
            {readPage.busy() ? 'Loading…' : 'Load more'}
          </button>
        </Show>
        <span class="muted">
          {entries().length} {entries().length === 1 ? 'entry' : 'entries'} shown
        </span>
      </div>
    </section>
  );
}
