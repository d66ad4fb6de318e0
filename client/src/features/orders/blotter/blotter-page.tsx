import { createMemo, createSignal, For, onCleanup, onMount, Show } from 'solid-js';
import { createOperation, createQueryView, subscribe } from '../../../graphql/operations.ts';
import { routeParams } from '../../../navigation/router.ts';
import DownloadButton from '../../../ui/download-button.tsx';
import FormErrors from '../../../ui/form-errors.tsx';
import { session } from '../../auth/session.ts';
import NoOrdersMessage from '../no-orders-message.tsx';
import '../orders.css';
import BlotterFilters from './blotter-filters.tsx';
import { Blotter, visibleChildren, type BlotterEvent, type OrderStatus } from './blotter.ts';
import './blotter.css';
import { BLOTTER_ACCOUNTS, BLOTTER_EVENTS, BLOTTER_ORDER, BLOTTER_PAGE } from './documents.ts';
import MasterOrderRow, { Abbreviated } from './master-order-row.tsx';
import { startResumableStream, type StreamState } from './resumable-stream.ts';

const PAGE_SIZE = 25;

/**
 * The live order blotter (#/orders): recent master orders from the `orders` connection, kept
 * current by `orderEvents`; each row expands to its copies. Orders that arrive while the page
 * is open show expanded, so a copy's progress is visible without a click.
 */
export default function BlotterPage() {
  const book = new Blotter();
  // A CLIENT reads the copies into their own accounts but not the masters behind them: each
  // of their orders is a row of its own.
  const flat = session.role() === 'CLIENT';
  const [version, setVersion] = createSignal(0);
  const changed = () => setVersion((v) => v + 1);

  const readPage = createOperation(BLOTTER_PAGE);
  const readOrder = createOperation(BLOTTER_ORDER);
  const accountList = createQueryView(BLOTTER_ACCOUNTS);

  const params = routeParams();
  const [accountId, setAccountId] = createSignal(params.get('account') ?? '');
  const [status, setStatus] = createSignal(params.get('status') ?? '');
  const [symbol, setSymbol] = createSignal(params.get('symbol') ?? '');
  const accounts = () => accountList.data()?.accounts ?? [];
  // In the server's order, like the ticket's list: the hint names the master it preselects.
  const masters = createMemo(() => (accountList.data() ? accounts().filter((a) => a.role === 'MASTER') : null));

  const [expanded, setExpanded] = createSignal<ReadonlySet<string>>(new Set());
  const [fresh, setFresh] = createSignal<ReadonlySet<string>>(new Set());
  const [endCursor, setEndCursor] = createSignal<string | null>(null);
  const [hasMore, setHasMore] = createSignal(false);
  const [stream, setStream] = createSignal<StreamState | null>(null);
  let pageLoaded = false;

  const rows = createMemo(() => {
    version();
    return book.rows({ accountId: accountId() || null, status: (status() || null) as OrderStatus | null, symbol: symbol() || null }, flat);
  });
  const rowById = createMemo(() => new Map(rows().map((r) => [r.master.id, r])));
  const rowIds = createMemo(() => rows().map((r) => r.master.id));
  const accountOptions = createMemo(() => {
    version();
    const byId = new Map<string, { id: string; label: string; clientCode: string; role: string }>(accounts().map((a) => [a.id, a]));
    for (const a of book.accounts()) if (!byId.has(a.id)) byId.set(a.id, { ...a, role: 'FOLLOWER' });
    return [...byId.values()].sort((a, b) => (a.role === b.role ? a.label.localeCompare(b.label) : a.role === 'MASTER' ? -1 : 1));
  });
  const allRows = createMemo(() => {
    version();
    return book.rows({}, flat);
  });
  const symbols = createMemo(() => [...new Set(allRows().map((r) => r.master.symbol))].sort());

  const toggle = (id: string, open?: boolean) =>
    setExpanded((current) => {
      const next = new Set(current);
      if (open ?? !next.has(id)) next.add(id);
      else next.delete(id);
      return next;
    });

  const loadPage = async (after: string | null) => {
    const data = await readPage.run({ first: PAGE_SIZE, after, mastersOnly: !flat });
    if (!data) return;
    book.addPage(data.orders.edges.map((e) => e.node));
    // A reload after a gap refreshes the newest page; it must not move "Load more" back.
    if (after !== null || !pageLoaded) {
      setEndCursor(data.orders.pageInfo.endCursor ?? null);
      setHasMore(data.orders.pageInfo.hasNextPage);
    }
    pageLoaded = true;
    changed();
  };

  // Asked once each: a master that cannot be read (deleted, or not the viewer's) is not asked again.
  const requested = new Set<string>();
  const fetchMissingMasters = () => {
    if (flat) return;
    for (const id of book.missingMasters()) {
      if (requested.has(id)) continue;
      requested.add(id);
      void readOrder.run({ id }).then((data) => {
        if (!data) return;
        book.addOrder(data.order);
        changed();
      });
    }
  };

  const applyEvent = (event: BlotterEvent) => {
    const known = book.get(event.order.id) !== undefined;
    if (!book.applyEvent(event)) return;
    if (!known && pageLoaded) {
      const masterId = event.order.master?.id ?? event.order.id;
      setFresh((current) => new Set(current).add(masterId));
      if (event.order.master === null && !flat) toggle(masterId, true);
    }
    fetchMissingMasters();
    changed();
  };

  onMount(() => {
    const stop = startResumableStream<BlotterEvent>({
      open: (after, sink) =>
        subscribe(BLOTTER_EVENTS, after === null ? {} : { after }, {
          next: (data) => sink.next(data.orderEvents),
          error: (errors) => sink.error(errors),
        }),
      lastCursor: () => book.lastCursor,
      onEvent: applyEvent,
      onGap: () => void loadPage(null),
      onState: setStream,
    });
    onCleanup(stop);
  });

  const streamLabel = () => {
    const s = stream();
    if (!s) return 'Connecting…';
    if (s.kind === 'live') return 'Live';
    if (s.kind === 'reconnecting') return `Reconnecting (attempt ${s.attempt}): ${s.reason}`;
    return `Stopped: ${s.reason}`;
  };

  return (
    <section aria-labelledby="blotter-title">
      <div class="page-head">
        <h1 id="blotter-title">Orders</h1>
        <span class={`stream-state stream-${stream()?.kind ?? 'connecting'}`} role="status">
          {streamLabel()}
        </span>
        {/* Every order you may read (of the chosen account, with its copies), not only the rows loaded here. */}
        <DownloadButton
          path={`/export/orders.csv${accountId() ? `?accountId=${encodeURIComponent(accountId())}` : ''}`}
          fallbackName="orders.csv"
        />
      </div>

      <BlotterFilters
        accounts={accountOptions()}
        symbols={symbols()}
        accountId={accountId()}
        status={status()}
        symbol={symbol()}
        onAccount={setAccountId}
        onStatus={setStatus}
        onSymbol={setSymbol}
      />

      <FormErrors errors={readPage.errors()} />

      <div class="table-wrap">
        <table class="blotter" aria-label="Master orders">
          <thead>
            <tr>
              <th scope="col">
                <span class="visually-hidden">Copies</span>
              </th>
              <th scope="col">Time (IST)</th>
              <th scope="col" class="wide-only">
                Account
              </th>
              <th scope="col">Symbol</th>
              <th scope="col">Side</th>
              <th scope="col" class="num">
                <Abbreviated long="Quantity" short="Qty" />
              </th>
              <th scope="col" class="num wide-only">
                Filled
              </th>
              <th scope="col" class="num wide-only">
                Avg price
              </th>
              <th scope="col">Status</th>
              <th scope="col" class="wide-only">
                {flat ? '' : 'Copies'}
              </th>
            </tr>
          </thead>
          <For each={rowIds()}>
            {(id) => (
              <Show when={rowById().get(id)}>
                {(row) => (
                  <MasterOrderRow
                    master={row().master}
                    children={visibleChildren(row(), accountId())}
                    expandable={!flat}
                    expanded={expanded().has(id)}
                    fresh={fresh().has(id)}
                    onToggle={() => toggle(id)}
                  />
                )}
              </Show>
            )}
          </For>
        </table>
        <Show when={rowIds().length === 0 && !readPage.busy()}>
          <Show when={allRows().length === 0} fallback={<p class="muted empty">No orders match these filters.</p>}>
            <NoOrdersMessage class="muted empty" masters={masters()} />
          </Show>
        </Show>
      </div>

      <div class="form-actions">
        <Show when={hasMore()}>
          <button type="button" disabled={readPage.busy()} onClick={() => void loadPage(endCursor())}>
            {readPage.busy() ? 'Loading…' : 'Load more'}
          </button>
        </Show>
        <span class="muted">
          {rowIds().length} of {allRows().length} master orders shown
        </span>
      </div>
    </section>
  );
}
