import { createSignal, Show } from 'solid-js';
import { errorForField, errorsOutside, runMutation, type ApiError } from '../api.ts';
import { MULTIPLIER_FIELDS, type MultiplierRow, type ProductType } from '../lib/multiplier-types.ts';
import { CheckField, SelectField, TextField } from './Field.tsx';
import { formatList, parseList } from './format.ts';
import FormErrors from './FormErrors.tsx';
import { numberText, parseOptionalInt, parseOptionalNumber } from './numbers.ts';

const CREATE = `mutation CreateMultiplier($input: CreateMultiplierInput!) { createMultiplier(input: $input) { ${MULTIPLIER_FIELDS} } }`;
const UPDATE = `mutation UpdateMultiplier($id: ID!, $input: UpdateMultiplierInput!) { updateMultiplier(id: $id, input: $input) { ${MULTIPLIER_FIELDS} } }`;

const FIELDS = ['followerId', 'masterId', 'mode', 'factor', 'fixedLots', 'maxQuantity', 'maxOrderValue', 'symbolsAllow', 'symbolsDeny', 'exchanges', 'productType', 'zeroQuantityPolicy'];
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
  const link = props.link;
  const [followerId, setFollowerId] = createSignal(link?.follower.id ?? props.followers?.[0]?.id ?? '');
  const [mode, setMode] = createSignal<'MULTIPLY' | 'FIXED_LOTS'>(link?.mode ?? 'MULTIPLY');
  const [factor, setFactor] = createSignal(link ? numberText(link.factor) : '1');
  const [fixedLots, setFixedLots] = createSignal(numberText(link?.fixedLots));
  const [maxQuantity, setMaxQuantity] = createSignal(numberText(link?.maxQuantity));
  const [maxOrderValue, setMaxOrderValue] = createSignal(numberText(link?.maxOrderValue));
  const [symbolsAllow, setSymbolsAllow] = createSignal(formatList(link?.symbolsAllow ?? []));
  const [symbolsDeny, setSymbolsDeny] = createSignal(formatList(link?.symbolsDeny ?? []));
  const [exchanges, setExchanges] = createSignal(formatList(link?.exchanges ?? []));
  const [productType, setProductType] = createSignal<ProductType | typeof NO_OVERRIDE>(link?.productType ?? NO_OVERRIDE);
  const [zeroPolicy, setZeroPolicy] = createSignal<'SKIP' | 'MIN_ONE_LOT'>(link?.zeroQuantityPolicy ?? 'SKIP');
  const [copyAmo, setCopyAmo] = createSignal(link?.copyAmo ?? true);
  const [copyModifications, setCopyModifications] = createSignal(link?.copyModifications ?? true);
  const [copyCancellations, setCopyCancellations] = createSignal(link?.copyCancellations ?? true);
  const [paused, setPaused] = createSignal(link?.paused ?? false);
  const [errors, setErrors] = createSignal<ApiError[]>([]);
  const [busy, setBusy] = createSignal(false);

  const err = (name: string) => errorForField(errors(), name);
  const id = (name: string) => `multiplier-${name}`;

  const submit = async (event: SubmitEvent) => {
    event.preventDefault();
    const numbers = {
      factor: mode() === 'MULTIPLY' ? parseOptionalNumber(factor()) : null,
      fixedLots: mode() === 'FIXED_LOTS' ? parseOptionalInt(fixedLots()) : null,
      maxQuantity: parseOptionalInt(maxQuantity()),
      maxOrderValue: parseOptionalNumber(maxOrderValue()),
    };
    const local = Object.entries(numbers)
      .filter(([, value]) => Number.isNaN(value))
      .map(([field]): ApiError => ({ field, code: 'BAD_USER_INPUT', message: field === 'fixedLots' || field === 'maxQuantity' ? 'Enter a whole number' : 'Enter a number' }));
    if (local.length) return setErrors(local);

    const fields = {
      mode: mode(),
      // Only the sizing of the chosen mode is sent, so switching modes never trips on the other one.
      ...(mode() === 'MULTIPLY' ? { factor: numbers.factor } : { fixedLots: numbers.fixedLots }),
      maxQuantity: numbers.maxQuantity,
      maxOrderValue: numbers.maxOrderValue,
      symbolsAllow: parseList(symbolsAllow()),
      symbolsDeny: parseList(symbolsDeny()),
      exchanges: parseList(exchanges()),
      productType: productType() === NO_OVERRIDE ? null : productType(),
      zeroQuantityPolicy: zeroPolicy(),
      copyAmo: copyAmo(),
      copyModifications: copyModifications(),
      copyCancellations: copyCancellations(),
      paused: paused(),
    };
    setBusy(true);
    setErrors([]);
    const result = link
      ? await runMutation<{ updateMultiplier: MultiplierRow }>(UPDATE, { id: link.id, input: fields })
      : await runMutation<{ createMultiplier: MultiplierRow }>(CREATE, { input: { masterId: props.master.id, followerId: followerId(), ...fields } });
    setBusy(false);
    setErrors(result.errors);
    const saved = result.data && ('updateMultiplier' in result.data ? result.data.updateMultiplier : result.data.createMultiplier);
    if (saved) props.onSaved(saved);
  };

  return (
    <form class="card multiplier-form" noValidate onSubmit={(e) => void submit(e)} aria-label={link ? `Edit link ${link.follower.label}` : `Add follower link to ${props.master.label}`}>
      <h3>{link ? `${link.follower.label} copying ${props.master.label}` : `Add a follower to ${props.master.label}`}</h3>
      <div class="form-grid">
        <Show when={!link}>
          <SelectField id={id('follower')} label="Follower" value={followerId()} onChange={setFollowerId} error={err('followerId')}
            options={(props.followers ?? []).map((f) => ({ value: f.id, label: f.label }))} />
        </Show>
        <SelectField id={id('mode')} label="Mode" value={mode()} onChange={setMode} error={err('mode')}
          options={[{ value: 'MULTIPLY', label: 'Multiply the master quantity' }, { value: 'FIXED_LOTS', label: 'Fixed lots per order' }]} />
        <Show when={mode() === 'MULTIPLY'} fallback={
          <TextField id={id('fixed-lots')} label="Fixed lots" type="number" inputMode="numeric" value={fixedLots()} onInput={setFixedLots} error={err('fixedLots')} hint="Lots per copied order" />
        }>
          <TextField id={id('factor')} label="Factor" type="number" step="any" inputMode="decimal" value={factor()} onInput={setFactor} error={err('factor')} hint="2 doubles; −1 copies in reverse (BUY becomes SELL)" />
        </Show>
        <TextField id={id('max-quantity')} label="Max quantity" type="number" inputMode="numeric" value={maxQuantity()} onInput={setMaxQuantity} error={err('maxQuantity')} hint="Per order; empty: no cap" />
        <TextField id={id('max-order-value')} label="Max order value (₹)" type="number" step="0.01" inputMode="decimal" value={maxOrderValue()} onInput={setMaxOrderValue} error={err('maxOrderValue')} hint="Per order; empty: no cap" />
        <SelectField id={id('product')} label="Product override" value={productType()} onChange={setProductType} error={err('productType')}
          options={[{ value: NO_OVERRIDE, label: "Same as the master's" }, { value: 'INTRADAY', label: 'Intraday' }, { value: 'DELIVERY', label: 'Delivery' }, { value: 'CARRYFORWARD', label: 'Carry forward' }, { value: 'MARGIN', label: 'Margin' }]} />
        <SelectField id={id('zero')} label="When the size rounds to zero" value={zeroPolicy()} onChange={setZeroPolicy} error={err('zeroQuantityPolicy')}
          options={[{ value: 'SKIP', label: 'Skip the copy' }, { value: 'MIN_ONE_LOT', label: 'Send one lot' }]} />
        <TextField id={id('allow')} label="Allowed symbols" value={symbolsAllow()} onInput={setSymbolsAllow} error={err('symbolsAllow')} placeholder="SBIN-EQ, RELIANCE-EQ" hint="Empty: every symbol" />
        <TextField id={id('deny')} label="Denied symbols" value={symbolsDeny()} onInput={setSymbolsDeny} error={err('symbolsDeny')} placeholder="YESBANK-EQ" />
        <TextField id={id('exchanges')} label="Exchanges" value={exchanges()} onInput={setExchanges} error={err('exchanges')} placeholder="NSE, NFO" hint="Empty: every exchange" />
      </div>
      <div class="checks">
        <CheckField id={id('copy-amo')} label="Copy AMO orders" checked={copyAmo()} onChange={setCopyAmo} />
        <CheckField id={id('copy-modify')} label="Copy modifications" checked={copyModifications()} onChange={setCopyModifications} />
        <CheckField id={id('copy-cancel')} label="Copy cancellations" checked={copyCancellations()} onChange={setCopyCancellations} />
        <CheckField id={id('paused')} label="Paused" checked={paused()} onChange={setPaused} />
      </div>
      <FormErrors errors={errorsOutside(errors(), FIELDS)} />
      <div class="form-actions">
        <button type="submit" class="primary" disabled={busy()}>{link ? 'Save link' : 'Add link'}</button>
        <button type="button" onClick={() => props.onCancel()}>Cancel</button>
      </div>
    </form>
  );
}
