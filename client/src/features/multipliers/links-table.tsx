import { createMemo, Show } from 'solid-js';
import ConfirmButton from '../../ui/confirm-button.tsx';
import { formatList, formatRupees, humanize } from '../../ui/format.ts';
import Table, { type Column } from '../../ui/table.tsx';
import { session } from '../auth/session.ts';
import { followerLabel, type MultiplierRow } from './multiplier-fields.ts';
import { formatSizing } from './sizing.ts';

const yesNo = (value: boolean) => (value ? 'Yes' : 'No');

/** A master's follower links: how each copies, its caps and filters, pause, edit and remove. */
export default function LinksTable(props: {
  links: readonly MultiplierRow[];
  /** True while a form is open: one at a time, so every label names exactly one input. */
  editing: boolean;
  onPause: (link: MultiplierRow, paused: boolean) => void;
  onEdit: (link: MultiplierRow) => void;
  onRemove: (link: MultiplierRow) => Promise<void>;
}) {
  const Filters = (cell: { link: MultiplierRow }) => (
    <div>
      <Show
        when={cell.link.symbolsAllow.length + cell.link.symbolsDeny.length + cell.link.exchanges.length > 0}
        fallback={<span class="muted">All</span>}
      >
        <Show when={cell.link.symbolsAllow.length}>
          <div>Only {formatList(cell.link.symbolsAllow)}</div>
        </Show>
        <Show when={cell.link.symbolsDeny.length}>
          <div>Not {formatList(cell.link.symbolsDeny)}</div>
        </Show>
        <Show when={cell.link.exchanges.length}>
          <div>On {formatList(cell.link.exchanges)}</div>
        </Show>
      </Show>
      <div class="muted">Zero size: {cell.link.zeroQuantityPolicy === 'SKIP' ? 'skip' : 'one lot'}</div>
    </div>
  );

  const columns = createMemo((): Column<MultiplierRow>[] => [
    {
      header: 'Follower',
      cell: (l) => (
        <div>
          <b>{followerLabel(l)}</b>
          <div class="account-meta">{l.follower?.clientCode}</div>
        </div>
      ),
    },
    { header: 'Mode', cell: (l) => (l.mode === 'MULTIPLY' ? 'Multiply' : 'Fixed lots') },
    { header: 'Size', cell: (l) => formatSizing(l) },
    {
      header: 'Caps',
      cell: (l) => (
        <div>
          {l.maxQuantity === null ? 'No qty cap' : `≤ ${l.maxQuantity} qty`}
          <br />
          {l.maxOrderValue === null ? 'No value cap' : `≤ ${formatRupees(l.maxOrderValue)}`}
        </div>
      ),
    },
    { header: 'Filters', class: 'link-filters', cell: (l) => <Filters link={l} /> },
    { header: 'Product', cell: (l) => (l.productType ? humanize(l.productType) : <span class="muted">Master's</span>) },
    { header: 'Copy AMO', cell: (l) => yesNo(l.copyAmo) },
    { header: 'Copy modify', cell: (l) => yesNo(l.copyModifications) },
    { header: 'Copy cancel', cell: (l) => yesNo(l.copyCancellations) },
    {
      header: 'Paused',
      cell: (l) => (
        <label class="toggle">
          <input
            type="checkbox"
            checked={l.paused}
            disabled={session.readOnly()}
            aria-label={`Pause ${followerLabel(l)}`}
            onChange={(e) => props.onPause(l, e.currentTarget.checked)}
          />
          {l.paused ? 'Paused' : 'Live'}
        </label>
      ),
    },
    ...(session.readOnly()
      ? []
      : [
          {
            header: 'Actions',
            cell: (l: MultiplierRow) => (
              <div class="row-actions">
                <button type="button" aria-label={`Edit link ${followerLabel(l)}`} disabled={props.editing} onClick={() => props.onEdit(l)}>
                  Edit
                </button>
                <ConfirmButton
                  label="Remove"
                  name={`Remove link ${followerLabel(l)}`}
                  question={`Stop copying into ${followerLabel(l)}?`}
                  danger="outline"
                  onConfirm={() => props.onRemove(l)}
                />
              </div>
            ),
          },
        ]),
  ]);

  return (
    <Table
      class="links"
      stack
      columns={columns()}
      rows={props.links}
      empty="No followers copy this master yet."
      rowAttributes={(l) => ({ 'data-follower': followerLabel(l) })}
    />
  );
}
