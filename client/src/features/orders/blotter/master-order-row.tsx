import { For, Show } from 'solid-js';
import { formatLatency, formatQuantity, formatRupees, formatTimestamp } from '../../../ui/format.ts';
import StatusBadge from '../../../ui/status-badge.tsx';
import { childSummary, type BlotterOrder } from './blotter.ts';

// Statuses whose reason a person needs: why a copy failed, was skipped, rejected or cancelled.
const SHOWS_REASON = new Set(['FAILED', 'REJECTED', 'SKIPPED', 'CANCELLED']);

/** A column heading that is shorter on a phone. */
export function Abbreviated(props: { long: string; short: string }) {
  return (
    <>
      <span class="wide-only">{props.long}</span>
      <span class="narrow-only">{props.short}</span>
    </>
  );
}

/** How a row names its order to a screen reader and to a test: "SBIN-EQ BUY 10 at 15:00:05". */
export function orderName(order: BlotterOrder): string {
  return `${order.symbol} ${order.side} ${order.quantity} at ${formatTimestamp(order.createdAt)}`;
}

/**
 * One master order as a table body: the master's line with a toggle, and when expanded, its
 * copies (follower, side, quantity, status, filled, average price, latency, reason).
 */
export default function MasterOrderRow(props: {
  master: BlotterOrder;
  children: BlotterOrder[];
  /** False when the viewer cannot see copies (a CLIENT's own orders): no toggle, no summary. */
  expandable: boolean;
  expanded: boolean;
  fresh: boolean;
  onToggle: () => void;
}) {
  const detailsId = () => `copies-${props.master.id}`;
  return (
    <tbody class="master-order" classList={{ fresh: props.fresh }} data-order-id={props.master.id} data-status={props.master.status}>
      <tr>
        <td>
          <Show when={props.expandable}>
            <button
              type="button"
              class="toggle-copies"
              aria-expanded={props.expanded}
              aria-controls={detailsId()}
              aria-label={`${props.expanded ? 'Hide' : 'Show'} copies of ${orderName(props.master)}`}
              onClick={() => props.onToggle()}
            >
              {props.expanded ? '▾' : '▸'}
            </button>
          </Show>
        </td>
        <td class="time">{formatTimestamp(props.master.createdAt)}</td>
        <td class="wide-only">{props.master.account?.label ?? '—'}</td>
        <td>
          <b>{props.master.symbol}</b> <span class="muted wide-only">{props.master.exchange}</span>
        </td>
        <td class={`side side-${props.master.side.toLowerCase()}`}>{props.master.side}</td>
        <td class="num">{formatQuantity(props.master.quantity)}</td>
        <td class="num wide-only">{formatQuantity(props.master.filledQuantity)}</td>
        <td class="num wide-only">{formatRupees(props.master.averagePrice)}</td>
        <td>
          <StatusBadge status={props.master.status} />
          <Show when={props.master.reason}>
            <span class="reason"> {props.master.reason}</span>
          </Show>
        </td>
        <td class="copies-summary wide-only">{props.expandable ? childSummary(props.children) : ''}</td>
      </tr>
      <Show when={props.expandable && props.expanded}>
        <tr class="copies-row">
          <td colSpan={10} id={detailsId()}>
            <Show when={props.children.length > 0} fallback={<p class="muted copies-empty">No copies yet.</p>}>
              <table class="copies" aria-label={`Copies of ${orderName(props.master)}`}>
                <colgroup>
                  <col class="follower" />
                  <col class="side" />
                  <col class="qty" />
                  <col class="status" />
                  <col class="filled" />
                  <col class="price wide-only" />
                  <col class="latency" />
                  <col class="reason wide-only" />
                </colgroup>
                <thead>
                  <tr>
                    <th scope="col">Follower</th>
                    <th scope="col">Side</th>
                    <th scope="col" class="num">
                      <Abbreviated long="Quantity" short="Qty" />
                    </th>
                    <th scope="col">Status</th>
                    <th scope="col" class="num">
                      Filled
                    </th>
                    <th scope="col" class="num wide-only">
                      Avg price
                    </th>
                    <th scope="col" class="num">
                      Latency
                    </th>
                    <th scope="col" class="wide-only">
                      Reason
                    </th>
                  </tr>
                </thead>
                <tbody>
                  <For each={props.children}>
                    {(child) => (
                      <tr data-order-id={child.id} data-status={child.status}>
                        <td>
                          {child.account?.label ?? '—'} <span class="muted wide-only">{child.account?.clientCode}</span>
                          <Show when={SHOWS_REASON.has(child.status) && child.reason}>
                            <span class="reason narrow-only">{child.reason}</span>
                          </Show>
                        </td>
                        <td class={`side side-${child.side.toLowerCase()}`}>{child.side}</td>
                        <td class="num">{formatQuantity(child.quantity)}</td>
                        <td>
                          <StatusBadge status={child.status} />
                        </td>
                        <td class="num">{formatQuantity(child.filledQuantity)}</td>
                        <td class="num wide-only">{formatRupees(child.averagePrice)}</td>
                        <td class="num">{formatLatency(child.latencyMs)}</td>
                        <td class="wide-only" classList={{ reason: SHOWS_REASON.has(child.status) }}>
                          {SHOWS_REASON.has(child.status) ? (child.reason ?? '') : ''}
                        </td>
                      </tr>
                    )}
                  </For>
                </tbody>
              </table>
            </Show>
          </td>
        </tr>
      </Show>
    </tbody>
  );
}
