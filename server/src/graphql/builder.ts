import SchemaBuilder from '@pothos/core';
import RelayPlugin from '@pothos/plugin-relay';
import ScopeAuthPlugin from '@pothos/plugin-scope-auth';
import { anyone, refusal, scopesFor, type AuthScopeMap } from './auth-rules.ts';
import type { GraphQLContext } from './context.ts';

export interface GraphQLTypes {
  Context: GraphQLContext;
  Scalars: { DateTime: { Input: Date; Output: Date | string } };
  AuthScopes: AuthScopeMap;
  DefaultFieldNullability: false;
}

export const builder = new SchemaBuilder<GraphQLTypes>({
  plugins: [ScopeAuthPlugin, RelayPlugin],
  defaultFieldNullability: false,
  relay: {
    nodeQueryOptions: false,
    nodesQueryOptions: false,
    clientMutationId: 'omit',
    cursorType: 'String',
    // Page info holds only cursors of what its connection field already authorised.
    pageInfoFieldOptions: { authScopes: anyone() },
  },
  scopeAuth: {
    authorizeOnSubscribe: true,
    authScopes: (ctx) => scopesFor(ctx.viewer),
    unauthorizedError: (_parent, ctx, info, result) =>
      refusal(ctx.viewer, ctx.authProblem, result.failure, `${info.parentType.name}.${info.fieldName}`),
  },
});

builder.scalarType('DateTime', {
  serialize: (value) => (value instanceof Date ? value.toISOString() : String(value)),
  parseValue: (value) => {
    const date = new Date(String(value));
    if (Number.isNaN(date.getTime())) throw new TypeError('DateTime must be an ISO-8601 string');
    return date;
  },
});

builder.queryType({});
builder.mutationType({});
builder.subscriptionType({});
