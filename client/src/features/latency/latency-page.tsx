import { createMemo, createSignal, onCleanup, onMount, Show } from 'solid-js';
import { graphql, type ResultOf } from '../../graphql/graphql.ts';
import { createQueryView } from '../../graphql/operations.ts';
import { SelectField } from '../../ui/fields.tsx';
import FormErrors from '../../ui/form-errors.tsx';
import { formatLatency, formatQuantity } from '../../ui/format.ts';
import Table, { type Column } from '../../ui/table.tsx';
import { session } from '../auth/session.ts';
import LatencyChart from './latency-chart.tsx';
import {
  buildLatencyChart,
  copyLatencies,
  followerOrderLatencies,
  type FollowerStatsInput,
  type LatencyChart as Chart,
  type LatencySeries,
} from './latency.ts';
import './latency.css';

const FollowerStats = graphql(`
  fragment FollowerStats on FollowerReplicationStats {
    follower { id label } copied failed skipped inFlight samples latencyP50Ms latencyP99Ms
  }
`);

const STATS = graphql(
  `
  query LatencyStats($masterId: ID, $since: DateTime, $last: Int!) {
    replicationStats(masterId: $masterId, since: $since) { ...FollowerStats }
    orders(first: $last, mastersOnly: true, accountId: $masterId) {
      edges { node { id children { account { id label role } latencyMs } } }
    }
  }
`,
  [FollowerStats],
);

// A CLIENT cannot read the masters: their own latest copies give the dots.
const STATS_OF_OWN_COPIES = graphql(
  `
  query LatencyOwnCopies($since: DateTime, $last: Int!) {
    replicationStats(since: $since) { ...FollowerStats }
    orders(first: $last) { edges { node { id account { id label role } latencyMs } } }
  }
`,
  [FollowerStats],
);

const MASTERS = graphql(`query LatencyMasters { accounts(role: MASTER) { id label clientCode } }`);

type Period = 'today' | 'hour' | 'week';
const PERIODS: { value: Period; label: string }[] = [
  { value: 'today', label: 'Today (IST trading day)' },
  { value: 'hour', label: 'Last hour' },
  { value: 'week', label: 'Last 7 days' },
];
const LAST_N = ['20', '50', '100', '200'] as const;
const REFRESH_MS = 10_000;

function since(period: Period): string | null {
  if (period === 'today') return null; // the server's default: the start of the IST trading day
  return new Date(Date.now() - (period === 'hour' ? 3_600_000 : 7 * 86_400_000)).toISOString();
}

/** The stats of followers the viewer may see (the others come with no follower to name). */
function visibleStats(stats: readonly ResultOf<typeof FollowerStats>[]): FollowerStatsInput[] {
  return stats.flatMap(({ follower, ...counts }) => (follower ? [{ ...counts, follower }] : []));
}

/**
 * Replication latency per follower (#/latency): p50 and p99 from detecting the master order to
 * the broker acknowledging the copy, over a window, with the last N copies as dots.
 */
export default function LatencyPage() {
  // A viewer's role does not change while the page is open.
  const ownCopies = session.role() === 'CLIENT';
  const [masterId, setMasterId] = createSignal('');
  const [period, setPeriod] = createSignal<Period>('today');
  const [lastN, setLastN] = createSignal<(typeof LAST_N)[number]>('50');

  // `since` is computed each time the query is sent, so a refresh moves the window along.
  const masters = createQueryView(MASTERS, { pause: () => ownCopies });
  const ofMasters = createQueryView(STATS, {
    variables: () => ({ masterId: masterId() || null, since: since(period()), last: Number(lastN()) }),
    pause: () => ownCopies,
  });
  const ofOwnCopies = createQueryView(STATS_OF_OWN_COPIES, {
    variables: () => ({ since: since(period()), last: Number(lastN()) }),
    pause: () => !ownCopies,
  });
  const view = ownCopies ? ofOwnCopies : ofMasters;

  // The chart last drawn stays while a newer one is read, or when reading it failed.
  const chart = createMemo<Chart | null>((previous) => {
    if (ownCopies) {
      const d = ofOwnCopies.data();
      return d ? buildLatencyChart(visibleStats(d.replicationStats), followerOrderLatencies(d.orders.edges.map((e) => e.node))) : previous;
    }
    const d = ofMasters.data();
    return d ? buildLatencyChart(visibleStats(d.replicationStats), copyLatencies(d.orders.edges.map((e) => e.node))) : previous;
  }, null);

  onMount(() => {
    const timer = setInterval(() => view.refetch(), REFRESH_MS);
    onCleanup(() => clearInterval(timer));
  });

  const columns = createMemo((): Column<LatencySeries>[] => [
    { header: 'Follower', cell: (s) => s.label },
    { header: 'p50', class: 'num', cell: (s) => formatLatency(s.p50Ms) },
    { header: 'p99', class: 'num', cell: (s) => formatLatency(s.p99Ms) },
    { header: 'Samples', class: 'num', cell: (s) => formatQuantity(s.samples) },
    { header: 'Copied', class: 'num', cell: (s) => formatQuantity(s.copied) },
    { header: 'Failed', class: 'num', cell: (s) => formatQuantity(s.failed) },
    { header: 'Skipped', class: 'num', cell: (s) => formatQuantity(s.skipped) },
    { header: `Last ${lastN()}: p50`, class: 'num', cell: (s) => formatLatency(s.recentP50Ms) },
    { header: `Last ${lastN()}: p99`, class: 'num', cell: (s) => formatLatency(s.recentP99Ms) },
  ]);

  return (
    <section aria-labelledby="latency-title">
      <div class="page-head">
        <h1 id="latency-title">Replication latency</h1>
        <button type="button" onClick={() => view.refetch()} disabled={view.fetching()}>
          {view.fetching() ? 'Refreshing…' : 'Refresh'}
        </button>
      </div>
      <form class="card latency-controls" aria-label="Latency chart options" onSubmit={(e) => e.preventDefault()}>
        <Show when={!ownCopies}>
          <SelectField
            id="latency-master"
            label="Master"
            value={masterId()}
            onChange={setMasterId}
            options={[
              { value: '', label: 'All masters' },
              ...(masters.data()?.accounts ?? []).map((m) => ({ value: m.id, label: `${m.label} (${m.clientCode})` })),
            ]}
          />
        </Show>
        <SelectField id="latency-window" label="Percentiles over" value={period()} options={PERIODS} onChange={setPeriod} />
        <SelectField
          id="latency-last"
          label={ownCopies ? 'Dots: your last N orders' : 'Dots: last N master orders'}
          value={lastN()}
          options={LAST_N.map((n) => ({ value: n, label: n }))}
          onChange={setLastN}
        />
      </form>
      <FormErrors errors={view.errors()} />
      <Show when={chart()} fallback={<p class="muted">Loading…</p>}>
        {(c) => (
          <Show
            when={c().series.length > 0}
            fallback={<p class="muted card">No copies in this window yet. Place a master order from the ticket and come back.</p>}
          >
            <div class="card">
              <div class="legend" aria-hidden="true">
                <span>
                  <span class="swatch" style={{ background: 'var(--accent)' }} />
                  p50
                </span>
                <span>
                  <span class="swatch" style={{ background: '#b8cdef' }} />
                  p99
                </span>
                <span>
                  <span class="swatch" style={{ background: '#12233d', 'border-radius': '50%' }} />
                  one of the last {lastN()} copies
                </span>
              </div>
              <LatencyChart chart={c()} />
            </div>
            <Table label="Latency per follower" columns={columns()} rows={c().series} />
          </Show>
        )}
      </Show>
    </section>
  );
}
