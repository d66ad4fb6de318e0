import { ApiToken } from '../../persistence/entities/api-token.entity.ts';
import { createApiToken, listApiTokens, revokeApiToken } from '../../services/api-tokens.ts';
import { MAX_LABEL_LENGTH } from '../../core/input-rules.ts';
import { anyone, sessionOnly } from '../auth-rules.ts';
import { builder } from '../builder.ts';
import { ApiTokenScopeEnum } from './enums.ts';

export const ApiTokenRef = builder.objectType(ApiToken, {
  name: 'ApiToken',
  description:
    'A credential a program sends instead of signing in (`Authorization: Bearer tdm_...`). It acts as its owner, narrowed by its scopes. The secret itself is never shown again.',
  fields: (t) => ({
    id: t.exposeID('id', { description: 'Identifies the token (to revoke it).' }),
    name: t.exposeString('name', { description: "Its owner's name for it." }),
    scopes: t.field({ type: [ApiTokenScopeEnum], description: 'What it may do.', resolve: (token) => token.scopes }),
    prefix: t.exposeString('prefix', { description: 'The first characters of the secret, to tell tokens apart.' }),
    createdAt: t.field({ type: 'DateTime', description: 'When it was created.', resolve: (token) => token.createdAt }),
    lastUsedAt: t.field({
      type: 'DateTime',
      nullable: true,
      description: 'When it last authenticated a request; null if never used.',
      resolve: (token) => token.lastUsedAt,
    }),
    revokedAt: t.field({
      type: 'DateTime',
      nullable: true,
      description: 'When it was revoked; null while it still works.',
      resolve: (token) => token.revokedAt,
    }),
  }),
});

const CreateApiTokenPayload = builder.objectRef<{ token: string; apiToken: ApiToken }>('CreateApiTokenPayload').implement({
  description: 'A new API token and its secret.',
  fields: (t) => ({
    token: t.exposeString('token', { description: 'The secret. Shown once; store it now.' }),
    apiToken: t.field({
      type: ApiTokenRef,
      description: 'The new token, as apiTokens lists it.',
      authScopes: anyone(),
      resolve: (payload) => payload.apiToken,
    }),
  }),
});

builder.queryField('apiTokens', (t) =>
  t.field({
    type: [ApiTokenRef],
    description: 'Your own API tokens, revoked ones included, newest first.',
    authScopes: sessionOnly(),
    resolve: (_root, _args, ctx) => listApiTokens(ctx.services, ctx.viewer!),
  }),
);

builder.mutationFields((t) => ({
  createApiToken: t.field({
    type: CreateApiTokenPayload,
    description: 'Creates an API token for yourself. Its secret is in the answer and nowhere else: store it now.',
    authScopes: sessionOnly(),
    args: {
      name: t.arg.string({ required: true, description: `A name to tell it apart, 1 to ${MAX_LABEL_LENGTH} characters.` }),
      scopes: t.arg({ type: [ApiTokenScopeEnum], required: true, description: 'What it may do; at least one.' }),
    },
    resolve: (_root, args, ctx) => createApiToken(ctx.services, ctx.viewer!, args.name, args.scopes),
  }),
  revokeApiToken: t.field({
    type: ApiTokenRef,
    description:
      "Revokes one of your API tokens (an ADMIN: anyone's): it stops working at once and its open subscriptions end. Revoking it again changes nothing.",
    authScopes: sessionOnly(),
    args: { id: t.arg.id({ required: true, description: 'The token to revoke.' }) },
    resolve: (_root, args, ctx) => revokeApiToken(ctx.services, ctx.viewer!, String(args.id)),
  }),
}));
