import { createMemo, createSignal, For, onMount, Show } from 'solid-js';
import type { ApiError } from '../../graphql/errors.ts';
import { graphql, type ResultOf } from '../../graphql/graphql.ts';
import { createOperation } from '../../graphql/operations.ts';
import FormErrors from '../../ui/form-errors.tsx';
import { session } from '../auth/session.ts';
import LinksTable from './links-table.tsx';
import { MultiplierFields, type MultiplierRow } from './multiplier-fields.ts';
import MultiplierForm from './multiplier-form.tsx';
import './multipliers.css';

const MULTIPLIERS = graphql(`query Multipliers { accounts { id label role } multipliers { ...MultiplierFields } }`, [MultiplierFields]);
const PAUSE_LINK = graphql(
  `
  mutation PauseLink($id: ID!, $paused: Boolean!) { updateMultiplier(id: $id, input: { paused: $paused }) { ...MultiplierFields } }
`,
  [MultiplierFields],
);
const DELETE_LINK = graphql(`mutation DeleteLink($id: ID!) { deleteMultiplier(id: $id) }`);

type AccountChoice = ResultOf<typeof MULTIPLIERS>['accounts'][number];

/** Which form is open: at most one on the page, so every label names exactly one input. */
type Editor = { kind: 'closed' } | { kind: 'add'; masterId: string } | { kind: 'edit'; linkId: string };

/** Per master, its followers and how each copies it; add, edit, pause and remove links. */
export default function MultipliersPage() {
  const [errors, setErrors] = createSignal<readonly ApiError[]>([]);
  const read = createOperation(MULTIPLIERS, { errors: [errors, setErrors] });
  const pauseLink = createOperation(PAUSE_LINK, { errors: [errors, setErrors] });
  const deleteLink = createOperation(DELETE_LINK, { errors: [errors, setErrors] });
  const [accounts, setAccounts] = createSignal<AccountChoice[]>([]);
  const [links, setLinks] = createSignal<MultiplierRow[]>([]);
  const [editor, setEditor] = createSignal<Editor>({ kind: 'closed' });

  onMount(async () => {
    const data = await read.run();
    if (!data) return;
    setAccounts(data.accounts);
    setLinks(data.multipliers);
  });

  // A CLIENT cannot see the master their account copies: its links say only that there is one.
  const masters = createMemo(() => {
    const byId = new Map(
      accounts()
        .filter((a) => a.role === 'MASTER')
        .map((a) => [a.id, { id: a.id, label: a.label }]),
    );
    for (const link of links())
      if (!byId.has(link.masterId)) byId.set(link.masterId, link.master ?? { id: link.masterId, label: 'A master you cannot see' });
    return [...byId.values()].sort((a, b) => a.label.localeCompare(b.label));
  });
  const linksOf = (masterId: string) =>
    links()
      .filter((l) => l.masterId === masterId)
      .sort((a, b) => (a.follower?.label ?? '').localeCompare(b.follower?.label ?? ''));
  const unlinkedFollowers = (masterId: string) => {
    const linked = new Set(linksOf(masterId).map((l) => l.followerId));
    return accounts()
      .filter((a) => a.role === 'FOLLOWER' && !linked.has(a.id))
      .sort((a, b) => a.label.localeCompare(b.label));
  };

  const replace = (saved: MultiplierRow) =>
    setLinks((list) => (list.some((l) => l.id === saved.id) ? list.map((l) => (l.id === saved.id ? saved : l)) : [...list, saved]));
  const saved = (link: MultiplierRow) => {
    replace(link);
    setEditor({ kind: 'closed' });
  };
  const close = () => setEditor({ kind: 'closed' });

  const pause = async (link: MultiplierRow, paused: boolean) => {
    const data = await pauseLink.run({ id: link.id, paused });
    if (data) replace(data.updateMultiplier);
  };

  const remove = async (link: MultiplierRow) => {
    if (await deleteLink.run({ id: link.id })) setLinks((list) => list.filter((l) => l.id !== link.id));
  };

  const editedLink = (masterId: string) => {
    const e = editor();
    return e.kind === 'edit' ? linksOf(masterId).find((l) => l.id === e.linkId) : undefined;
  };
  const adding = (masterId: string) => {
    const e = editor();
    return e.kind === 'add' && e.masterId === masterId;
  };

  return (
    <section aria-labelledby="multipliers-title">
      <div class="page-head">
        <h1 id="multipliers-title">Multipliers</h1>
      </div>
      <p class="muted">
        How each follower copies its master. Quantities round down to whole lots. A follower linked during the day does not inherit the
        master's open positions.
      </p>
      <FormErrors errors={errors()} />
      <Show when={masters().length === 0}>
        <p class="card">No master accounts yet. Add one on the Accounts page.</p>
      </Show>
      <For each={masters()}>
        {(master) => (
          <div class="card master-links" data-master={master.label}>
            <div class="page-head">
              <h2>{master.label}</h2>
              <Show when={!session.readOnly() && editor().kind === 'closed'}>
                <button
                  type="button"
                  onClick={() => setEditor({ kind: 'add', masterId: master.id })}
                  disabled={unlinkedFollowers(master.id).length === 0}
                  title={unlinkedFollowers(master.id).length === 0 ? 'Every follower already copies this master' : undefined}
                >
                  Add follower link
                </button>
              </Show>
            </div>
            <Show when={adding(master.id)}>
              <MultiplierForm master={master} followers={unlinkedFollowers(master.id)} onSaved={saved} onCancel={close} />
            </Show>
            <Show when={editedLink(master.id)} keyed>
              {(link) => <MultiplierForm master={master} link={link} onSaved={saved} onCancel={close} />}
            </Show>
            <LinksTable
              links={linksOf(master.id)}
              editing={editor().kind !== 'closed'}
              onPause={(link, paused) => void pause(link, paused)}
              onEdit={(link) => setEditor({ kind: 'edit', linkId: link.id })}
              onRemove={remove}
            />
          </div>
        )}
      </For>
    </section>
  );
}
