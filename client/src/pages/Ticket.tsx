import { createEffect, createMemo, createSignal, For, on, onCleanup, onMount, Show } from 'solid-js';
import { errorForField, errorsOutside, runMutation, runQuery, type ApiError } from '../api.ts';
import { SelectField, TextField } from '../components/Field.tsx';
import FieldError from '../components/FieldError.tsx';
import FormErrors from '../components/FormErrors.tsx';
import StatusBadge from '../components/StatusBadge.tsx';
import { formatQuantity, formatRupees, humanize } from '../lib/format.ts';
import {
  needsPrice, needsTrigger, OPEN_STATUSES, ORDER_TYPES, PRODUCT_TYPES, toPlaceOrderInput, VARIETIES,
  type OrderType, type ProductType, type Side, type Variety,
} from '../lib/ticket.ts';
import { hashFor } from '../router.ts';
import { session } from '../session.ts';
import OpenOrders from './orders/OpenOrders.tsx';
import {
  PLACE_ORDER, TICKET_ACCOUNTS, TICKET_INSTRUMENTS,
  type OrderChange, type TicketAccount, type TicketAccountsData, type TicketInstrument, type TicketInstrumentsData, type TicketOrder,
} from './orders/ticket-documents.ts';
import './orders/orders.css';

const EXCHANGES = ['NSE', 'BSE', 'NFO', 'BFO', 'MCX', 'CDS'];
const FORM_FIELDS = ['accountId', 'exchange', 'symbol', 'side', 'quantity', 'orderType', 'price', 'triggerPrice', 'productType', 'variety'];
const options = <V extends string>(values: readonly V[]) => values.map((value) => ({ value, label: humanize(value) }));

/**
 * The order ticket (#/ticket): place an order on a master account, which Tandem then copies to
 * its followers, and modify or cancel the master's open orders. A problem the server finds is
 * shown under the field it names (extensions.field).
 */
export default function Ticket() {
  const [accounts, setAccounts] = createSignal<TicketAccount[]>([]);
  const [globalKill, setGlobalKill] = createSignal(false);
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
  const [instruments, setInstruments] = createSignal<TicketInstrument[]>([]);
  const [errors, setErrors] = createSignal<ApiError[]>([]);
  const [busy, setBusy] = createSignal(false);
  const [placed, setPlaced] = createSignal<TicketOrder | null>(null);

  const account = createMemo(() => accounts().find((a) => a.id === accountId()));
  const instrument = createMemo(() => instruments().find((i) => i.symbol === symbol().trim().toUpperCase() && i.exchange === exchange()));
  const fieldError = (name: string) => errorForField(errors(), name);

  onMount(async () => {
    const result = await runQuery<TicketAccountsData>(TICKET_ACCOUNTS);
    setErrors(result.errors);
    if (!result.data) return;
    setAccounts(result.data.accounts);
    setGlobalKill(result.data.globalKillSwitch);
    if (!accountId() && result.data.accounts[0]) setAccountId(result.data.accounts[0].id);
  });

  // Suggestions as the symbol is typed, from the server's instrument list (lot and tick sizes too).
  createEffect(on([exchange, symbol], ([ex, text]) => {
    const timer = setTimeout(async () => {
      const result = await runQuery<TicketInstrumentsData>(TICKET_INSTRUMENTS, { exchange: ex, search: text.trim() || null });
      if (result.data) setInstruments(result.data.instruments);
    }, 200);
    onCleanup(() => clearTimeout(timer));
  }));

  // The account's order events keep the placed order's status current; one may come before
  // the placeOrder reply does, so the latest change per order is kept for that moment.
  const changes = new Map<string, OrderChange>();
  const noteChange = (change: OrderChange) => {
    changes.set(change.id, change);
    setPlaced((order) => (order && order.id === change.id ? { ...order, ...change } : order));
  };

  const submit = async (event: SubmitEvent) => {
    event.preventDefault();
    setPlaced(null);
    const built = toPlaceOrderInput({
      accountId: accountId(), exchange: exchange(), symbol: symbol(), side: side(), quantity: quantity(),
      orderType: orderType(), price: price(), triggerPrice: triggerPrice(), productType: productType(), variety: variety(),
    });
    if ('problems' in built) return setErrors(built.problems.map((p) => ({ ...p, code: 'BAD_USER_INPUT' })));
    setBusy(true);
    const result = await runMutation<{ placeOrder: TicketOrder }>(PLACE_ORDER, { input: built.input });
    setBusy(false);
    setErrors(result.errors);
    const order = result.data?.placeOrder;
    const early = order && changes.get(order.id);
    // Only an end state that came early is newer than the reply for sure.
    if (order) setPlaced(early && !OPEN_STATUSES.has(early.status) ? { ...order, ...early } : order);
    changes.clear();
  };

  return (
    <section aria-labelledby="ticket-title">
      <div class="page-head">
        <h1 id="ticket-title">Order ticket</h1>
        <a href={hashFor('orders')}>Watch the copies in the blotter</a>
      </div>
      <Show when={globalKill()}>
        <p class="notice">The global kill switch is engaged: no order is placed or copied until it is released on the Overview.</p>
      </Show>
      <div class="ticket-layout">
        <form class="card" aria-label="Place an order" onSubmit={(e) => void submit(e)} novalidate>
          <SelectField
            id="ticket-account"
            label="Master account"
            value={accountId()}
            options={accounts().map((a) => ({ value: a.id, label: `${a.label} (${a.clientCode})${a.killSwitch ? ' · kill switch on' : ''}` }))}
            onChange={setAccountId}
            error={fieldError('accountId')}
            hint={accounts().length === 0 ? 'No master account yet: add one on the Accounts page.' : undefined}
          />
          <div class="form-grid">
            <SelectField id="ticket-exchange" label="Exchange" value={exchange()} options={EXCHANGES.map((e) => ({ value: e, label: e }))} onChange={setExchange} error={fieldError('exchange')} />
            <div class="field">
              <label for="ticket-symbol">Symbol</label>
              <input
                id="ticket-symbol"
                list="ticket-symbols"
                placeholder="e.g. SBIN-EQ"
                autocomplete="off"
                value={symbol()}
                aria-invalid={fieldError('symbol') ? 'true' : undefined}
                aria-describedby="ticket-symbol-hint ticket-symbol-error"
                onInput={(e) => setSymbol(e.currentTarget.value)}
              />
              <datalist id="ticket-symbols">
                <For each={instruments()}>{(i) => <option value={i.symbol}>{i.name}</option>}</For>
              </datalist>
              <span class="hint muted" id="ticket-symbol-hint">
                <Show when={instrument()} fallback="As the broker spells it.">
                  {(i) => `Lot ${formatQuantity(i().lotSize)} · tick ${formatRupees(i().tickSize)}${i().lastPrice !== null ? ` · last ${formatRupees(i().lastPrice)}` : ''}`}
                </Show>
              </span>
              <FieldError id="ticket-symbol-error" message={fieldError('symbol')} />
            </div>
            <SelectField id="ticket-side" label="Side" value={side()} options={[{ value: 'BUY', label: 'Buy' }, { value: 'SELL', label: 'Sell' }]} onChange={(v) => setSide(v as Side)} error={fieldError('side')} />
            <TextField id="ticket-quantity" label="Quantity" type="number" inputMode="numeric" value={quantity()} onInput={setQuantity} error={fieldError('quantity')} />
            <SelectField id="ticket-order-type" label="Order type" value={orderType()} options={options(ORDER_TYPES)} onChange={setOrderType} error={fieldError('orderType')} />
            <Show when={needsPrice(orderType())}>
              <TextField id="ticket-price" label="Price (₹)" inputMode="decimal" value={price()} onInput={setPrice} error={fieldError('price')} />
            </Show>
            <Show when={needsTrigger(orderType())}>
              <TextField id="ticket-trigger" label="Trigger price (₹)" inputMode="decimal" value={triggerPrice()} onInput={setTriggerPrice} error={fieldError('triggerPrice')} />
            </Show>
            <SelectField id="ticket-product" label="Product" value={productType()} options={options(PRODUCT_TYPES)} onChange={setProductType} error={fieldError('productType')} />
            <SelectField
              id="ticket-variety"
              label="Variety"
              value={needsTrigger(orderType()) ? 'STOPLOSS' : variety()}
              options={options(VARIETIES)}
              onChange={setVariety}
              disabled={needsTrigger(orderType())}
              error={fieldError('variety')}
              hint={needsTrigger(orderType()) ? 'Stop-loss orders go as the STOPLOSS variety.' : undefined}
            />
          </div>
          <FormErrors errors={errorsOutside(errors(), FORM_FIELDS)} />
          <div class="form-actions">
            <button type="submit" class={side() === 'BUY' ? 'primary' : 'danger'} disabled={busy() || session.readOnly() || accounts().length === 0}>
              {busy() ? 'Placing…' : `Place ${side() === 'BUY' ? 'buy' : 'sell'} order`}
            </button>
          </div>
          <Show when={placed()}>
            {(order) => (
              <p class="placed" role="status">
                Placed {order().symbol} {order().side} {formatQuantity(order().quantity)} on {account()?.label}: <StatusBadge status={order().status} title={order().reason} />{' '}
                <a href={hashFor('orders', { symbol: order().symbol })}>See it and its copies</a>
              </p>
            )}
          </Show>
        </form>
        <Show when={accountId()}>
          <OpenOrders
            accountId={accountId()}
            readOnly={session.readOnly()}
            onOrderChange={noteChange}
          />
        </Show>
      </div>
    </section>
  );
}
