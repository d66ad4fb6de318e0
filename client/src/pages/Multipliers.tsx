import { createMemo, createSignal, For, onMount, Show } from 'solid-js';
import { runMutation, runQuery, type ApiError } from '../api.ts';
import ConfirmButton from '../components/ConfirmButton.tsx';
import { formatList, formatSizing } from '../components/format.ts';
import FormErrors from '../components/FormErrors.tsx';
import MultiplierForm from '../components/MultiplierForm.tsx';
import { formatRupees, humanize } from '../lib/format.ts';
import { MULTIPLIER_FIELDS, type MultiplierRow } from '../lib/multiplier-types.ts';
import { session } from '../session.ts';

interface AccountChoice {
  id: string;
  label: string;
  role: 'MASTER' | 'FOLLOWER';
}

const DATA = `query Multipliers { accounts { id label role } multipliers { ${MULTIPLIER_FIELDS} } }`;
const SET_PAUSED = `mutation PauseLink($id: ID!, $paused: Boolean!) { updateMultiplier(id: $id, input: { paused: $paused }) { ${MULTIPLIER_FIELDS} } }`;
const DELETE = `mutation DeleteLink($id: ID!) { deleteMultiplier(id: $id) }`;

/** Which form is open: at most one on the page, so every label names exactly one input. */
type Editor = { kind: 'closed' } | { kind: 'add'; masterId: string } | { kind: 'edit'; linkId: string };

const yesNo = (value: boolean) => (value ? 'Yes' : 'No');

/** Per master, its followers and how each copies it; add, edit, pause and remove links. */
export default function Multipliers() {
  const [accounts, setAccounts] = createSignal<AccountChoice[]>([]);
  const [links, setLinks] = createSignal<MultiplierRow[]>([]);
  const [editor, setEditor] = createSignal<Editor>({ kind: 'closed' });
  const [errors, setErrors] = createSignal<ApiError[]>([]);

  const load = async () => {
    const result = await runQuery<{ accounts: AccountChoice[]; multipliers: MultiplierRow[] }>(DATA);
    setErrors(result.errors);
    if (result.data) {
      setAccounts(result.data.accounts);
      setLinks(result.data.multipliers);
    }
  };
  onMount(() => void load());

  // A CLIENT cannot see the master their account copies: its links say only that there is one.
  const masters = createMemo(() => {
    const byId = new Map(accounts().filter((a) => a.role === 'MASTER').map((a) => [a.id, { id: a.id, label: a.label }]));
    for (const link of links()) if (!byId.has(link.masterId)) byId.set(link.masterId, link.master ?? { id: link.masterId, label: 'A master you cannot see' });
    return [...byId.values()].sort((a, b) => a.label.localeCompare(b.label));
  });
  const linksOf = (masterId: string) => links().filter((l) => l.masterId === masterId).sort((a, b) => a.follower.label.localeCompare(b.follower.label));
  const unlinkedFollowers = (masterId: string) => {
    const linked = new Set(linksOf(masterId).map((l) => l.follower.id));
    return accounts().filter((a) => a.role === 'FOLLOWER' && !linked.has(a.id)).sort((a, b) => a.label.localeCompare(b.label));
  };

  const replace = (saved: MultiplierRow) => setLinks((list) => (list.some((l) => l.id === saved.id) ? list.map((l) => (l.id === saved.id ? saved : l)) : [...list, saved]));

  const setPaused = async (link: MultiplierRow, paused: boolean) => {
    const result = await runMutation<{ updateMultiplier: MultiplierRow }>(SET_PAUSED, { id: link.id, paused });
    setErrors(result.errors);
    if (result.data) replace(result.data.updateMultiplier);
  };

  const remove = async (link: MultiplierRow) => {
    const result = await runMutation<{ deleteMultiplier: string }>(DELETE, { id: link.id });
    setErrors(result.errors);
    if (result.data) setLinks((list) => list.filter((l) => l.id !== link.id));
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
        How each follower copies its master. Quantities round down to whole lots. A follower linked during the day
        does not inherit the master's open positions.
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
                <button type="button" onClick={() => setEditor({ kind: 'add', masterId: master.id })} disabled={unlinkedFollowers(master.id).length === 0}
                  title={unlinkedFollowers(master.id).length === 0 ? 'Every follower already copies this master' : undefined}>
                  Add follower link
                </button>
              </Show>
            </div>
            <Show when={adding(master.id)}>
              <MultiplierForm master={master} followers={unlinkedFollowers(master.id)}
                onSaved={(saved) => { replace(saved); setEditor({ kind: 'closed' }); }}
                onCancel={() => setEditor({ kind: 'closed' })} />
            </Show>
            <Show when={editedLink(master.id)} keyed>
              {(link) => (
                <MultiplierForm master={master} link={link}
                  onSaved={(saved) => { replace(saved); setEditor({ kind: 'closed' }); }}
                  onCancel={() => setEditor({ kind: 'closed' })} />
              )}
            </Show>
            <div class="table-wrap">
              <table class="links stack">
                <thead>
                  <tr>
                    <th>Follower</th><th>Mode</th><th>Size</th><th>Caps</th><th>Filters</th><th>Product</th>
                    <th>Copy AMO</th><th>Copy modify</th><th>Copy cancel</th><th>Paused</th>
                    <Show when={!session.readOnly()}><th>Actions</th></Show>
                  </tr>
                </thead>
                <tbody>
                  <For each={linksOf(master.id)} fallback={<tr><td colSpan={11} class="muted">No followers copy this master yet.</td></tr>}>
                    {(link) => (
                        <tr data-follower={link.follower.label}>
                          <td data-label="Follower"><div><b>{link.follower.label}</b><div class="account-meta">{link.follower.clientCode}</div></div></td>
                          <td data-label="Mode">{link.mode === 'MULTIPLY' ? 'Multiply' : 'Fixed lots'}</td>
                          <td data-label="Size">{formatSizing(link)}</td>
                          <td data-label="Caps">
                            <div>
                              {link.maxQuantity === null ? 'No qty cap' : `≤ ${link.maxQuantity} qty`}<br />
                              {link.maxOrderValue === null ? 'No value cap' : `≤ ${formatRupees(link.maxOrderValue)}`}
                            </div>
                          </td>
                          <td class="link-filters" data-label="Filters"><div>
                            <Show when={link.symbolsAllow.length + link.symbolsDeny.length + link.exchanges.length > 0} fallback={<span class="muted">All</span>}>
                              <Show when={link.symbolsAllow.length}><div>Only {formatList(link.symbolsAllow)}</div></Show>
                              <Show when={link.symbolsDeny.length}><div>Not {formatList(link.symbolsDeny)}</div></Show>
                              <Show when={link.exchanges.length}><div>On {formatList(link.exchanges)}</div></Show>
                            </Show>
                            <div class="muted">Zero size: {link.zeroQuantityPolicy === 'SKIP' ? 'skip' : 'one lot'}</div>
                          </div></td>
                          <td data-label="Product">{link.productType ? humanize(link.productType) : <span class="muted">Master's</span>}</td>
                          <td data-label="Copy AMO">{yesNo(link.copyAmo)}</td>
                          <td data-label="Copy modify">{yesNo(link.copyModifications)}</td>
                          <td data-label="Copy cancel">{yesNo(link.copyCancellations)}</td>
                          <td data-label="Paused">
                            <label class="toggle">
                              <input type="checkbox" checked={link.paused} disabled={session.readOnly()} aria-label={`Pause ${link.follower.label}`}
                                onChange={(e) => void setPaused(link, e.currentTarget.checked)} />
                              {link.paused ? 'Paused' : 'Live'}
                            </label>
                          </td>
                          <Show when={!session.readOnly()}>
                            <td data-label="Actions">
                              <div class="row-actions">
                                <button type="button" aria-label={`Edit link ${link.follower.label}`} disabled={editor().kind !== 'closed'}
                                  onClick={() => setEditor({ kind: 'edit', linkId: link.id })}>Edit</button>
                                <ConfirmButton label="Remove" name={`Remove link ${link.follower.label}`} question={`Stop copying into ${link.follower.label}?`} danger="outline" onConfirm={() => remove(link)} />
                              </div>
                            </td>
                          </Show>
                        </tr>
                    )}
                  </For>
                </tbody>
              </table>
            </div>
          </div>
        )}
      </For>
    </section>
  );
}
