import { createEffect, createSignal, on, onCleanup, Show } from 'solid-js';
import type { ApiError } from '../../../graphql/errors.ts';
import { graphql, type ResultOf } from '../../../graphql/graphql.ts';
import { createOperation, subscribe } from '../../../graphql/operations.ts';
import ConfirmButton from '../../../ui/confirm-button.tsx';
import FormErrors from '../../../ui/form-errors.tsx';
import { formatQuantity, formatRupees, formatTimestamp, humanize } from '../../../ui/format.ts';
import StatusBadge from '../../../ui/status-badge.tsx';
import Table, { type Column } from '../../../ui/table.tsx';
import { TicketOrderFields, type TicketOrder } from '../ticket-order.ts';
import { OPEN_STATUSES } from '../ticket-rules.ts';
import ModifyOrderForm, { describeOrder } from './modify-order-form.tsx';

// The fields of TicketOrderFields, written out: the server's cost limit counts a fragment
// spread as two levels deeper and multiplies by `first`, which puts 50 orders over it. Holding
// the nodes as TicketOrder keeps the two selections the same.
const ACCOUNT_ORDERS = graphql(`
  query TicketOrders($accountId: ID!) {
    orders(accountId: $accountId, mastersOnly: true, first: 50) {
      edges { node { id symbol exchange side quantity filledQuantity orderType productType variety price triggerPrice status reason createdAt } }
    }
  }
`);

const ACCOUNT_EVENTS = graphql(`
  subscription TicketEvents($accountId: ID!) { orderEvents(accountId: $accountId) { cursor order { id status filledQuantity reason } } }
`);

const CANCEL_ORDER = graphql(`mutation CancelOrder($id: ID!) { cancelOrder(id: $id) { ...TicketOrderFields } }`, [TicketOrderFields]);

/** What an order event says about one order: enough to update a status shown elsewhere. */
export type OrderChange = ResultOf<typeof ACCOUNT_EVENTS>['orderEvents']['order'];

// Events come in bursts (a fill, then its copies): the list is read again once they pause.
const RELOAD_AFTER_MS = 150;

/**
 * The account's orders still resting at the broker, with Modify and Cancel. Any order event on
 * the account reloads the list, so a fill or a cancel shows here as it happens.
 */
export default function OpenOrders(props: { accountId: string; readOnly: boolean; onOrderChange?: (change: OrderChange) => void }) {
  const read = createOperation(ACCOUNT_ORDERS);
  const cancelOrder = createOperation(CANCEL_ORDER);
  const [orders, setOrders] = createSignal<TicketOrder[]>([]);
  const [streamErrors, setStreamErrors] = createSignal<readonly ApiError[]>([]);
  const [editing, setEditing] = createSignal<string | null>(null);

  const load = async (accountId: string) => {
    const data = await read.run({ accountId });
    // An answer about an account no longer shown is dropped.
    if (accountId !== props.accountId || !data) return;
    // Unchanged orders keep their objects, so a reload never resets a Modify form being filled in.
    const held = new Map(orders().map((o) => [o.id, o]));
    setOrders(
      data.orders.edges
        .map((e) => e.node)
        .filter((o) => OPEN_STATUSES.has(o.status))
        .map((o) => {
          const previous = held.get(o.id);
          return previous && JSON.stringify(previous) === JSON.stringify(o) ? previous : o;
        }),
    );
  };

  createEffect(
    on(
      () => props.accountId,
      (accountId) => {
        setOrders([]);
        setEditing(null);
        setStreamErrors([]);
        void load(accountId);
        let timer: ReturnType<typeof setTimeout> | undefined;
        const stop = subscribe(
          ACCOUNT_EVENTS,
          { accountId },
          {
            next: (data) => {
              props.onOrderChange?.(data.orderEvents.order);
              clearTimeout(timer);
              timer = setTimeout(() => void load(accountId), RELOAD_AFTER_MS);
            },
            error: setStreamErrors,
          },
        );
        onCleanup(() => {
          clearTimeout(timer);
          stop();
        });
      },
    ),
  );

  const cancel = async (order: TicketOrder) => {
    await cancelOrder.run({ id: order.id });
    void load(props.accountId);
  };

  const columns: Column<TicketOrder>[] = [
    { header: 'Time (IST)', class: 'time', cell: (o) => formatTimestamp(o.createdAt) },
    {
      header: 'Order',
      cell: (o) => (
        <>
          <b>{o.symbol}</b> <span class={`side-${o.side.toLowerCase()}`}>{o.side}</span> {formatQuantity(o.quantity)}
        </>
      ),
    },
    { header: 'Filled', class: 'num', cell: (o) => formatQuantity(o.filledQuantity) },
    { header: 'Type', cell: (o) => `${humanize(o.orderType)} · ${humanize(o.productType)}` },
    { header: 'Price', class: 'num', cell: (o) => formatRupees(o.price) },
    { header: 'Trigger', class: 'num', cell: (o) => formatRupees(o.triggerPrice) },
    { header: 'Status', cell: (o) => <StatusBadge status={o.status} title={o.reason} /> },
    {
      header: 'Actions',
      heading: <span class="visually-hidden">Actions</span>,
      cell: (o) => (
        <Show when={!props.readOnly}>
          <div class="row-actions">
            <button
              type="button"
              aria-expanded={editing() === o.id}
              aria-label={`Modify ${describeOrder(o)}`}
              onClick={() => setEditing(editing() === o.id ? null : o.id)}
            >
              Modify
            </button>
            <ConfirmButton
              label="Cancel"
              name={`Cancel ${describeOrder(o)}`}
              question={`Cancel ${describeOrder(o)}?`}
              danger="outline"
              onConfirm={() => cancel(o)}
            />
          </div>
        </Show>
      ),
    },
  ];

  return (
    <section class="card" aria-labelledby="open-orders-title">
      <h2 id="open-orders-title">Open orders</h2>
      <FormErrors errors={[...read.errors(), ...streamErrors(), ...cancelOrder.errors()]} />
      <Show when={orders().length > 0} fallback={<p class="muted">No open orders on this account.</p>}>
        <Table
          class="open-orders"
          label="Open orders"
          columns={columns}
          rows={orders()}
          rowAttributes={(o) => ({ 'data-order-id': o.id })}
          details={(o) => (
            <Show when={editing() === o.id}>
              <tr>
                <td colSpan={columns.length}>
                  <ModifyOrderForm
                    order={o}
                    onDone={() => {
                      setEditing(null);
                      void load(props.accountId);
                    }}
                  />
                </td>
              </tr>
            </Show>
          )}
        />
      </Show>
    </section>
  );
}
