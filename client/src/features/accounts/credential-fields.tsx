import type { Accessor, Setter } from 'solid-js';
import { TextField } from '../../ui/fields.tsx';

/** The three write-only SmartAPI credential fields; inside a Form, each shows the server's message for it. */
export default function CredentialFields(props: {
  idPrefix: string;
  apiKey: Accessor<string>;
  setApiKey: Setter<string>;
  pin: Accessor<string>;
  setPin: Setter<string>;
  totpSecret: Accessor<string>;
  setTotpSecret: Setter<string>;
}) {
  return (
    <div class="form-grid">
      <TextField
        id={`${props.idPrefix}-api-key`}
        label="API key"
        type="password"
        autocomplete="new-password"
        value={props.apiKey()}
        onInput={props.setApiKey}
        name="credentials.apiKey"
      />
      <TextField
        id={`${props.idPrefix}-pin`}
        label="PIN"
        type="password"
        inputMode="numeric"
        autocomplete="new-password"
        value={props.pin()}
        onInput={props.setPin}
        name="credentials.pin"
        hint="Your Angel One login PIN"
      />
      <TextField
        id={`${props.idPrefix}-totp`}
        label="TOTP secret"
        type="password"
        autocomplete="new-password"
        value={props.totpSecret()}
        onInput={props.setTotpSecret}
        name={['credentials.totpSecret', 'credentials']}
        hint="The base32 secret shown when you enabled TOTP"
      />
    </div>
  );
}
