import { Show } from 'solid-js';
import { formatCount, humanize } from '../../ui/format.ts';
import Table, { type Column } from '../../ui/table.tsx';
import { driftKey, driftText, type DriftRow } from './positions.ts';

const COLUMNS: Column<DriftRow>[] = [
  { header: 'Follower', cell: (d) => `${d.follower.label} (${d.follower.clientCode})` },
  { header: 'Symbol', cell: (d) => `${d.symbol} (${d.exchange})` },
  { header: 'Product', cell: (d) => humanize(d.productType) },
  { header: 'Expected', class: 'num', cell: (d) => formatCount(d.expected) },
  { header: 'Holds', class: 'num', cell: (d) => formatCount(d.actual) },
  { header: 'Drift', class: 'num', cell: (d) => <span class={d.drift === 0 ? undefined : 'mismatch-note'}>{driftText(d.drift)}</span> },
];

/**
 * A master's followers beside what their rules make of its fills since each was linked: a copy
 * a kill switch skipped, refused or partly filled shows here as drift.
 */
export default function DriftTable(props: { rows: readonly DriftRow[] | null }) {
  const drifting = () => (props.rows ?? []).filter((row) => row.drift !== 0).length;
  return (
    <section class="card drift-card" aria-labelledby="drift-title">
      <h2 id="drift-title">Followers' drift</h2>
      <p class="muted">
        Expected: the master's fills since each follower was linked, sized by its multiplier (filters leave orders out; a copy skipped by a
        kill switch or refused still counts). Intraday: today's fills only.
      </p>
      <Show when={props.rows} fallback={<p class="muted">Loading…</p>}>
        {(shown) => (
          <>
            <p role="status">{drifting() === 0 ? 'Every follower holds what its rules say.' : `${drifting()} out of line.`}</p>
            <Table
              label="Drift"
              stack
              columns={COLUMNS}
              rows={shown()}
              empty="The master has filled nothing since its followers were linked."
              rowAttributes={(d) => ({ 'data-drift': driftKey(d), 'data-mismatch': String(d.drift !== 0) })}
            />
          </>
        )}
      </Show>
    </section>
  );
}
