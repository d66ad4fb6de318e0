import { createSignal, For, onCleanup, onMount, Show } from 'solid-js';
import { runQuery, type ApiError } from '../api.ts';
import { SelectField } from '../components/Field.tsx';
import FormErrors from '../components/FormErrors.tsx';
import { formatLatency, formatQuantity } from '../lib/format.ts';
import { buildLatencyChart, copyLatencies, followerOrderLatencies, type FollowerStatsInput, type LatencyChart as LatencyChartData } from '../lib/latency.ts';
import { session } from '../session.ts';
import LatencyChart from './orders/LatencyChart.tsx';
import './orders/orders.css';

const STATS = `
  query LatencyStats($masterId: ID, $since: DateTime, $last: Int!) {
    replicationStats(masterId: $masterId, since: $since) {
      follower { id label } copied failed skipped inFlight samples latencyP50Ms latencyP99Ms
    }
    orders(first: $last, mastersOnly: true, accountId: $masterId) {
      edges { node { id children { account { id label role } latencyMs } } }
    }
  }
`;
// A CLIENT cannot read the masters: their own latest copies give the dots.
const STATS_OF_OWN_COPIES = `
  query LatencyOwnCopies($since: DateTime, $last: Int!) {
    replicationStats(since: $since) {
      follower { id label } copied failed skipped inFlight samples latencyP50Ms latencyP99Ms
    }
    orders(first: $last) { edges { node { id account { id label role } latencyMs } } }
  }
`;
const MASTERS = `query LatencyMasters { accounts(role: MASTER) { id label clientCode } }`;

interface Copy {
  account: { id: string; label: string; role: string };
  latencyMs: number | null;
}

interface StatsData {
  replicationStats: FollowerStatsInput[];
  orders: { edges: { node: { id: string; children: Copy[] } }[] };
}

interface OwnStatsData {
  replicationStats: FollowerStatsInput[];
  orders: { edges: { node: Copy }[] };
}

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

/**
 * Replication latency per follower (#/latency): p50 and p99 from detecting the master order to
 * the broker acknowledging the copy, over a window, with the last N copies as dots.
 */
export default function Latency() {
  const ownCopies = session.role() === 'CLIENT';
  const [masters, setMasters] = createSignal<{ id: string; label: string; clientCode: string }[]>([]);
  const [masterId, setMasterId] = createSignal('');
  const [period, setPeriod] = createSignal<Period>('today');
  const [lastN, setLastN] = createSignal<(typeof LAST_N)[number]>('50');
  const [chart, setChart] = createSignal<LatencyChartData | null>(null);
  const [errors, setErrors] = createSignal<ApiError[]>([]);
  const [loading, setLoading] = createSignal(false);

  // A slow answer to an older question (options changed, or the timer fired) is dropped.
  let asked = 0;
  const load = async () => {
    const mine = ++asked;
    setLoading(true);
    const variables = { since: since(period()), last: Number(lastN()) };
    if (ownCopies) {
      const result = await runQuery<OwnStatsData>(STATS_OF_OWN_COPIES, variables);
      if (mine !== asked) return;
      setErrors(result.errors);
      const d = result.data;
      if (d) setChart(buildLatencyChart(d.replicationStats, followerOrderLatencies(d.orders.edges.map((e) => e.node))));
    } else {
      const result = await runQuery<StatsData>(STATS, { ...variables, masterId: masterId() || null });
      if (mine !== asked) return;
      setErrors(result.errors);
      const d = result.data;
      if (d) setChart(buildLatencyChart(d.replicationStats, copyLatencies(d.orders.edges.map((e) => e.node))));
    }
    setLoading(false);
  };

  onMount(() => {
    if (!ownCopies) void runQuery<{ accounts: { id: string; label: string; clientCode: string }[] }>(MASTERS).then((r) => r.data && setMasters(r.data.accounts));
    void load();
    const timer = setInterval(() => void load(), REFRESH_MS);
    onCleanup(() => clearInterval(timer));
  });

  const change = <T,>(set: (v: T) => void) => (v: T) => {
    set(v);
    void load();
  };

  return (
    <section aria-labelledby="latency-title">
      <div class="page-head">
        <h1 id="latency-title">Replication latency</h1>
        <button type="button" onClick={() => void load()} disabled={loading()}>{loading() ? 'Refreshing…' : 'Refresh'}</button>
      </div>
      <form class="card latency-controls" aria-label="Latency chart options" onSubmit={(e) => e.preventDefault()}>
        <Show when={!ownCopies}>
          <SelectField id="latency-master" label="Master" value={masterId()} options={[{ value: '', label: 'All masters' }, ...masters().map((m) => ({ value: m.id, label: `${m.label} (${m.clientCode})` }))]} onChange={change(setMasterId)} />
        </Show>
        <SelectField id="latency-window" label="Percentiles over" value={period()} options={PERIODS} onChange={change(setPeriod)} />
        <SelectField id="latency-last" label={ownCopies ? 'Dots: your last N orders' : 'Dots: last N master orders'} value={lastN()} options={LAST_N.map((n) => ({ value: n, label: n }))} onChange={change(setLastN)} />
      </form>
      <FormErrors errors={errors()} />
      <Show when={chart()} fallback={<p class="muted">Loading…</p>}>
        {(c) => (
          <Show when={c().series.length > 0} fallback={<p class="muted card">No copies in this window yet. Place a master order from the ticket and come back.</p>}>
            <div class="card">
              <div class="legend" aria-hidden="true">
                <span><span class="swatch" style={{ background: 'var(--accent)' }} />p50</span>
                <span><span class="swatch" style={{ background: '#b8cdef' }} />p99</span>
                <span><span class="swatch" style={{ background: '#12233d', 'border-radius': '50%' }} />one of the last {lastN()} copies</span>
              </div>
              <LatencyChart chart={c()} />
            </div>
            <div class="table-wrap">
              <table aria-label="Latency per follower">
                <thead>
                  <tr>
                    <th scope="col">Follower</th>
                    <th scope="col" class="num">p50</th>
                    <th scope="col" class="num">p99</th>
                    <th scope="col" class="num">Samples</th>
                    <th scope="col" class="num">Copied</th>
                    <th scope="col" class="num">Failed</th>
                    <th scope="col" class="num">Skipped</th>
                    <th scope="col" class="num">Last {lastN()}: p50</th>
                    <th scope="col" class="num">Last {lastN()}: p99</th>
                  </tr>
                </thead>
                <tbody>
                  <For each={c().series}>
                    {(s) => (
                      <tr>
                        <td>{s.label}</td>
                        <td class="num">{formatLatency(s.p50Ms)}</td>
                        <td class="num">{formatLatency(s.p99Ms)}</td>
                        <td class="num">{formatQuantity(s.samples)}</td>
                        <td class="num">{formatQuantity(s.copied)}</td>
                        <td class="num">{formatQuantity(s.failed)}</td>
                        <td class="num">{formatQuantity(s.skipped)}</td>
                        <td class="num">{formatLatency(s.recentP50Ms)}</td>
                        <td class="num">{formatLatency(s.recentP99Ms)}</td>
                      </tr>
                    )}
                  </For>
                </tbody>
              </table>
            </div>
          </Show>
        )}
      </Show>
    </section>
  );
}
