import { createSignal, Show } from 'solid-js';
import { graphql } from '../../../graphql/graphql.ts';
import { createOperation } from '../../../graphql/operations.ts';
import { SelectField, TextField } from '../../../ui/fields.tsx';
import Form from '../../../ui/form.tsx';
import { humanize } from '../../../ui/format.ts';
import { numberText } from '../../../ui/text-input.ts';
import { TicketOrderFields, type TicketOrder } from '../ticket-order.ts';
import { needsPrice, needsTrigger, ORDER_TYPES, toModifyOrderInput, type OrderType } from '../ticket-rules.ts';

const MODIFY_ORDER = graphql(
  `
  mutation ModifyOrder($id: ID!, $input: ModifyOrderInput!) { modifyOrder(id: $id, input: $input) { ...TicketOrderFields } }
`,
  [TicketOrderFields],
);

/** How an open order is named on its buttons and its form: "SBIN-EQ BUY 3". */
export const describeOrder = (o: TicketOrder) => `${o.symbol} ${o.side} ${o.quantity}`;

/** Modify form for one open order: quantity, type and prices; the server's message under the field it names. */
export default function ModifyOrderForm(props: { order: TicketOrder; onDone: () => void }) {
  const modify = createOperation(MODIFY_ORDER);
  // The form starts from the order as it was when Modify was clicked.
  const [orderType, setOrderType] = createSignal<OrderType>(props.order.orderType);
  const [quantity, setQuantity] = createSignal(String(props.order.quantity));
  const [price, setPrice] = createSignal(numberText(props.order.price));
  const [trigger, setTrigger] = createSignal(numberText(props.order.triggerPrice));
  const idPrefix = () => `modify-${props.order.id}`;

  const save = async () => {
    const built = toModifyOrderInput({ orderType: orderType(), quantity: quantity(), price: price(), triggerPrice: trigger() });
    if ('problems' in built) return modify.reject(built.problems);
    if (await modify.run({ id: props.order.id, input: built.input })) props.onDone();
  };

  return (
    <Form
      label={`Modify ${describeOrder(props.order)}`}
      class="modify-form"
      errors={modify.errors()}
      busy={modify.busy()}
      onSubmit={() => void save()}
      submitLabel="Save changes"
      onCancel={() => props.onDone()}
      cancelLabel="Close"
    >
      <TextField
        id={`${idPrefix()}-quantity`}
        label="New quantity"
        name="quantity"
        type="number"
        inputMode="numeric"
        value={quantity()}
        onInput={setQuantity}
      />
      <SelectField
        id={`${idPrefix()}-type`}
        label="New order type"
        name="orderType"
        value={orderType()}
        options={ORDER_TYPES.map((t) => ({ value: t, label: humanize(t) }))}
        onChange={setOrderType}
      />
      <Show when={needsPrice(orderType())}>
        <TextField id={`${idPrefix()}-price`} label="New price (₹)" name="price" inputMode="decimal" value={price()} onInput={setPrice} />
      </Show>
      <Show when={needsTrigger(orderType())}>
        <TextField
          id={`${idPrefix()}-trigger`}
          label="New trigger price (₹)"
          name="triggerPrice"
          inputMode="decimal"
          value={trigger()}
          onInput={setTrigger}
        />
      </Show>
    </Form>
  );
}
