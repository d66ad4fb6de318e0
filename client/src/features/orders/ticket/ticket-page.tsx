import { createEffect, createMemo, createSignal, For, on, onCleanup, Show, untrack } from 'solid-js';
import { createOperation, createQueryView } from '../../../graphql/operations.ts';
import { hashFor } from '../../../navigation/router.ts';
import { SelectField, TextField } from '../../../ui/fields.tsx';
import Form from '../../../ui/form.tsx';
import { formatQuantity, formatRupees, humanize } from '../../../ui/format.ts';
import StatusBadge from '../../../ui/status-badge.tsx';
import { session } from '../../auth/session.ts';
import OpenOrders, { type OrderChange } from '../open-orders/open-orders.tsx';
import '../orders.css';
import type { TicketOrder } from '../ticket-order.ts';
import { PLACE_ORDER, TICKET_ACCOUNTS, TICKET_INSTRUMENTS } from './documents.ts';
import {
  needsPrice,
  needsTrigger,
  OPEN_STATUSES,
  ORDER_TYPES,
  PRODUCT_TYPES,
  toPlaceOrderInput,
  VARIETIES,
  type OrderType,
  type ProductType,
  type Side,
  type Variety,
} from '../ticket-rules.ts';
import './ticket.css';

const EXCHANGES = ['NSE', 'BSE', 'NFO', 'BFO', 'MCX', 'CDS'];
const SUGGEST_AFTER_MS = 200;
const options = <V extends string>(values: readonly V[]) => values.map((value) => ({ value, label: humanize(value) }));

/**
 * The order ticket (#/ticket): place an order on a master account, which Tandem then copies to
 * its followers, and modify or cancel the master's open orders. A problem the server finds is
 * shown under the field it names (extensions.field).
 */
export default function TicketPage() {
  const masters = createQueryView(TICKET_ACCOUNTS);
  const place = createOperation(PLACE_ORDER);
  const [accountId, setAccountId] = createSignal('');
  const [exchange, setExchange] = createSignal('NSE');
  const [symbol, setSymbol] = createSignal('');
  const [side, setSide] = createSignal<Side>('BUY');
  const [quantity, setQuantity] = createSignal('');
  const [orderType, setOrderType] = createSignal<OrderType>('MARKET');
  const [price, setPrice] = createSignal('');
  const [triggerPrice, setTriggerPrice] = createSignal('');
  const [productType, setProductType] = createSignal<ProductType>('INTRADAY');
  const [variety, setVariety] = createSignal<Variety>('NORMAL');
  const [placed, setPlaced] = createSignal<TicketOrder | null>(null);

  const accounts = () => masters.data()?.accounts ?? [];
  const account = createMemo(() => accounts().find((a) => a.id === accountId()));
  // The first master is chosen once the list arrives (the e2e hint names it too).
  createEffect(
    on(accounts, (list) => {
      if (!untrack(accountId) && list[0]) setAccountId(list[0].id);
    }),
  );

  // Suggestions as the symbol is typed, from the server's instrument list (lot and tick sizes
  // too), asked once typing pauses.
  const [search, setSearch] = createSignal<{ exchange: string; search: string | null }>({ exchange: exchange(), search: null });
  createEffect(
    on(
      [exchange, symbol],
      ([ex, text]) => {
        const timer = setTimeout(() => setSearch({ exchange: ex, search: text.trim() || null }), SUGGEST_AFTER_MS);
        onCleanup(() => clearTimeout(timer));
      },
      { defer: true },
    ),
  );
  const suggestions = createQueryView(TICKET_INSTRUMENTS, { variables: search });
  const instruments = () => suggestions.data()?.instruments ?? [];
  const instrument = createMemo(() => instruments().find((i) => i.symbol === symbol().trim().toUpperCase() && i.exchange === exchange()));
  const symbolHint = () => {
    const i = instrument();
    if (!i) return 'As the broker spells it.';
    return `Lot ${formatQuantity(i.lotSize)} · tick ${formatRupees(i.tickSize)}${i.lastPrice !== null ? ` · last ${formatRupees(i.lastPrice)}` : ''}`;
  };

  // The account's order events keep the placed order's status current; one may come before
  // the placeOrder reply does, so the latest change per order is kept for that moment.
  const changes = new Map<string, OrderChange>();
  const noteChange = (change: OrderChange) => {
    changes.set(change.id, change);
    setPlaced((order) => (order && order.id === change.id ? { ...order, ...change } : order));
  };

  const submit = async () => {
    setPlaced(null);
    const built = toPlaceOrderInput({
      accountId: accountId(),
      exchange: exchange(),
      symbol: symbol(),
      side: side(),
      quantity: quantity(),
      orderType: orderType(),
      price: price(),
      triggerPrice: triggerPrice(),
      productType: productType(),
      variety: variety(),
    });
    if ('problems' in built) return place.reject(built.problems);
    const order = (await place.run({ input: built.input }))?.placeOrder;
    const early = order && changes.get(order.id);
    // Only an end state that came early is newer than the reply for sure.
    if (order) setPlaced(early && !OPEN_STATUSES.has(early.status) ? { ...order, ...early } : order);
    changes.clear();
  };

  const Placed = () => (
    <Show when={placed()}>
      {(order) => (
        <p class="placed" role="status">
          Placed {order().symbol} {order().side} {formatQuantity(order().quantity)} on {account()?.label}:{' '}
          <StatusBadge status={order().status} title={order().reason} />{' '}
          <a href={hashFor('orders', { symbol: order().symbol })}>See it and its copies</a>
        </p>
      )}
    </Show>
  );

  return (
    <section aria-labelledby="ticket-title">
      <div class="page-head">
        <h1 id="ticket-title">Order ticket</h1>
        <a href={hashFor('orders')}>Watch the copies in the blotter</a>
      </div>
      <Show when={masters.data()?.globalKillSwitch}>
        <p class="notice">The global kill switch is engaged: no order is placed or copied until it is released on the Overview.</p>
      </Show>
      <div class="ticket-layout">
        <Form
          label="Place an order"
          errors={[...masters.errors(), ...place.errors()]}
          onSubmit={() => void submit()}
          busy={place.busy()}
          busyLabel="Placing…"
          submitLabel={`Place ${side() === 'BUY' ? 'buy' : 'sell'} order`}
          submitClass={side() === 'BUY' ? 'primary' : 'danger'}
          submitDisabled={session.readOnly() || accounts().length === 0}
          status={<Placed />}
        >
          <SelectField
            id="ticket-account"
            label="Master account"
            name="accountId"
            value={accountId()}
            options={accounts().map((a) => ({
              value: a.id,
              label: `${a.label} (${a.clientCode})${a.killSwitch ? ' · kill switch on' : ''}`,
            }))}
            onChange={setAccountId}
            hint={accounts().length === 0 ? 'No master account yet: add one on the Accounts page.' : undefined}
          />
          <div class="form-grid">
            <SelectField
              id="ticket-exchange"
              label="Exchange"
              name="exchange"
              value={exchange()}
              options={EXCHANGES.map((e) => ({ value: e, label: e }))}
              onChange={setExchange}
            />
            <TextField
              id="ticket-symbol"
              label="Symbol"
              name="symbol"
              list="ticket-symbols"
              placeholder="e.g. SBIN-EQ"
              value={symbol()}
              onInput={setSymbol}
              hint={symbolHint()}
            />
            <datalist id="ticket-symbols">
              <For each={instruments()}>{(i) => <option value={i.symbol}>{i.name}</option>}</For>
            </datalist>
            <SelectField
              id="ticket-side"
              label="Side"
              name="side"
              value={side()}
              options={[
                { value: 'BUY', label: 'Buy' },
                { value: 'SELL', label: 'Sell' },
              ]}
              onChange={setSide}
            />
            <TextField
              id="ticket-quantity"
              label="Quantity"
              name="quantity"
              type="number"
              inputMode="numeric"
              value={quantity()}
              onInput={setQuantity}
            />
            <SelectField
              id="ticket-order-type"
              label="Order type"
              name="orderType"
              value={orderType()}
              options={options(ORDER_TYPES)}
              onChange={setOrderType}
            />
            <Show when={needsPrice(orderType())}>
              <TextField id="ticket-price" label="Price (₹)" name="price" inputMode="decimal" value={price()} onInput={setPrice} />
            </Show>
            <Show when={needsTrigger(orderType())}>
              <TextField
                id="ticket-trigger"
                label="Trigger price (₹)"
                name="triggerPrice"
                inputMode="decimal"
                value={triggerPrice()}
                onInput={setTriggerPrice}
              />
            </Show>
            <SelectField
              id="ticket-product"
              label="Product"
              name="productType"
              value={productType()}
              options={options(PRODUCT_TYPES)}
              onChange={setProductType}
            />
            <SelectField
              id="ticket-variety"
              label="Variety"
              name="variety"
              value={needsTrigger(orderType()) ? 'STOPLOSS' : variety()}
              options={options(VARIETIES)}
              onChange={setVariety}
              disabled={needsTrigger(orderType())}
              hint={needsTrigger(orderType()) ? 'Stop-loss orders go as the STOPLOSS variety.' : undefined}
            />
          </div>
        </Form>
        <Show when={accountId()}>
          <OpenOrders accountId={accountId()} readOnly={session.readOnly()} onOrderChange={noteChange} />
        </Show>
      </div>
    </section>
  );
}
