import SchemaBuilder from '@pothos/core';
import RelayPlugin from '@pothos/plugin-relay';
import ScopeAuthPlugin from '@pothos/plugin-scope-auth';
import { MAX_PAGE_SIZE } from '../core/input-rules.ts';
import AccessDescriptionsPlugin from './access-descriptions.ts';
import { anyone, refusal, scopesFor, type AuthScopeMap } from './auth-rules.ts';
import type { GraphQLContext } from './context.ts';

export interface GraphQLTypes {
  Context: GraphQLContext;
  Scalars: { DateTime: { Input: Date; Output: Date | string }; JSON: { Input: unknown; Output: unknown } };
  AuthScopes: AuthScopeMap;
  DefaultFieldNullability: false;
}

export const builder = new SchemaBuilder<GraphQLTypes>({
  plugins: [ScopeAuthPlugin, RelayPlugin, AccessDescriptionsPlugin],
  defaultFieldNullability: false,
  relay: {
    nodeQueryOptions: false,
    nodesQueryOptions: false,
    clientMutationId: 'omit',
    cursorType: 'String',
    // Page info holds only cursors of what its connection field already authorised.
    pageInfoFieldOptions: { authScopes: anyone(), description: 'Where this page sits, to ask for the next or the previous one.' },
    pageInfoTypeOptions: {
      description:
        'Where a page of a connection sits: pass endCursor as `after` for the next page, startCursor as `before` for the previous one.',
    },
    hasNextPageFieldOptions: { description: 'Whether items follow this page (with `before`: whether any lie at or after that cursor).' },
    hasPreviousPageFieldOptions: {
      description: 'Whether items come before this page (with `after`: whether any lie at or before that cursor).',
    },
    startCursorFieldOptions: { description: "The first edge's cursor, to pass as `before` for the previous page; null for an empty page." },
    endCursorFieldOptions: { description: "The last edge's cursor, to pass as `after` for the next page; null for an empty page." },
    cursorFieldOptions: { description: 'Pass as `after` to get the items after this one, or as `before` for the items before it.' },
    firstArgOptions: {
      description: `How many items to return from the start (or from just after \`after\`), 1 to ${MAX_PAGE_SIZE} (anything else is refused); 50 when neither first nor last is given. Not with \`last\`.`,
    },
    afterArgOptions: {
      description: "Return the items after this cursor (an edge's cursor or pageInfo.endCursor); omit for the first page.",
    },
    lastArgOptions: {
      description: `How many items to return from the end (or from just before \`before\`), 1 to ${MAX_PAGE_SIZE} (anything else is refused), in the list's own order. Not with \`first\`.`,
    },
    beforeArgOptions: {
      description:
        "Return the items before this cursor (an edge's cursor or pageInfo.startCursor): with `last`, the nearest ones; alone, the nearest 50.",
    },
  },
  scopeAuth: {
    authorizeOnSubscribe: true,
    authScopes: (ctx) => scopesFor(ctx.viewer),
    unauthorizedError: (_parent, ctx, info, result) =>
      refusal(ctx.viewer, ctx.authProblem, result.failure, `${info.parentType.name}.${info.fieldName}`),
  },
});

builder.scalarType('DateTime', {
  description:
    'An instant as an ISO-8601 string. Answers are UTC with milliseconds (2026-01-05T03:45:00.000Z); arguments should carry their offset (Z or +05:30) and lie between the years 1970 and 9999.',
  serialize: (value) => (value instanceof Date ? value.toISOString() : String(value)),
  parseValue: (value) => {
    const date = new Date(String(value));
    if (Number.isNaN(date.getTime())) throw new TypeError('DateTime must be an ISO-8601 string');
    return date;
  },
});

builder.scalarType('JSON', {
  description:
    'Any JSON value (an object, array, string, number, boolean or null), sent as it is: e.g. what an audit entry recorded before and after a change.',
  serialize: (value) => value,
  parseValue: (value) => value,
});

builder.queryType({ description: 'What can be read. Each field says who may use it; anything else is FORBIDDEN or UNAUTHENTICATED.' });
builder.mutationType({
  description: 'What can be changed. Each field says who may use it; mutations by signed-in callers are logged with who made them.',
});
builder.subscriptionType({
  description: 'Live streams over SSE or graphql-ws. Each field says who may use it; a stream ends when its credential does.',
});
