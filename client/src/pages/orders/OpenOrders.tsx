import { createEffect, createSignal, For, on, onCleanup, Show } from 'solid-js';
import { errorForField, errorsOutside, runMutation, runQuery, subscribe, type ApiError } from '../../api.ts';
import ConfirmButton from '../../components/ConfirmButton.tsx';
import { SelectField, TextField } from '../../components/Field.tsx';
import FormErrors from '../../components/FormErrors.tsx';
import StatusBadge from '../../components/StatusBadge.tsx';
import { formatQuantity, formatRupees, formatTimestamp, humanize } from '../../lib/format.ts';
import { needsPrice, needsTrigger, OPEN_STATUSES, ORDER_TYPES, toModifyOrderInput, type OrderType } from '../../lib/ticket.ts';
import { ACCOUNT_EVENTS, ACCOUNT_ORDERS, CANCEL_ORDER, MODIFY_ORDER, type AccountEventsData, type AccountOrdersData, type OrderChange, type TicketOrder } from './ticket-documents.ts';

const MODIFY_FIELDS = ['quantity', 'price', 'triggerPrice', 'orderType'];

const describe = (o: TicketOrder) => `${o.symbol} ${o.side} ${o.quantity}`;

/** Modify form for one open order: quantity, type and prices; the server's message under the field it names. */
function ModifyOrder(props: { order: TicketOrder; onDone: () => void }) {
  const [orderType, setOrderType] = createSignal<OrderType>(props.order.orderType);
  const [quantity, setQuantity] = createSignal(String(props.order.quantity));
  const [price, setPrice] = createSignal(props.order.price === null ? '' : String(props.order.price));
  const [trigger, setTrigger] = createSignal(props.order.triggerPrice === null ? '' : String(props.order.triggerPrice));
  const [errors, setErrors] = createSignal<ApiError[]>([]);
  const [busy, setBusy] = createSignal(false);
  const idPrefix = `modify-${props.order.id}`;

  const save = async (event: SubmitEvent) => {
    event.preventDefault();
    const built = toModifyOrderInput({ orderType: orderType(), quantity: quantity(), price: price(), triggerPrice: trigger() });
    if ('problems' in built) return setErrors(built.problems.map((p) => ({ ...p, code: 'BAD_USER_INPUT' })));
    setBusy(true);
    const result = await runMutation(MODIFY_ORDER, { id: props.order.id, input: built.input });
    setBusy(false);
    setErrors(result.errors);
    if (result.errors.length === 0) props.onDone();
  };

  return (
    <form class="modify-form" aria-label={`Modify ${describe(props.order)}`} onSubmit={(e) => void save(e)}>
      <TextField id={`${idPrefix}-quantity`} label="New quantity" type="number" inputMode="numeric" value={quantity()} onInput={setQuantity} error={errorForField(errors(), 'quantity')} />
      <SelectField id={`${idPrefix}-type`} label="New order type" value={orderType()} options={ORDER_TYPES.map((t) => ({ value: t, label: humanize(t) }))} onChange={setOrderType} error={errorForField(errors(), 'orderType')} />
      <Show when={needsPrice(orderType())}>
        <TextField id={`${idPrefix}-price`} label="New price (₹)" inputMode="decimal" value={price()} onInput={setPrice} error={errorForField(errors(), 'price')} />
      </Show>
      <Show when={needsTrigger(orderType())}>
        <TextField id={`${idPrefix}-trigger`} label="New trigger price (₹)" inputMode="decimal" value={trigger()} onInput={setTrigger} error={errorForField(errors(), 'triggerPrice')} />
      </Show>
      <div class="form-actions">
        <button type="submit" class="primary" disabled={busy()}>Save changes</button>
        <button type="button" onClick={() => props.onDone()}>Close</button>
      </div>
      <FormErrors errors={errorsOutside(errors(), MODIFY_FIELDS)} />
    </form>
  );
}

/**
 * The account's orders still resting at the broker, with Modify and Cancel. Any order event on
 * the account reloads the list, so a fill or a cancel shows here as it happens.
 */
export default function OpenOrders(props: { accountId: string; readOnly: boolean; onOrderChange?: (change: OrderChange) => void }) {
  const [orders, setOrders] = createSignal<TicketOrder[]>([]);
  const [errors, setErrors] = createSignal<ApiError[]>([]);
  const [editing, setEditing] = createSignal<string | null>(null);

  const load = async (accountId: string) => {
    const result = await runQuery<AccountOrdersData>(ACCOUNT_ORDERS, { accountId });
    if (accountId !== props.accountId) return;
    setErrors(result.errors);
    if (!result.data) return;
    // Unchanged orders keep their objects, so a reload never resets a Modify form being filled in.
    const held = new Map(orders().map((o) => [o.id, o]));
    setOrders(result.data.orders.edges
      .map((e) => e.node)
      .filter((o) => OPEN_STATUSES.has(o.status))
      .map((o) => {
        const previous = held.get(o.id);
        return previous && JSON.stringify(previous) === JSON.stringify(o) ? previous : o;
      }));
  };

  createEffect(on(() => props.accountId, (accountId) => {
    setOrders([]);
    setEditing(null);
    if (!accountId) return;
    void load(accountId);
    let timer: ReturnType<typeof setTimeout> | undefined;
    const stop = subscribe<AccountEventsData>(ACCOUNT_EVENTS, { accountId }, {
      next: (data) => {
        props.onOrderChange?.(data.orderEvents.order);
        clearTimeout(timer);
        timer = setTimeout(() => void load(accountId), 150);
      },
      error: setErrors,
    });
    onCleanup(() => {
      clearTimeout(timer);
      stop();
    });
  }));

  const cancel = async (order: TicketOrder) => {
    const result = await runMutation(CANCEL_ORDER, { id: order.id });
    setErrors(result.errors);
    void load(props.accountId);
  };

  return (
    <section class="card" aria-labelledby="open-orders-title">
      <h2 id="open-orders-title">Open orders</h2>
      <FormErrors errors={errors()} />
      <Show when={orders().length > 0} fallback={<p class="muted">No open orders on this account.</p>}>
        <div class="table-wrap">
          <table class="open-orders" aria-label="Open orders">
            <thead>
              <tr>
                <th scope="col">Time (IST)</th>
                <th scope="col">Order</th>
                <th scope="col" class="num">Filled</th>
                <th scope="col">Type</th>
                <th scope="col" class="num">Price</th>
                <th scope="col" class="num">Trigger</th>
                <th scope="col">Status</th>
                <th scope="col"><span class="visually-hidden">Actions</span></th>
              </tr>
            </thead>
            <tbody>
              <For each={orders()}>
                {(order) => (
                  <>
                    <tr data-order-id={order.id}>
                      <td class="time">{formatTimestamp(order.createdAt)}</td>
                      <td><b>{order.symbol}</b> <span class={`side-${order.side.toLowerCase()}`}>{order.side}</span> {formatQuantity(order.quantity)}</td>
                      <td class="num">{formatQuantity(order.filledQuantity)}</td>
                      <td>{humanize(order.orderType)} · {humanize(order.productType)}</td>
                      <td class="num">{formatRupees(order.price)}</td>
                      <td class="num">{formatRupees(order.triggerPrice)}</td>
                      <td><StatusBadge status={order.status} title={order.reason} /></td>
                      <td>
                        <Show when={!props.readOnly}>
                          <div class="account-actions">
                            <button type="button" aria-expanded={editing() === order.id} aria-label={`Modify ${describe(order)}`} onClick={() => setEditing(editing() === order.id ? null : order.id)}>
                              Modify
                            </button>
                            <ConfirmButton label="Cancel" name={`Cancel ${describe(order)}`} question={`Cancel ${describe(order)}?`} danger="outline" onConfirm={() => cancel(order)} />
                          </div>
                        </Show>
                      </td>
                    </tr>
                    <Show when={editing() === order.id}>
                      <tr>
                        <td colSpan={8}>
                          <ModifyOrder order={order} onDone={() => { setEditing(null); void load(props.accountId); }} />
                        </td>
                      </tr>
                    </Show>
                  </>
                )}
              </For>
            </tbody>
          </table>
        </div>
      </Show>
    </section>
  );
}
