import { createMemo, createSignal, Index, onCleanup, onMount, Show } from 'solid-js';
import type { ApiError } from '../../graphql/errors.ts';
import { graphql, type ResultOf } from '../../graphql/graphql.ts';
import { createOperation } from '../../graphql/operations.ts';
import { hashFor } from '../../navigation/router.ts';
import ConfirmButton from '../../ui/confirm-button.tsx';
import FormErrors from '../../ui/form-errors.tsx';
import { AccountFields, type AccountRow } from '../accounts/account-fields.ts';
import { followAccountStatus } from '../accounts/account-status-feed.ts';
import { applyAccountStatus } from '../accounts/account-status.ts';
import { session } from '../auth/session.ts';
import { formatSizing } from '../multipliers/sizing.ts';
import NoOrdersMessage from '../orders/no-orders-message.tsx';
import AccountLine from './account-line.tsx';
import { sumCounts, type CopyCounts } from './copy-counts.ts';
import { groupByMaster } from './grouping.ts';
import './overview.css';

// Counts move with every copy; `orders(first: 1)` says whether the viewer has any order yet.
const CountsFields = graphql(`
  fragment CountsFields on Query {
    replicationStats { followerId copied failed skipped inFlight }
    orders(first: 1) { edges { node { id } } }
  }
`);

const OVERVIEW = graphql(
  `
  query Overview {
    accounts { ...AccountFields }
    multipliers { id masterId followerId master { label } mode factor fixedLots paused }
    globalKillSwitch
    ...CountsFields
  }
`,
  [AccountFields, CountsFields],
);

const COUNTS = graphql(`query Counts { ...CountsFields }`, [CountsFields]);

const SET_KILL_SWITCH = graphql(`
  mutation SetKillSwitch($accountId: ID, $engaged: Boolean!) {
    setKillSwitch(accountId: $accountId, engaged: $engaged) { engaged account { id killSwitch } }
  }
`);

const SET_COPY = graphql(`
  mutation SetCopy($id: ID!, $copyEnabled: Boolean!) { updateAccount(id: $id, input: { copyEnabled: $copyEnabled }) { id copyEnabled } }
`);

type Link = ResultOf<typeof OVERVIEW>['multipliers'][number];

const COUNTS_POLL_MS = 5000;

/** Whom a follower copies, said even when the viewer may not see that master. */
const copyingFrom = (link: Link) =>
  `${link.master ? `copies ${link.master.label}` : 'copying from a master you cannot see,'} ${formatSizing(link)}`;

/** Masters with their followers, live connection status, copy switches, kill switches and today's counts. */
export default function OverviewPage() {
  const [errors, setErrors] = createSignal<readonly ApiError[]>([]);
  const read = createOperation(OVERVIEW, { errors: [errors, setErrors] });
  const readCounts = createOperation(COUNTS);
  const setKillSwitch = createOperation(SET_KILL_SWITCH, { errors: [errors, setErrors] });
  const setCopy = createOperation(SET_COPY, { errors: [errors, setErrors] });
  const [accounts, setAccounts] = createSignal<AccountRow[]>([]);
  const [links, setLinks] = createSignal<Link[]>([]);
  const [stats, setStats] = createSignal<Map<string, CopyCounts>>(new Map());
  const [globalKill, setGlobalKill] = createSignal(false);
  const [loaded, setLoaded] = createSignal(false);
  const [hasOrders, setHasOrders] = createSignal(true);
  const [live, setLive] = createSignal(true);

  const showCounts = (data: ResultOf<typeof CountsFields>) => {
    setStats(new Map(data.replicationStats.map((s) => [s.followerId, s])));
    setHasOrders(data.orders.edges.length > 0);
  };

  /** Reads everything; true when it got it. */
  const load = async (): Promise<boolean> => {
    const data = await read.run();
    if (data) {
      setAccounts(data.accounts);
      setLinks(data.multipliers);
      setGlobalKill(data.globalKillSwitch);
      showCounts(data);
    }
    setLoaded(true);
    return data !== undefined;
  };

  const refreshCounts = async () => {
    const data = await readCounts.run();
    if (data) showCounts(data);
  };

  onMount(() => {
    const stopStatus = followAccountStatus({
      onEvent: (update) => setAccounts((list) => applyAccountStatus(list, update)),
      resync: load,
      onLive: setLive,
    });
    void load();
    // A light poll keeps the counts current without a second stream.
    const timer = setInterval(() => void refreshCounts(), COUNTS_POLL_MS);
    onCleanup(() => {
      stopStatus();
      clearInterval(timer);
    });
  });

  const grouped = createMemo(() => groupByMaster(accounts(), links()));
  const masters = createMemo(() => accounts().filter((a) => a.role === 'MASTER'));

  const engage = async (accountId: string | null, engaged: boolean) => {
    const state = (await setKillSwitch.run({ accountId, engaged }))?.setKillSwitch;
    if (!state) return;
    const account = state.account;
    if (account) setAccounts((list) => list.map((a) => (a.id === account.id ? { ...a, killSwitch: account.killSwitch } : a)));
    else setGlobalKill(state.engaged);
  };

  const copyInto = async (account: AccountRow, copyEnabled: boolean) => {
    const updated = (await setCopy.run({ id: account.id, copyEnabled }))?.updateAccount;
    if (updated) setAccounts((list) => list.map((a) => (a.id === updated.id ? { ...a, copyEnabled: updated.copyEnabled } : a)));
  };

  const Line = (props: { account: AccountRow; link?: Link; sizing?: string }) => (
    <AccountLine
      account={props.account}
      sizing={props.sizing}
      paused={props.link?.paused}
      counts={stats().get(props.account.id)}
      onCopy={(account, on) => void copyInto(account, on)}
      onKillSwitch={(account, on) => engage(account.id, on)}
    />
  );

  return (
    <section aria-labelledby="overview-title">
      <div class="page-head">
        <h1 id="overview-title">Overview</h1>
        <span class={live() ? 'live-state on' : 'live-state muted'} role="status">
          {live() ? '● Live status' : 'Reconnecting…'}
        </span>
        <button type="button" onClick={() => void load()}>
          Refresh
        </button>
      </div>
      <div class={`card kill-bar ${globalKill() ? 'engaged' : ''}`}>
        <div>
          <strong>Global kill switch: {globalKill() ? 'ENGAGED' : 'off'}</strong>
          <div class="muted">
            {globalKill()
              ? 'No new order is placed or copied on any account. Open orders stay until cancelled.'
              : 'Orders are placed and copied normally.'}
          </div>
        </div>
        <Show when={session.isAdmin()}>
          <ConfirmButton
            label={globalKill() ? 'Release global kill switch' : 'Engage global kill switch'}
            question={globalKill() ? 'Resume placing and copying orders everywhere?' : 'Stop every new order on every account?'}
            danger={globalKill() ? undefined : 'solid'}
            onConfirm={() => engage(null, !globalKill())}
          />
        </Show>
      </div>
      <FormErrors errors={errors()} />
      <Show when={loaded() && accounts().length === 0}>
        <p class="card">
          No accounts yet.{' '}
          <Show when={!session.readOnly()} fallback="Your trader has not added an account for you yet.">
            <a href={hashFor('accounts')}>Add a master and its followers</a>.
          </Show>
        </p>
      </Show>
      <Show when={loaded() && accounts().length > 0 && !hasOrders()}>
        <NoOrdersMessage class="card" masters={masters()} />
      </Show>
      {/* Index, not For: a status event replaces an account object, and rows must update in
          place (keeping an open kill-switch confirmation) rather than be rebuilt. */}
      <Index each={grouped().groups}>
        {(group) => (
          <div class="card group">
            <AccountLine
              account={group().master}
              counts={sumCounts(group().followers.map((f) => stats().get(f.account.id)))}
              onCopy={(account, on) => void copyInto(account, on)}
              onKillSwitch={(account, on) => engage(account.id, on)}
            />
            <Index
              each={group().followers}
              fallback={
                <p class="muted">
                  No followers yet. <a href={hashFor('multipliers')}>Link a follower</a>.
                </p>
              }
            >
              {(f) => <Line account={f().account} link={f().link} sizing={formatSizing(f().link)} />}
            </Index>
          </div>
        )}
      </Index>
      <Show when={grouped().elsewhere.length > 0}>
        <h2>{session.readOnly() ? 'Your accounts' : 'Following masters you cannot see'}</h2>
        <div class="card group">
          <Index each={grouped().elsewhere}>{(f) => <Line account={f().account} link={f().link} sizing={copyingFrom(f().link)} />}</Index>
        </div>
      </Show>
      <Show when={grouped().unlinked.length > 0}>
        <h2>Followers not linked to a master</h2>
        <div class="card group">
          <Index each={grouped().unlinked}>{(a) => <Line account={a()} />}</Index>
        </div>
      </Show>
      <p class="muted">
        A follower linked during the day does not inherit the master's open positions; it copies orders placed after the link.
      </p>
    </section>
  );
}
