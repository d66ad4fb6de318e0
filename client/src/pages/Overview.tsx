import { createMemo, createSignal, Index, onCleanup, onMount, Show } from 'solid-js';
import { runMutation, runQuery, type ApiError } from '../api.ts';
import { followAccountStatus } from '../components/account-status-feed.ts';
import AccountStatus from '../components/AccountStatus.tsx';
import ConfirmButton from '../components/ConfirmButton.tsx';
import FormErrors from '../components/FormErrors.tsx';
import NoOrdersHint from '../components/NoOrdersHint.tsx';
import { ACCOUNT_FIELDS, type AccountRow } from '../lib/account-types.ts';
import { applyAccountStatus, sumCounts, type CopyCounts } from '../lib/account-status.ts';
import { formatCount, formatSizing } from '../components/format.ts';
import { groupByMaster } from '../lib/grouping.ts';
import { hashFor } from '../router.ts';
import { session } from '../session.ts';

interface LinkRow {
  id: string;
  masterId: string;
  followerId: string;
  /** null where the viewer may not see the master (a CLIENT never sees the master they follow). */
  master: { label: string } | null;
  mode: 'MULTIPLY' | 'FIXED_LOTS';
  factor: number | null;
  fixedLots: number | null;
  paused: boolean;
}

/** Whom a follower copies, said even when the viewer may not see that master. */
const copyingFrom = (link: LinkRow) => `${link.master ? `copies ${link.master.label}` : 'copying from a master you cannot see,'} ${formatSizing(link)}`;

const OVERVIEW = `query Overview {
  accounts { ${ACCOUNT_FIELDS} }
  multipliers { id masterId followerId master { label } mode factor fixedLots paused }
  globalKillSwitch
  replicationStats { follower { id } copied failed skipped inFlight }
  orders(first: 1) { edges { node { id } } }
}`;
const COUNTS = `query Counts {
  replicationStats { follower { id } copied failed skipped inFlight }
  orders(first: 1) { edges { node { id } } }
}`;
const SET_KILL_SWITCH = `mutation SetKillSwitch($accountId: ID, $engaged: Boolean!) { setKillSwitch(accountId: $accountId, engaged: $engaged) { engaged account { id killSwitch } } }`;
const SET_COPY = `mutation SetCopy($id: ID!, $copyEnabled: Boolean!) { updateAccount(id: $id, input: { copyEnabled: $copyEnabled }) { id copyEnabled } }`;

type Stats = CopyCounts & { follower: { id: string } };
/** Whether the viewer has any order at all: none yet shows how to place a first one. */
type AnyOrder = { orders: { edges: unknown[] } };

/** Masters with their followers, live connection status, copy switches, kill switches and today's counts. */
export default function Overview() {
  const [accounts, setAccounts] = createSignal<AccountRow[]>([]);
  const [links, setLinks] = createSignal<LinkRow[]>([]);
  const [stats, setStats] = createSignal<Map<string, CopyCounts>>(new Map());
  const [globalKill, setGlobalKill] = createSignal(false);
  const [errors, setErrors] = createSignal<ApiError[]>([]);
  const [loaded, setLoaded] = createSignal(false);
  const [hasOrders, setHasOrders] = createSignal(true);

  /** Reads everything; true when it got it. */
  const load = async (): Promise<boolean> => {
    const result = await runQuery<{ accounts: AccountRow[]; multipliers: LinkRow[]; globalKillSwitch: boolean; replicationStats: Stats[] } & AnyOrder>(OVERVIEW);
    setErrors(result.errors);
    if (result.data) {
      setAccounts(result.data.accounts);
      setLinks(result.data.multipliers);
      setGlobalKill(result.data.globalKillSwitch);
      setStats(new Map(result.data.replicationStats.map((s) => [s.follower.id, s])));
      setHasOrders(result.data.orders.edges.length > 0);
    }
    setLoaded(true);
    return result.data !== undefined;
  };

  const [live, setLive] = createSignal(true);

  onMount(() => {
    const stopStatus = followAccountStatus({
      onEvent: (update) => setAccounts((list) => applyAccountStatus(list, update)),
      resync: load,
      onLive: setLive,
    });
    void load();
    // Counts move with every copy; a light poll keeps them current without a second stream.
    const timer = setInterval(() => void refreshCounts(), 5000);
    onCleanup(() => {
      stopStatus();
      clearInterval(timer);
    });
  });

  const refreshCounts = async () => {
    const result = await runQuery<{ replicationStats: Stats[] } & AnyOrder>(COUNTS);
    if (!result.data) return;
    setStats(new Map(result.data.replicationStats.map((s) => [s.follower.id, s])));
    setHasOrders(result.data.orders.edges.length > 0);
  };

  const grouped = createMemo(() => groupByMaster(accounts(), links()));
  const masters = createMemo(() => accounts().filter((a) => a.role === 'MASTER'));

  const setKillSwitch = async (accountId: string | null, engaged: boolean) => {
    const result = await runMutation<{ setKillSwitch: { engaged: boolean; account: { id: string; killSwitch: boolean } | null } }>(SET_KILL_SWITCH, { accountId, engaged });
    setErrors(result.errors);
    const state = result.data?.setKillSwitch;
    if (!state) return;
    if (state.account) setAccounts((list) => list.map((a) => (a.id === state.account!.id ? { ...a, killSwitch: state.account!.killSwitch } : a)));
    else setGlobalKill(state.engaged);
  };

  const setCopy = async (id: string, copyEnabled: boolean) => {
    const result = await runMutation<{ updateAccount: { id: string; copyEnabled: boolean } }>(SET_COPY, { id, copyEnabled });
    setErrors(result.errors);
    const updated = result.data?.updateAccount;
    if (updated) setAccounts((list) => list.map((a) => (a.id === updated.id ? { ...a, copyEnabled: updated.copyEnabled } : a)));
  };

  const Counts = (props: { counts: CopyCounts | undefined }) => (
    <span class="counts" aria-label="Today's copies">
      <span>Copied <b>{formatCount(props.counts?.copied ?? 0)}</b></span>
      <span>Failed <b classList={{ reason: (props.counts?.failed ?? 0) > 0 }}>{formatCount(props.counts?.failed ?? 0)}</b></span>
      <span>Skipped <b>{formatCount(props.counts?.skipped ?? 0)}</b></span>
    </span>
  );

  const AccountLine = (props: { account: AccountRow; sizing?: string; paused?: boolean; counts: CopyCounts | undefined }) => (
    <div class={`account-row ${props.account.role === 'FOLLOWER' ? 'follower' : 'master'}`} data-account={props.account.clientCode}>
      <div>
        <div class="account-name">{props.account.label}</div>
        <div class="account-meta">
          {props.account.clientCode} · {props.account.broker === 'PAPER' ? 'Paper' : 'SmartAPI'} · {props.account.role === 'MASTER' ? 'Master' : 'Follower'}
          <Show when={props.sizing}> · {props.sizing}</Show>
          <Show when={props.paused}> · <b>link paused</b></Show>
        </div>
      </div>
      <AccountStatus status={props.account.connectionStatus} reason={props.account.statusReason} />
      <Counts counts={props.counts} />
      <div class="account-actions">
        <Show when={props.account.role === 'FOLLOWER'}>
          <label class="toggle">
            <input
              type="checkbox"
              checked={props.account.copyEnabled}
              disabled={!session.rightsOn(props.account).toggleCopy}
              aria-label={`Copy into ${props.account.label}`}
              onChange={(e) => void setCopy(props.account.id, e.currentTarget.checked)}
            />
            Copy on
          </label>
        </Show>
        <Show when={props.account.killSwitch}>
          <span class="badge badge-bad" title="No new orders are placed or copied on this account">Kill switch on</span>
        </Show>
        <Show when={session.rightsOn(props.account).killSwitch}>
          <ConfirmButton
            label={props.account.killSwitch ? 'Release kill switch' : 'Kill switch'}
            name={props.account.killSwitch ? `Release kill switch for ${props.account.label}` : `Kill switch for ${props.account.label}`}
            question={props.account.killSwitch ? `Allow new orders on ${props.account.label} again?` : `Stop new orders on ${props.account.label}?`}
            danger={props.account.killSwitch ? undefined : 'outline'}
            onConfirm={() => setKillSwitch(props.account.id, !props.account.killSwitch)}
          />
        </Show>
      </div>
    </div>
  );

  return (
    <section aria-labelledby="overview-title">
      <div class="page-head">
        <h1 id="overview-title">Overview</h1>
        <span class={live() ? 'live-state on' : 'live-state muted'} role="status">{live() ? '● Live status' : 'Reconnecting…'}</span>
        <button type="button" onClick={() => void load()}>Refresh</button>
      </div>
      <div class={`card kill-bar ${globalKill() ? 'engaged' : ''}`}>
        <div>
          <strong>Global kill switch: {globalKill() ? 'ENGAGED' : 'off'}</strong>
          <div class="muted">{globalKill() ? 'No new order is placed or copied on any account. Open orders stay until cancelled.' : 'Orders are placed and copied normally.'}</div>
        </div>
        <Show when={session.isAdmin()}>
          <ConfirmButton
            label={globalKill() ? 'Release global kill switch' : 'Engage global kill switch'}
            question={globalKill() ? 'Resume placing and copying orders everywhere?' : 'Stop every new order on every account?'}
            danger={globalKill() ? undefined : 'solid'}
            onConfirm={() => setKillSwitch(null, !globalKill())}
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
        <NoOrdersHint class="card" masters={masters()} />
      </Show>
      {/* Index, not For: a status event replaces an account object, and rows must update in
          place (keeping an open kill-switch confirmation) rather than be rebuilt. */}
      <Index each={grouped().groups}>
        {(group) => (
          <div class="card group">
            <AccountLine account={group().master} counts={sumCounts(group().followers.map((f) => stats().get(f.account.id)))} />
            <Index each={group().followers} fallback={<p class="muted">No followers yet. <a href={hashFor('multipliers')}>Link a follower</a>.</p>}>
              {(f) => <AccountLine account={f().account} sizing={formatSizing(f().link)} paused={f().link.paused} counts={stats().get(f().account.id)} />}
            </Index>
          </div>
        )}
      </Index>
      <Show when={grouped().elsewhere.length > 0}>
        <h2>{session.readOnly() ? 'Your accounts' : 'Following masters you cannot see'}</h2>
        <div class="card group">
          <Index each={grouped().elsewhere}>
            {(f) => <AccountLine account={f().account} sizing={copyingFrom(f().link)} paused={f().link.paused} counts={stats().get(f().account.id)} />}
          </Index>
        </div>
      </Show>
      <Show when={grouped().unlinked.length > 0}>
        <h2>Followers not linked to a master</h2>
        <div class="card group">
          <Index each={grouped().unlinked}>{(a) => <AccountLine account={a()} counts={stats().get(a().id)} />}</Index>
        </div>
      </Show>
      <p class="muted">A follower linked during the day does not inherit the master's open positions; it copies orders placed after the link.</p>
    </section>
  );
}
