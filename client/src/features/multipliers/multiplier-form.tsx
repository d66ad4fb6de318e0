import { createSignal, Show } from 'solid-js';
import { graphql } from '../../graphql/graphql.ts';
import { createOperation, type Problem } from '../../graphql/operations.ts';
import { CheckField, SelectField, TextField } from '../../ui/fields.tsx';
import Form from '../../ui/form.tsx';
import { formatList } from '../../ui/format.ts';
import { numberText, parseList, parseOptionalInt, parseOptionalNumber } from '../../ui/text-input.ts';
import { followerLabel, MultiplierFields, type MultiplierRow } from './multiplier-fields.ts';

const CREATE_MULTIPLIER = graphql(
  `
  mutation CreateMultiplier($input: CreateMultiplierInput!) { createMultiplier(input: $input) { ...MultiplierFields } }
`,
  [MultiplierFields],
);

const UPDATE_MULTIPLIER = graphql(
  `
  mutation UpdateMultiplier($id: ID!, $input: UpdateMultiplierInput!) { updateMultiplier(id: $id, input: $input) { ...MultiplierFields } }
`,
  [MultiplierFields],
);

type ProductType = NonNullable<MultiplierRow['productType']>;
const NO_OVERRIDE = 'SAME';

/**
 * Adds a follower link to a master (give `master` and the `followers` to choose from) or edits
 * one (give `link`). Every field the server blames in `extensions.field` gets its message
 * under that field; a number that is not one is caught here before anything is sent.
 */
export default function MultiplierForm(props: {
  master: { id: string; label: string };
  link?: MultiplierRow;
  followers?: readonly { id: string; label: string }[];
  onSaved: (link: MultiplierRow) => void;
  onCancel: () => void;
}) {
  const create = createOperation(CREATE_MULTIPLIER);
  const update = createOperation(UPDATE_MULTIPLIER);
  // The form edits one link for its whole life (a new link opens a new form): its fields start from it.
  const operation = () => (props.link ? update : create);
  const [followerId, setFollowerId] = createSignal(props.link?.followerId ?? props.followers?.[0]?.id ?? '');
  const [mode, setMode] = createSignal<MultiplierRow['mode']>(props.link?.mode ?? 'MULTIPLY');
  const [factor, setFactor] = createSignal(props.link ? numberText(props.link.factor) : '1');
  const [fixedLots, setFixedLots] = createSignal(numberText(props.link?.fixedLots));
  const [maxQuantity, setMaxQuantity] = createSignal(numberText(props.link?.maxQuantity));
  const [maxOrderValue, setMaxOrderValue] = createSignal(numberText(props.link?.maxOrderValue));
  const [symbolsAllow, setSymbolsAllow] = createSignal(formatList(props.link?.symbolsAllow ?? []));
  const [symbolsDeny, setSymbolsDeny] = createSignal(formatList(props.link?.symbolsDeny ?? []));
  const [exchanges, setExchanges] = createSignal(formatList(props.link?.exchanges ?? []));
  const [productType, setProductType] = createSignal<ProductType | typeof NO_OVERRIDE>(props.link?.productType ?? NO_OVERRIDE);
  const [zeroPolicy, setZeroPolicy] = createSignal<MultiplierRow['zeroQuantityPolicy']>(props.link?.zeroQuantityPolicy ?? 'SKIP');
  const [copyAmo, setCopyAmo] = createSignal(props.link?.copyAmo ?? true);
  const [copyModifications, setCopyModifications] = createSignal(props.link?.copyModifications ?? true);
  const [copyCancellations, setCopyCancellations] = createSignal(props.link?.copyCancellations ?? true);
  const [paused, setPaused] = createSignal(props.link?.paused ?? false);

  const id = (name: string) => `multiplier-${name}`;

  const submit = async () => {
    const numbers = {
      factor: mode() === 'MULTIPLY' ? parseOptionalNumber(factor()) : null,
      fixedLots: mode() === 'FIXED_LOTS' ? parseOptionalInt(fixedLots()) : null,
      maxQuantity: parseOptionalInt(maxQuantity()),
      maxOrderValue: parseOptionalNumber(maxOrderValue()),
    };
    const problems = Object.entries(numbers)
      .filter(([, value]) => Number.isNaN(value))
      .map(
        ([field]): Problem => ({
          field,
          message: field === 'fixedLots' || field === 'maxQuantity' ? 'Enter a whole number' : 'Enter a number',
        }),
      );
    if (problems.length) return operation().reject(problems);

    const product = productType();
    const fields = {
      mode: mode(),
      // Only the sizing of the chosen mode is sent, so switching modes never trips on the other one.
      ...(mode() === 'MULTIPLY' ? { factor: numbers.factor } : { fixedLots: numbers.fixedLots }),
      maxQuantity: numbers.maxQuantity,
      maxOrderValue: numbers.maxOrderValue,
      symbolsAllow: parseList(symbolsAllow()),
      symbolsDeny: parseList(symbolsDeny()),
      exchanges: parseList(exchanges()),
      productType: product === NO_OVERRIDE ? null : product,
      zeroQuantityPolicy: zeroPolicy(),
      copyAmo: copyAmo(),
      copyModifications: copyModifications(),
      copyCancellations: copyCancellations(),
      paused: paused(),
    };
    const saved = props.link
      ? (await update.run({ id: props.link.id, input: fields }))?.updateMultiplier
      : (await create.run({ input: { masterId: props.master.id, followerId: followerId(), ...fields } }))?.createMultiplier;
    if (saved) props.onSaved(saved);
  };

  return (
    <Form
      label={props.link ? `Edit link ${followerLabel(props.link)}` : `Add follower link to ${props.master.label}`}
      class="card multiplier-form"
      errors={operation().errors()}
      busy={operation().busy()}
      onSubmit={() => void submit()}
      submitLabel={props.link ? 'Save link' : 'Add link'}
      onCancel={() => props.onCancel()}
    >
      <h3>{props.link ? `${followerLabel(props.link)} copying ${props.master.label}` : `Add a follower to ${props.master.label}`}</h3>
      <div class="form-grid">
        <Show when={!props.link}>
          <SelectField
            id={id('follower')}
            label="Follower"
            value={followerId()}
            onChange={setFollowerId}
            name="followerId"
            options={(props.followers ?? []).map((f) => ({ value: f.id, label: f.label }))}
          />
        </Show>
        <SelectField
          id={id('mode')}
          label="Mode"
          value={mode()}
          onChange={setMode}
          name="mode"
          options={[
            { value: 'MULTIPLY', label: 'Multiply the master quantity' },
            { value: 'FIXED_LOTS', label: 'Fixed lots per order' },
          ]}
        />
        <Show
          when={mode() === 'MULTIPLY'}
          fallback={
            <TextField
              id={id('fixed-lots')}
              label="Fixed lots"
              type="number"
              inputMode="numeric"
              value={fixedLots()}
              onInput={setFixedLots}
              name="fixedLots"
              hint="Lots per copied order"
            />
          }
        >
          <TextField
            id={id('factor')}
            label="Factor"
            type="number"
            step="any"
            inputMode="decimal"
            value={factor()}
            onInput={setFactor}
            name="factor"
            hint="2 doubles; −1 copies in reverse (BUY becomes SELL)"
          />
        </Show>
        <TextField
          id={id('max-quantity')}
          label="Max quantity"
          type="number"
          inputMode="numeric"
          value={maxQuantity()}
          onInput={setMaxQuantity}
          name="maxQuantity"
          hint="Per order; empty: no cap"
        />
        <TextField
          id={id('max-order-value')}
          label="Max order value (₹)"
          type="number"
          step="0.01"
          inputMode="decimal"
          value={maxOrderValue()}
          onInput={setMaxOrderValue}
          name="maxOrderValue"
          hint="Per order; empty: no cap"
        />
        <SelectField
          id={id('product')}
          label="Product override"
          value={productType()}
          onChange={setProductType}
          name="productType"
          options={[
            { value: NO_OVERRIDE, label: "Same as the master's" },
            { value: 'INTRADAY', label: 'Intraday' },
            { value: 'DELIVERY', label: 'Delivery' },
            { value: 'CARRYFORWARD', label: 'Carry forward' },
            { value: 'MARGIN', label: 'Margin' },
          ]}
        />
        <SelectField
          id={id('zero')}
          label="When the size rounds to zero"
          value={zeroPolicy()}
          onChange={setZeroPolicy}
          name="zeroQuantityPolicy"
          options={[
            { value: 'SKIP', label: 'Skip the copy' },
            { value: 'MIN_ONE_LOT', label: 'Send one lot' },
          ]}
        />
        <TextField
          id={id('allow')}
          label="Allowed symbols"
          value={symbolsAllow()}
          onInput={setSymbolsAllow}
          name="symbolsAllow"
          placeholder="SBIN-EQ, RELIANCE-EQ"
          hint="Empty: every symbol"
        />
        <TextField
          id={id('deny')}
          label="Denied symbols"
          value={symbolsDeny()}
          onInput={setSymbolsDeny}
          name="symbolsDeny"
          placeholder="YESBANK-EQ"
        />
        <TextField
          id={id('exchanges')}
          label="Exchanges"
          value={exchanges()}
          onInput={setExchanges}
          name="exchanges"
          placeholder="NSE, NFO"
          hint="Empty: every exchange"
        />
      </div>
      <div class="checks">
        <CheckField id={id('copy-amo')} label="Copy AMO orders" checked={copyAmo()} onChange={setCopyAmo} />
        <CheckField id={id('copy-modify')} label="Copy modifications" checked={copyModifications()} onChange={setCopyModifications} />
        <CheckField id={id('copy-cancel')} label="Copy cancellations" checked={copyCancellations()} onChange={setCopyCancellations} />
        <CheckField id={id('paused')} label="Paused" checked={paused()} onChange={setPaused} />
      </div>
    </Form>
  );
}
