import { createSignal, Show } from 'solid-js';
import { errorForField, errorsOutside, runMutation, type ApiError } from '../api.ts';
import { ACCOUNT_FIELDS, type AccountRow } from '../lib/account-types.ts';
import CredentialFields from './CredentialFields.tsx';
import { CheckField, SelectField, TextField } from './Field.tsx';
import FormErrors from './FormErrors.tsx';
import { numberText, parseOptionalInt, parseOptionalNumber } from './numbers.ts';

const CREATE = `mutation CreateAccount($input: CreateAccountInput!) { createAccount(input: $input) { ${ACCOUNT_FIELDS} } }`;
const UPDATE = `mutation UpdateAccount($id: ID!, $input: UpdateAccountInput!) { updateAccount(id: $id, input: $input) { ${ACCOUNT_FIELDS} } }`;

const FIELDS = ['label', 'broker', 'role', 'clientCode', 'maxOrdersPerDay', 'maxLossPerDay', 'credentials.apiKey', 'credentials.pin', 'credentials.totpSecret', 'credentials'];

/**
 * Adds an account (no `account` given) or edits one. Credentials are write-only: the fields
 * start empty, and on edit they replace the stored ones only when all three are filled in.
 */
export default function AccountForm(props: { account?: AccountRow; onSaved: (account: AccountRow) => void; onCancel?: () => void }) {
  const editing = () => props.account !== undefined;
  const idPrefix = () => (props.account ? `account-${props.account.id}` : 'new-account');
  const [label, setLabel] = createSignal(props.account?.label ?? '');
  const [broker, setBroker] = createSignal<'PAPER' | 'SMARTAPI'>(props.account?.broker ?? 'PAPER');
  const [role, setRole] = createSignal<'MASTER' | 'FOLLOWER'>(props.account?.role ?? 'FOLLOWER');
  const [clientCode, setClientCode] = createSignal(props.account?.clientCode ?? '');
  const [maxOrders, setMaxOrders] = createSignal(numberText(props.account?.maxOrdersPerDay));
  const [maxLoss, setMaxLoss] = createSignal(numberText(props.account?.maxLossPerDay));
  const [copyEnabled, setCopyEnabled] = createSignal(props.account?.copyEnabled ?? true);
  const [apiKey, setApiKey] = createSignal('');
  const [pin, setPin] = createSignal('');
  const [totpSecret, setTotpSecret] = createSignal('');
  const [errors, setErrors] = createSignal<ApiError[]>([]);
  const [busy, setBusy] = createSignal(false);

  const err = (name: string) => errorForField(errors(), name);
  const anyCredential = () => apiKey() !== '' || pin() !== '' || totpSecret() !== '';

  const submit = async (event: SubmitEvent) => {
    event.preventDefault();
    const maxOrdersPerDay = parseOptionalInt(maxOrders());
    const maxLossPerDay = parseOptionalNumber(maxLoss());
    const local: ApiError[] = [];
    if (Number.isNaN(maxOrdersPerDay)) local.push({ field: 'maxOrdersPerDay', code: 'BAD_USER_INPUT', message: 'Enter a whole number, or leave empty for no limit' });
    if (Number.isNaN(maxLossPerDay)) local.push({ field: 'maxLossPerDay', code: 'BAD_USER_INPUT', message: 'Enter an amount in rupees, or leave empty for no limit' });
    if (local.length) return setErrors(local);

    // SmartAPI needs all three on create; on edit, any one typed means "replace them".
    const credentials = (broker() === 'SMARTAPI' && !editing()) || anyCredential() ? { apiKey: apiKey(), pin: pin(), totpSecret: totpSecret() } : undefined;
    setBusy(true);
    setErrors([]);
    const result = props.account
      ? await runMutation<{ updateAccount: AccountRow }>(UPDATE, {
          id: props.account.id,
          input: { label: label(), maxOrdersPerDay, maxLossPerDay, copyEnabled: copyEnabled(), ...(credentials ? { credentials } : {}) },
        })
      : await runMutation<{ createAccount: AccountRow }>(CREATE, {
          input: { label: label(), broker: broker(), role: role(), clientCode: clientCode(), maxOrdersPerDay, maxLossPerDay, ...(credentials ? { credentials } : {}) },
        });
    setBusy(false);
    setErrors(result.errors);
    const saved = result.data && ('updateAccount' in result.data ? result.data.updateAccount : result.data.createAccount);
    if (saved) {
      setApiKey('');
      setPin('');
      setTotpSecret('');
      props.onSaved(saved);
    }
  };

  return (
    <form class="card" noValidate onSubmit={(e) => void submit(e)} aria-label={editing() ? `Edit ${props.account!.label}` : 'Add an account'}>
      <h2>{editing() ? `Edit ${props.account!.label}` : 'Add an account'}</h2>
      <div class="form-grid">
        <TextField id={`${idPrefix()}-label`} label="Name" value={label()} onInput={setLabel} required error={err('label')} />
        <Show when={!editing()}>
          <SelectField id={`${idPrefix()}-broker`} label="Broker" value={broker()} onChange={setBroker} error={err('broker')}
            options={[{ value: 'PAPER', label: 'Paper (simulated)' }, { value: 'SMARTAPI', label: 'Angel One SmartAPI' }]} />
          <SelectField id={`${idPrefix()}-role`} label="Role" value={role()} onChange={setRole} error={err('role')}
            options={[{ value: 'MASTER', label: 'Master (orders are copied from it)' }, { value: 'FOLLOWER', label: 'Follower (copies a master)' }]} />
          <TextField id={`${idPrefix()}-client-code`} label="Client code" value={clientCode()} onInput={setClientCode} required error={err('clientCode')}
            hint={broker() === 'SMARTAPI' ? 'Your Angel One client code' : 'Any short code, e.g. PAPER-F4'} />
        </Show>
        <TextField id={`${idPrefix()}-max-orders`} label="Max orders per day" type="number" inputMode="numeric" value={maxOrders()} onInput={setMaxOrders} error={err('maxOrdersPerDay')} hint="Empty: no limit" />
        <TextField id={`${idPrefix()}-max-loss`} label="Max loss per day (₹)" type="number" step="0.01" inputMode="decimal" value={maxLoss()} onInput={setMaxLoss} error={err('maxLossPerDay')} hint="Realised, per IST trading day" />
      </div>
      <Show when={editing() && props.account!.role === 'FOLLOWER'}>
        <CheckField id={`${idPrefix()}-copy`} label="Copy orders into this account" checked={copyEnabled()} onChange={setCopyEnabled} />
      </Show>
      <Show when={broker() === 'SMARTAPI'}>
        <fieldset>
          <legend>SmartAPI credentials (write-only)</legend>
          <p class="muted">
            {editing() && props.account!.hasCredentials
              ? 'Credentials are stored and never shown. Fill in all three to replace them; leave empty to keep them.'
              : 'Stored encrypted; nobody can read them back, not even you.'}
          </p>
          <CredentialFields idPrefix={idPrefix()} apiKey={apiKey} setApiKey={setApiKey} pin={pin} setPin={setPin} totpSecret={totpSecret} setTotpSecret={setTotpSecret} error={err} />
        </fieldset>
      </Show>
      <FormErrors errors={errorsOutside(errors(), FIELDS)} />
      <div class="form-actions">
        <button type="submit" class="primary" disabled={busy()}>{editing() ? 'Save account' : 'Add account'}</button>
        <Show when={props.onCancel}>
          <button type="button" onClick={() => props.onCancel?.()}>Cancel</button>
        </Show>
      </div>
    </form>
  );
}
