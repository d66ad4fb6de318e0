import { createSignal } from 'solid-js';
import { errorForField, errorsOutside, runMutation, type ApiError } from '../api.ts';
import { ACCOUNT_FIELDS, type AccountRow } from '../lib/account-types.ts';
import CredentialFields from './CredentialFields.tsx';
import FormErrors from './FormErrors.tsx';

const UPDATE_CREDENTIALS = `mutation UpdateCredentials($id: ID!, $input: UpdateAccountInput!) { updateAccount(id: $id, input: $input) { ${ACCOUNT_FIELDS} } }`;

const FIELDS = ['credentials.apiKey', 'credentials.pin', 'credentials.totpSecret', 'credentials'];

/**
 * Enters or replaces an account's SmartAPI credentials, and nothing else: what a CLIENT may do
 * on their own account, so their trader never needs their PIN or TOTP secret. Write-only: the
 * fields start empty and are cleared once saved; the server's message for a field shows under it.
 */
export default function CredentialsForm(props: { account: AccountRow; onSaved: (account: AccountRow) => void; onCancel: () => void }) {
  const idPrefix = `credentials-${props.account.id}`;
  const [apiKey, setApiKey] = createSignal('');
  const [pin, setPin] = createSignal('');
  const [totpSecret, setTotpSecret] = createSignal('');
  const [errors, setErrors] = createSignal<ApiError[]>([]);
  const [busy, setBusy] = createSignal(false);
  const err = (name: string) => errorForField(errors(), name);

  const submit = async (event: SubmitEvent) => {
    event.preventDefault();
    setBusy(true);
    setErrors([]);
    const result = await runMutation<{ updateAccount: AccountRow }>(UPDATE_CREDENTIALS, {
      id: props.account.id,
      input: { credentials: { apiKey: apiKey(), pin: pin(), totpSecret: totpSecret() } },
    });
    setBusy(false);
    setErrors(result.errors);
    const saved = result.data?.updateAccount;
    if (!saved) return;
    setApiKey('');
    setPin('');
    setTotpSecret('');
    props.onSaved(saved);
  };

  return (
    <form class="card" noValidate onSubmit={(e) => void submit(e)} aria-label={`Enter credentials for ${props.account.label}`}>
      <h2>SmartAPI credentials for {props.account.label}</h2>
      <p class="muted">
        {props.account.hasCredentials ? 'Credentials are stored and never shown. Saving replaces them. ' : ''}
        Stored encrypted; nobody can read them back, not your trader and not you.
      </p>
      <CredentialFields idPrefix={idPrefix} apiKey={apiKey} setApiKey={setApiKey} pin={pin} setPin={setPin} totpSecret={totpSecret} setTotpSecret={setTotpSecret} error={err} />
      <FormErrors errors={errorsOutside(errors(), FIELDS)} />
      <div class="form-actions">
        <button type="submit" class="primary" disabled={busy()}>{busy() ? 'Saving…' : 'Save credentials'}</button>
        <button type="button" onClick={() => props.onCancel()}>Cancel</button>
      </div>
    </form>
  );
}
