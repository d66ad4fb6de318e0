// The app's `graphql` tag: documents are checked against schema.graphql through the
// introspection in graphql-env.d.ts (`npm run client:schema-types` regenerates it), and their
// result and variables types come from there: `ResultOf<typeof Doc>`, `VariablesOf<typeof Doc>`.
import { initGraphQLTada } from 'gql.tada';
import type { introspection } from './graphql-env.d.ts';

export const graphql = initGraphQLTada<{
  introspection: introspection;
  // The server sends DateTime as an ISO 8601 string. JSON is only ever an object here (an audit
  // entry's before/after); its values are typed as far as the dashboard reads them.
  scalars: { DateTime: string; JSON: Record<string, string | number | boolean | null | object> };
  // A fragment's fields are part of the result of every document that spreads it.
  disableMasking: true;
}>();

export type { ResultOf, VariablesOf } from 'gql.tada';
