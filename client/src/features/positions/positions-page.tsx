import { createEffect, createMemo, createSignal, Show } from 'solid-js';
import type { ApiError } from '../../graphql/errors.ts';
import { createOperation, createQueryView } from '../../graphql/operations.ts';
import ConfirmButton from '../../ui/confirm-button.tsx';
import { session } from '../auth/session.ts';
import { navigate, routeParams } from '../../navigation/router.ts';
import { SelectField } from '../../ui/fields.tsx';
import FormErrors from '../../ui/form-errors.tsx';
import { formatCount, formatRupees, humanize } from '../../ui/format.ts';
import Table, { type Column } from '../../ui/table.tsx';
import { POSITION_ACCOUNTS, POSITION_DRIFT, POSITIONS, SQUARE_OFF, SQUARE_OFF_FOLLOWERS } from './documents.ts';
import DriftTable from './drift-table.tsx';
import { brokerUnavailable, closingWords, positionKey, squareOffSummary, sourceText, type PositionRow } from './positions.ts';
import './positions.css';

const pnlClass = (value: number | null) => (value === null || value === 0 ? undefined : value > 0 ? 'pnl-gain' : 'pnl-loss');

const COLUMNS: Column<PositionRow>[] = [
  { header: 'Symbol', cell: (p) => `${p.symbol} (${p.exchange})` },
  { header: 'Product', cell: (p) => humanize(p.productType) },
  {
    header: 'Quantity',
    class: 'num',
    cell: (p) => (p.holdingQuantity > 0 ? `${formatCount(p.quantity)} (${formatCount(p.holdingQuantity)} held)` : formatCount(p.quantity)),
  },
  { header: 'Average', class: 'num', cell: (p) => formatRupees(p.averagePrice) },
  { header: 'Last price', class: 'num', cell: (p) => formatRupees(p.lastPrice) },
  { header: 'Realised today', class: 'num', cell: (p) => <span class={pnlClass(p.realisedPnl)}>{formatRupees(p.realisedPnl)}</span> },
  { header: 'Unrealised', class: 'num', cell: (p) => <span class={pnlClass(p.unrealisedPnl)}>{formatRupees(p.unrealisedPnl)}</span> },
  { header: 'Source', cell: (p) => sourceText(p) },
  {
    header: "Tandem's count",
    class: 'num',
    cell: (p) => (
      <>
        {formatCount(p.tandemQuantity)}
        <Show when={p.mismatch}>
          {' '}
          <span class="mismatch-note">mismatch</span>
        </Show>
      </>
    ),
  },
];

/**
 * Positions per account (#/positions?account=…): what the broker says the account holds, with
 * Tandem's own count beside it and mismatches of more than a lot highlighted; Tandem's record,
 * dated, when the broker could not be asked.
 */
export default function PositionsPage() {
  const accountList = createQueryView(POSITION_ACCOUNTS);
  const accounts = () => accountList.data()?.accounts ?? [];
  const [accountId, setAccountId] = createSignal(routeParams().get('account') ?? '');

  // The first account until one is picked, so the page shows something at once.
  createEffect(() => {
    const first = accounts()[0];
    if (!accountId() && first) setAccountId(first.id);
  });

  const positions = createQueryView(POSITIONS, {
    variables: () => ({ accountId: accountId() }),
    pause: () => !accountId(),
  });
  // Rows of the account asked for, never the previous account's while the next is read.
  const rows = createMemo(() => (positions.answered()?.accountId === accountId() ? (positions.data()?.positions ?? null) : null));
  const isMaster = () => accounts().find((a) => a.id === accountId())?.role === 'MASTER';
  const drift = createQueryView(POSITION_DRIFT, {
    variables: () => ({ masterId: accountId() }),
    pause: () => !isMaster(),
  });
  const driftRows = createMemo(() => (drift.answered()?.masterId === accountId() ? (drift.data()?.positionDrift ?? null) : null));
  const refresh = () => {
    positions.refetch();
    if (isMaster()) drift.refetch();
  };

  // Square-off: market orders for exactly what is held, never copied; a repeat closes nothing twice.
  const [actionErrors, setActionErrors] = createSignal<readonly ApiError[]>([]);
  const [done, setDone] = createSignal('');
  const squareOff = createOperation(SQUARE_OFF, { errors: [actionErrors, setActionErrors] });
  const squareOffFollowers = createOperation(SQUARE_OFF_FOLLOWERS, { errors: [actionErrors, setActionErrors] });
  const label = () => accounts().find((a) => a.id === accountId())?.label ?? 'this account';
  const closed = (orders: { status: string }[] | undefined) => {
    if (!orders) return;
    setDone(squareOffSummary(orders));
    refresh();
    // The market orders fill a moment later: read again once they have.
    setTimeout(refresh, 1500);
  };
  const closeOne = async (p: PositionRow) =>
    closed((await squareOff.run({ accountId: accountId(), symbol: p.symbol, productType: p.productType }))?.squareOff);
  const closeAll = async () => closed((await squareOff.run({ accountId: accountId() }))?.squareOff);
  const closeFollowers = async (includeMaster: boolean) =>
    closed((await squareOffFollowers.run({ masterId: accountId(), includeMaster }))?.squareOffFollowers);
  const columns = (): Column<PositionRow>[] =>
    session.readOnly()
      ? COLUMNS
      : [
          ...COLUMNS,
          {
            header: 'Close',
            cell: (p) => (
              <Show when={p.quantity !== 0}>
                <ConfirmButton
                  label="Square off"
                  name={`Square off ${p.symbol} ${humanize(p.productType)}`}
                  question={`${closingWords(p)} at market?`}
                  danger="outline"
                  onConfirm={() => closeOne(p)}
                />
              </Show>
            ),
          },
        ];

  const pick = (id: string) => {
    setDone('');
    setAccountId(id);
    navigate('positions', { account: id });
  };

  return (
    <section aria-labelledby="positions-title">
      <div class="page-head">
        <h1 id="positions-title">Positions</h1>
        <button type="button" onClick={refresh} disabled={!accountId() || positions.fetching()}>
          {positions.fetching() ? 'Refreshing…' : 'Refresh'}
        </button>
      </div>
      <form class="card positions-controls" aria-label="Whose positions" onSubmit={(e) => e.preventDefault()}>
        <SelectField
          id="positions-account"
          label="Account"
          value={accountId()}
          onChange={pick}
          options={accounts().map((a) => ({ value: a.id, label: `${a.label} (${a.clientCode})` }))}
        />
      </form>
      <Show when={!session.readOnly() && accountId()}>
        <div class="card square-off-bar">
          <ConfirmButton
            label="Square off all"
            name={`Square off all of ${label()}`}
            question={`Close every open position of ${label()} at market?`}
            danger="outline"
            onConfirm={closeAll}
          />
          <Show when={isMaster()}>
            <ConfirmButton
              label="Square off all followers"
              question={`Close every open position of every follower of ${label()} at market? The master's are kept.`}
              danger="outline"
              onConfirm={() => closeFollowers(false)}
            />
            <ConfirmButton
              label="Square off followers and master"
              question={`Close every open position of ${label()} and of all its followers at market? The master's exit is not copied.`}
              danger="solid"
              onConfirm={() => closeFollowers(true)}
            />
          </Show>
        </div>
      </Show>
      <Show when={done()}>
        <p class="card" role="status" aria-label="Square-off">
          {done()}
        </p>
      </Show>
      <FormErrors errors={[...accountList.errors(), ...positions.errors(), ...(isMaster() ? drift.errors() : []), ...actionErrors()]} />
      <Show when={rows()} fallback={<p class="muted">{accountId() || accountList.fetching() ? 'Loading…' : 'No accounts to show.'}</p>}>
        {(shown) => (
          <>
            <Show when={brokerUnavailable(shown())}>
              <p class="card status-reason" role="status">
                The broker could not be asked just now: these are Tandem's own records of its fills, which miss anything placed outside
                Tandem.
              </p>
            </Show>
            <Table
              label="Positions"
              stack
              columns={columns()}
              rows={shown()}
              empty="No positions today: nothing held, and nothing traded."
              rowAttributes={(p) => ({ 'data-position': positionKey(p), 'data-mismatch': String(p.mismatch) })}
            />
          </>
        )}
      </Show>
      <Show when={isMaster()}>
        <DriftTable rows={driftRows()} />
      </Show>
    </section>
  );
}
