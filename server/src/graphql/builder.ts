import SchemaBuilder from '@pothos/core';
import RelayPlugin from '@pothos/plugin-relay';
import ScopeAuthPlugin from '@pothos/plugin-scope-auth';
import { hasScope } from '../auth/viewer.ts';
import { DomainError } from '../core/errors.ts';
import type { ApiTokenScope } from '../core/types.ts';
import type { GraphQLContext } from './context.ts';

export interface GraphQLTypes {
  Context: GraphQLContext;
  Scalars: { DateTime: { Input: Date; Output: Date | string } };
  AuthScopes: { signedIn: boolean; admin: boolean; staff: boolean; scope: ApiTokenScope };
  DefaultFieldNullability: false;
}

export const builder = new SchemaBuilder<GraphQLTypes>({
  plugins: [ScopeAuthPlugin, RelayPlugin],
  defaultFieldNullability: false,
  relay: { nodeQueryOptions: false, nodesQueryOptions: false, clientMutationId: 'omit', cursorType: 'String' },
  scopeAuth: {
    authorizeOnSubscribe: true,
    authScopes: (ctx) => ({
      signedIn: ctx.viewer !== null,
      admin: ctx.viewer?.role === 'ADMIN',
      staff: ctx.viewer?.role === 'ADMIN' || ctx.viewer?.role === 'TRADER',
      scope: (scope) => ctx.viewer !== null && hasScope(ctx.viewer, scope),
    }),
    unauthorizedError: (_parent, ctx, _info, result) =>
      ctx.viewer === null
        ? new DomainError('UNAUTHENTICATED', ctx.authProblem ?? 'sign in first: send Authorization: Bearer <token>')
        : new DomainError('FORBIDDEN', `not allowed: ${result.message}`),
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
