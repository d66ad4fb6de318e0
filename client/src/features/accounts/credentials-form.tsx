import { createSignal } from 'solid-js';
import { graphql } from '../../graphql/graphql.ts';
import { createOperation } from '../../graphql/operations.ts';
import Form from '../../ui/form.tsx';
import { AccountFields, type AccountRow } from './account-fields.ts';
import CredentialFields from './credential-fields.tsx';

const UPDATE_CREDENTIALS = graphql(
  `
  mutation UpdateCredentials($id: ID!, $input: UpdateAccountInput!) { updateAccount(id: $id, input: $input) { ...AccountFields } }
`,
  [AccountFields],
);

/**
 * Enters or replaces an account's SmartAPI credentials, and nothing else: what a CLIENT may do
 * on their own account, so their trader never needs their PIN or TOTP secret. Write-only: the
 * fields start empty and are cleared once saved; the server's message for a field shows under it.
 */
export default function CredentialsForm(props: { account: AccountRow; onSaved: (account: AccountRow) => void; onCancel: () => void }) {
  const save = createOperation(UPDATE_CREDENTIALS);
  const [apiKey, setApiKey] = createSignal('');
  const [pin, setPin] = createSignal('');
  const [totpSecret, setTotpSecret] = createSignal('');

  const submit = async () => {
    const data = await save.run({
      id: props.account.id,
      input: { credentials: { apiKey: apiKey(), pin: pin(), totpSecret: totpSecret() } },
    });
    if (!data) return;
    setApiKey('');
    setPin('');
    setTotpSecret('');
    props.onSaved(data.updateAccount);
  };

  return (
    <Form
      label={`Enter credentials for ${props.account.label}`}
      errors={save.errors()}
      busy={save.busy()}
      onSubmit={() => void submit()}
      submitLabel="Save credentials"
      busyLabel="Saving…"
      onCancel={() => props.onCancel()}
    >
      <h2>SmartAPI credentials for {props.account.label}</h2>
      <p class="muted">
        {props.account.hasCredentials ? 'Credentials are stored and never shown. Saving replaces them. ' : ''}
        Stored encrypted; nobody can read them back, not your trader and not you.
      </p>
      <CredentialFields
        idPrefix={`credentials-${props.account.id}`}
        apiKey={apiKey}
        setApiKey={setApiKey}
        pin={pin}
        setPin={setPin}
        totpSecret={totpSecret}
        setTotpSecret={setTotpSecret}
      />
    </Form>
  );
}
