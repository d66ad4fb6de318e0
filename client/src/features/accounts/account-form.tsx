import { createSignal, Show } from 'solid-js';
import { graphql } from '../../graphql/graphql.ts';
import { createOperation } from '../../graphql/operations.ts';
import { CheckField, SelectField, TextField } from '../../ui/fields.tsx';
import Form from '../../ui/form.tsx';
import { numberText, parseOptionalInt, parseOptionalNumber } from '../../ui/text-input.ts';
import { AccountFields, type AccountRow } from './account-fields.ts';
import CredentialFields from './credential-fields.tsx';

const CREATE_ACCOUNT = graphql(
  `
  mutation CreateAccount($input: CreateAccountInput!) { createAccount(input: $input) { ...AccountFields } }
`,
  [AccountFields],
);

const UPDATE_ACCOUNT = graphql(
  `
  mutation UpdateAccount($id: ID!, $input: UpdateAccountInput!) { updateAccount(id: $id, input: $input) { ...AccountFields } }
`,
  [AccountFields],
);

/**
 * Adds an account (no `account` given) or edits one. Credentials are write-only: the fields
 * start empty, and on edit they replace the stored ones only when all three are filled in.
 */
export default function AccountForm(props: { account?: AccountRow; onSaved: (account: AccountRow) => void; onCancel?: () => void }) {
  const create = createOperation(CREATE_ACCOUNT);
  const update = createOperation(UPDATE_ACCOUNT);
  const editing = () => props.account !== undefined;
  const idPrefix = () => (props.account ? `account-${props.account.id}` : 'new-account');
  const title = () => (props.account ? `Edit ${props.account.label}` : 'Add an account');
  const [label, setLabel] = createSignal(props.account?.label ?? '');
  const [broker, setBroker] = createSignal<AccountRow['broker']>(props.account?.broker ?? 'PAPER');
  const [role, setRole] = createSignal<AccountRow['role']>(props.account?.role ?? 'FOLLOWER');
  const [clientCode, setClientCode] = createSignal(props.account?.clientCode ?? '');
  const [maxOrders, setMaxOrders] = createSignal(numberText(props.account?.maxOrdersPerDay));
  const [maxLoss, setMaxLoss] = createSignal(numberText(props.account?.maxLossPerDay));
  const [copyEnabled, setCopyEnabled] = createSignal(props.account?.copyEnabled ?? true);
  const [apiKey, setApiKey] = createSignal('');
  const [pin, setPin] = createSignal('');
  const [totpSecret, setTotpSecret] = createSignal('');
  const operation = () => (props.account ? update : create);

  const submit = async () => {
    const maxOrdersPerDay = parseOptionalInt(maxOrders());
    const maxLossPerDay = parseOptionalNumber(maxLoss());
    const problems = [];
    if (Number.isNaN(maxOrdersPerDay))
      problems.push({ field: 'maxOrdersPerDay', message: 'Enter a whole number, or leave empty for no limit' });
    if (Number.isNaN(maxLossPerDay))
      problems.push({ field: 'maxLossPerDay', message: 'Enter an amount in rupees, or leave empty for no limit' });
    if (problems.length) return operation().reject(problems);

    // SmartAPI needs all three on create; on edit, any one typed means "replace them".
    const anyCredential = apiKey() !== '' || pin() !== '' || totpSecret() !== '';
    const credentials =
      (broker() === 'SMARTAPI' && !editing()) || anyCredential ? { apiKey: apiKey(), pin: pin(), totpSecret: totpSecret() } : undefined;
    const saved = props.account
      ? (
          await update.run({
            id: props.account.id,
            input: { label: label(), maxOrdersPerDay, maxLossPerDay, copyEnabled: copyEnabled(), ...(credentials ? { credentials } : {}) },
          })
        )?.updateAccount
      : (
          await create.run({
            input: {
              label: label(),
              broker: broker(),
              role: role(),
              clientCode: clientCode(),
              maxOrdersPerDay,
              maxLossPerDay,
              ...(credentials ? { credentials } : {}),
            },
          })
        )?.createAccount;
    if (!saved) return;
    setApiKey('');
    setPin('');
    setTotpSecret('');
    props.onSaved(saved);
  };

  return (
    <Form
      label={title()}
      errors={operation().errors()}
      busy={operation().busy()}
      onSubmit={() => void submit()}
      submitLabel={editing() ? 'Save account' : 'Add account'}
      onCancel={props.onCancel}
    >
      <h2>{title()}</h2>
      <div class="form-grid">
        <TextField id={`${idPrefix()}-label`} label="Name" value={label()} onInput={setLabel} required name="label" />
        <Show when={!editing()}>
          <SelectField
            id={`${idPrefix()}-broker`}
            label="Broker"
            value={broker()}
            onChange={setBroker}
            name="broker"
            options={[
              { value: 'PAPER', label: 'Paper (simulated)' },
              { value: 'SMARTAPI', label: 'Angel One SmartAPI' },
            ]}
          />
          <SelectField
            id={`${idPrefix()}-role`}
            label="Role"
            value={role()}
            onChange={setRole}
            name="role"
            options={[
              { value: 'MASTER', label: 'Master (orders are copied from it)' },
              { value: 'FOLLOWER', label: 'Follower (copies a master)' },
            ]}
          />
          <TextField
            id={`${idPrefix()}-client-code`}
            label="Client code"
            value={clientCode()}
            onInput={setClientCode}
            required
            name="clientCode"
            hint={broker() === 'SMARTAPI' ? 'Your Angel One client code' : 'Any short code, e.g. PAPER-F4'}
          />
        </Show>
        <TextField
          id={`${idPrefix()}-max-orders`}
          label="Max orders per day"
          type="number"
          inputMode="numeric"
          value={maxOrders()}
          onInput={setMaxOrders}
          name="maxOrdersPerDay"
          hint="Empty: no limit"
        />
        <TextField
          id={`${idPrefix()}-max-loss`}
          label="Max loss per day (₹)"
          type="number"
          step="0.01"
          inputMode="decimal"
          value={maxLoss()}
          onInput={setMaxLoss}
          name="maxLossPerDay"
          hint="Realised, per IST trading day"
        />
      </div>
      <Show when={props.account?.role === 'FOLLOWER'}>
        <CheckField id={`${idPrefix()}-copy`} label="Copy orders into this account" checked={copyEnabled()} onChange={setCopyEnabled} />
      </Show>
      <Show when={broker() === 'SMARTAPI'}>
        <fieldset>
          <legend>SmartAPI credentials (write-only)</legend>
          <p class="muted">
            {props.account?.hasCredentials
              ? 'Credentials are stored and never shown. Fill in all three to replace them; leave empty to keep them.'
              : 'Stored encrypted; nobody can read them back, not even you.'}
          </p>
          <CredentialFields
            idPrefix={idPrefix()}
            apiKey={apiKey}
            setApiKey={setApiKey}
            pin={pin}
            setPin={setPin}
            totpSecret={totpSecret}
            setTotpSecret={setTotpSecret}
          />
        </fieldset>
      </Show>
    </Form>
  );
}
