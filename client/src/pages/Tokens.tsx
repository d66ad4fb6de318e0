import { createSignal, For, onMount, Show } from 'solid-js';
import { errorForField, errorsOutside, runMutation, runQuery, type ApiError } from '../api.ts';
import ConfirmButton from '../components/ConfirmButton.tsx';
import CopyButton from '../components/CopyButton.tsx';
import { curlExample } from '../components/curl-example.ts';
import { CheckField, TextField } from '../components/Field.tsx';
import { formatDateTime } from '../components/format.ts';
import FormErrors from '../components/FormErrors.tsx';
import { session } from '../session.ts';

type Scope = 'ORDERS_READ' | 'ORDERS_WRITE' | 'ACCOUNTS_READ' | 'ACCOUNTS_WRITE';

interface ApiTokenRow {
  id: string;
  name: string;
  prefix: string;
  scopes: Scope[];
  createdAt: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
}

const TOKEN_FIELDS = 'id name prefix scopes createdAt lastUsedAt revokedAt';
const TOKENS = `query ApiTokens { apiTokens { ${TOKEN_FIELDS} } }`;
const CREATE = `mutation CreateApiToken($name: String!, $scopes: [ApiTokenScope!]!) { createApiToken(name: $name, scopes: $scopes) { token apiToken { ${TOKEN_FIELDS} } } }`;
const REVOKE = `mutation RevokeApiToken($id: ID!) { revokeApiToken(id: $id) { ${TOKEN_FIELDS} } }`;

const SCOPES: readonly { value: Scope; label: string }[] = [
  { value: 'ORDERS_READ', label: 'Read orders' },
  { value: 'ORDERS_WRITE', label: 'Place, modify and cancel orders' },
  { value: 'ACCOUNTS_READ', label: 'Read accounts and multipliers' },
  { value: 'ACCOUNTS_WRITE', label: 'Change accounts, multipliers and their kill switches' },
];

/** API tokens for third-party dashboards: create (the secret is shown once), list, revoke. */
export default function Tokens() {
  const [tokens, setTokens] = createSignal<ApiTokenRow[]>([]);
  const [name, setName] = createSignal('');
  const [scopes, setScopes] = createSignal<Set<Scope>>(new Set(['ORDERS_READ']));
  const [secret, setSecret] = createSignal<{ name: string; token: string } | null>(null);
  const [errors, setErrors] = createSignal<ApiError[]>([]);
  const [busy, setBusy] = createSignal(false);

  const load = async () => {
    const result = await runQuery<{ apiTokens: ApiTokenRow[] }>(TOKENS);
    setErrors(result.errors);
    if (result.data) setTokens(result.data.apiTokens);
  };
  onMount(() => void load());

  const toggleScope = (scope: Scope, on: boolean) =>
    setScopes((current) => {
      const next = new Set(current);
      if (on) next.add(scope);
      else next.delete(scope);
      return next;
    });

  const create = async (event: SubmitEvent) => {
    event.preventDefault();
    setBusy(true);
    setErrors([]);
    setSecret(null);
    const result = await runMutation<{ createApiToken: { token: string; apiToken: ApiTokenRow } }>(CREATE, { name: name(), scopes: [...scopes()] });
    setBusy(false);
    setErrors(result.errors);
    const created = result.data?.createApiToken;
    if (!created) return;
    setSecret({ name: created.apiToken.name, token: created.token });
    setTokens((list) => [created.apiToken, ...list]);
    setName('');
  };

  const revoke = async (token: ApiTokenRow) => {
    const result = await runMutation<{ revokeApiToken: ApiTokenRow }>(REVOKE, { id: token.id });
    setErrors(result.errors);
    const revoked = result.data?.revokeApiToken;
    if (revoked) setTokens((list) => list.map((t) => (t.id === revoked.id ? revoked : t)));
  };

  const example = () => curlExample(window.location.origin, secret()?.token ?? '$TANDEM_TOKEN');

  return (
    <section aria-labelledby="tokens-title">
      <div class="page-head">
        <h1 id="tokens-title">API tokens</h1>
      </div>
      <p class="muted">A token lets another program read (or, with "Place orders", trade) through the same GraphQL API this dashboard uses. It sees what you see, narrowed by its scopes.</p>
      <Show when={!session.readOnly()}>
        <form class="card" noValidate onSubmit={(e) => void create(e)} aria-label="Create an API token">
          <h2>Create a token</h2>
          <TextField id="token-name" label="Name" value={name()} onInput={setName} placeholder="e.g. Grafana" error={errorForField(errors(), 'name')} />
          <fieldset>
            <legend>Scopes</legend>
            <For each={SCOPES}>
              {(scope) => <CheckField id={`token-scope-${scope.value}`} label={scope.label} checked={scopes().has(scope.value)} onChange={(on) => toggleScope(scope.value, on)} />}
            </For>
            <span class="field-error" role="alert">{errorForField(errors(), 'scopes') ?? ''}</span>
          </fieldset>
          <FormErrors errors={errorsOutside(errors(), ['name', 'scopes'])} />
          <div class="form-actions">
            <button type="submit" class="primary" disabled={busy()}>Create token</button>
          </div>
        </form>
      </Show>
      <Show when={secret()}>
        {(s) => (
          <div class="card notice" role="status" aria-label="New token">
            <p><b>Token “{s().name}” created.</b> Copy it now: it is shown once and cannot be read back.</p>
            <div class="secret">
              <code data-testid="token-secret">{s().token}</code>
              <CopyButton text={s().token} label="Copy token" />
            </div>
          </div>
        )}
      </Show>
      <h2>Try it</h2>
      <pre aria-label="curl example">{example()}</pre>
      <CopyButton text={example()} label="Copy command" />
      <h2>Your tokens</h2>
      <div class="table-wrap">
        <table class="stack">
          <thead>
            <tr><th>Name</th><th>Starts with</th><th>Scopes</th><th>Created</th><th>Last used</th><th>State</th><Show when={!session.readOnly()}><th>Actions</th></Show></tr>
          </thead>
          <tbody>
            <For each={tokens()} fallback={<tr><td colSpan={7} class="muted">No tokens yet.</td></tr>}>
              {(token) => (
                <tr data-token={token.name}>
                  <td data-label="Name"><b>{token.name}</b></td>
                  <td data-label="Starts with"><code>{token.prefix}…</code></td>
                  <td data-label="Scopes">{token.scopes.map((s) => SCOPES.find((x) => x.value === s)?.label ?? s).join(', ')}</td>
                  <td data-label="Created">{formatDateTime(token.createdAt)}</td>
                  <td data-label="Last used">{formatDateTime(token.lastUsedAt)}</td>
                  <td data-label="State">{token.revokedAt ? <span class="badge badge-idle">Revoked {formatDateTime(token.revokedAt)}</span> : <span class="badge badge-good">Active</span>}</td>
                  <Show when={!session.readOnly()}>
                    <td data-label="Actions">
                      <Show when={!token.revokedAt}>
                        <ConfirmButton label="Revoke" name={`Revoke ${token.name}`} question={`Revoke ${token.name}? Programs using it stop at once.`} danger="outline" onConfirm={() => revoke(token)} />
                      </Show>
                    </td>
                  </Show>
                </tr>
              )}
            </For>
          </tbody>
        </table>
      </div>
    </section>
  );
}
