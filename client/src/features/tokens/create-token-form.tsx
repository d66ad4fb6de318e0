import { createSignal, For } from 'solid-js';
import { graphql, type ResultOf } from '../../graphql/graphql.ts';
import { createOperation } from '../../graphql/operations.ts';
import { CheckField, FieldError, TextField } from '../../ui/fields.tsx';
import Form, { useFieldError } from '../../ui/form.tsx';
import { ApiTokenFields, SCOPES, type Scope } from './token-fields.ts';

const CREATE_API_TOKEN = graphql(
  `
  mutation CreateApiToken($name: String!, $scopes: [ApiTokenScope!]!) {
    createApiToken(name: $name, scopes: $scopes) { token apiToken { ...ApiTokenFields } }
  }
`,
  [ApiTokenFields],
);

/** The scopes' error, under the scope boxes. */
function ScopesError() {
  const error = useFieldError({ name: 'scopes' });
  return <FieldError id="token-scopes-error" message={error()} />;
}

/** Names a new token and picks its scopes; `onCreated` gets the secret, shown once. */
export default function CreateTokenForm(props: {
  /** A new attempt starts: the previous secret is no longer the one to copy. */
  onCreating: () => void;
  onCreated: (created: ResultOf<typeof CREATE_API_TOKEN>['createApiToken']) => void;
}) {
  const create = createOperation(CREATE_API_TOKEN);
  const [name, setName] = createSignal('');
  const [scopes, setScopes] = createSignal<ReadonlySet<Scope>>(new Set(['ORDERS_READ']));

  const toggleScope = (scope: Scope, on: boolean) =>
    setScopes((current) => {
      const next = new Set(current);
      if (on) next.add(scope);
      else next.delete(scope);
      return next;
    });

  const submit = async () => {
    props.onCreating();
    const data = await create.run({ name: name(), scopes: [...scopes()] });
    if (!data) return;
    setName('');
    props.onCreated(data.createApiToken);
  };

  return (
    <Form
      label="Create an API token"
      errors={create.errors()}
      busy={create.busy()}
      onSubmit={() => void submit()}
      submitLabel="Create token"
    >
      <h2>Create a token</h2>
      <TextField id="token-name" label="Name" value={name()} onInput={setName} placeholder="e.g. Grafana" name="name" />
      <fieldset>
        <legend>Scopes</legend>
        <For each={SCOPES}>
          {(scope) => (
            <CheckField
              id={`token-scope-${scope.value}`}
              label={scope.label}
              checked={scopes().has(scope.value)}
              onChange={(on) => toggleScope(scope.value, on)}
            />
          )}
        </For>
        <ScopesError />
      </fieldset>
    </Form>
  );
}
