import { createSignal, onMount, Show } from 'solid-js';
import type { ApiError } from '../../graphql/errors.ts';
import { graphql } from '../../graphql/graphql.ts';
import { createOperation } from '../../graphql/operations.ts';
import ConfirmButton from '../../ui/confirm-button.tsx';
import CopyButton from '../../ui/copy-button.tsx';
import FormErrors from '../../ui/form-errors.tsx';
import { formatDateTime } from '../../ui/format.ts';
import Table, { type Column } from '../../ui/table.tsx';
import { session } from '../auth/session.ts';
import CreateTokenForm from './create-token-form.tsx';
import { curlExample } from './curl-example.ts';
import { ApiTokenFields, SCOPES, type ApiTokenRow } from './token-fields.ts';
import './tokens.css';

const API_TOKENS = graphql(`query ApiTokens { apiTokens { ...ApiTokenFields } }`, [ApiTokenFields]);
const REVOKE_API_TOKEN = graphql(`mutation RevokeApiToken($id: ID!) { revokeApiToken(id: $id) { ...ApiTokenFields } }`, [ApiTokenFields]);

const scopeWords = (token: ApiTokenRow) => token.scopes.map((s) => SCOPES.find((x) => x.value === s)?.label ?? s).join(', ');

/** API tokens for third-party dashboards: create (the secret is shown once), list, revoke. */
export default function TokensPage() {
  const [errors, setErrors] = createSignal<readonly ApiError[]>([]);
  const read = createOperation(API_TOKENS, { errors: [errors, setErrors] });
  const revokeToken = createOperation(REVOKE_API_TOKEN, { errors: [errors, setErrors] });
  const [tokens, setTokens] = createSignal<ApiTokenRow[]>([]);
  const [secret, setSecret] = createSignal<{ name: string; token: string } | null>(null);

  onMount(async () => {
    const data = await read.run();
    if (data) setTokens(data.apiTokens);
  });

  const revoke = async (token: ApiTokenRow) => {
    const revoked = (await revokeToken.run({ id: token.id }))?.revokeApiToken;
    if (revoked) setTokens((list) => list.map((t) => (t.id === revoked.id ? revoked : t)));
  };

  const example = () => curlExample(window.location.origin, secret()?.token ?? '$TANDEM_TOKEN');

  const columns: Column<ApiTokenRow>[] = [
    { header: 'Name', cell: (t) => <b>{t.name}</b> },
    { header: 'Starts with', cell: (t) => <code>{t.prefix}…</code> },
    { header: 'Scopes', cell: scopeWords },
    { header: 'Created', cell: (t) => formatDateTime(t.createdAt) },
    { header: 'Last used', cell: (t) => formatDateTime(t.lastUsedAt) },
    {
      header: 'State',
      cell: (t) =>
        t.revokedAt ? (
          <span class="badge badge-idle">Revoked {formatDateTime(t.revokedAt)}</span>
        ) : (
          <span class="badge badge-good">Active</span>
        ),
    },
    ...(session.readOnly()
      ? []
      : [
          {
            header: 'Actions',
            cell: (t: ApiTokenRow) => (
              <Show when={!t.revokedAt}>
                <ConfirmButton
                  label="Revoke"
                  name={`Revoke ${t.name}`}
                  question={`Revoke ${t.name}? Programs using it stop at once.`}
                  danger="outline"
                  onConfirm={() => revoke(t)}
                />
              </Show>
            ),
          },
        ]),
  ];

  return (
    <section aria-labelledby="tokens-title">
      <div class="page-head">
        <h1 id="tokens-title">API tokens</h1>
      </div>
      <p class="muted">
        A token lets another program read (or, with "Place orders", trade) through the same GraphQL API this dashboard uses. It sees what
        you see, narrowed by its scopes.
      </p>
      <Show when={!session.readOnly()}>
        <CreateTokenForm
          onCreating={() => setSecret(null)}
          onCreated={(created) => {
            setSecret({ name: created.apiToken.name, token: created.token });
            setTokens((list) => [created.apiToken, ...list]);
          }}
        />
      </Show>
      <Show when={secret()}>
        {(s) => (
          <div class="card notice" role="status" aria-label="New token">
            <p>
              <b>Token “{s().name}” created.</b> Copy it now: it is shown once and cannot be read back.
            </p>
            <div class="secret">
              <code data-testid="token-secret">{s().token}</code>
              <CopyButton text={s().token} label="Copy token" />
            </div>
          </div>
        )}
      </Show>
      <h2>Try it</h2>
      <figure class="example" aria-label="curl example">
        <pre>{example()}</pre>
      </figure>
      <CopyButton text={example()} label="Copy command" />
      <h2>Your tokens</h2>
      <FormErrors errors={errors()} />
      <Table stack columns={columns} rows={tokens()} empty="No tokens yet." rowAttributes={(t) => ({ 'data-token': t.name })} />
    </section>
  );
}
