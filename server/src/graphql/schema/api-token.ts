import { ApiToken } from '../../persistence/entities/api-token.entity.ts';
import { createApiToken, listApiTokens, revokeApiToken } from '../../services/api-tokens.ts';
import { anyone, sessionOnly } from '../auth-rules.ts';
import { builder } from '../builder.ts';
import { ApiTokenScopeEnum } from './enums.ts';

export const ApiTokenRef = builder.objectType(ApiToken, {
  name: 'ApiToken',
  fields: (t) => ({
    id: t.exposeID('id'),
    name: t.exposeString('name'),
    scopes: t.field({ type: [ApiTokenScopeEnum], resolve: (token) => token.scopes }),
    prefix: t.exposeString('prefix', { description: 'The first characters of the secret, to tell tokens apart.' }),
    createdAt: t.field({ type: 'DateTime', resolve: (token) => token.createdAt }),
    lastUsedAt: t.field({ type: 'DateTime', nullable: true, resolve: (token) => token.lastUsedAt }),
    revokedAt: t.field({ type: 'DateTime', nullable: true, resolve: (token) => token.revokedAt }),
  }),
});

const CreateApiTokenPayload = builder.objectRef<{ token: string; apiToken: ApiToken }>('CreateApiTokenPayload').implement({
  fields: (t) => ({
    token: t.exposeString('token', { description: 'The secret. Shown once; store it now.' }),
    apiToken: t.field({ type: ApiTokenRef, authScopes: anyone(), resolve: (payload) => payload.apiToken }),
  }),
});

builder.queryField('apiTokens', (t) =>
  t.field({ type: [ApiTokenRef], authScopes: sessionOnly(), resolve: (_root, _args, ctx) => listApiTokens(ctx.services, ctx.viewer!) }),
);

builder.mutationFields((t) => ({
  createApiToken: t.field({
    type: CreateApiTokenPayload,
    authScopes: sessionOnly(),
    args: { name: t.arg.string({ required: true }), scopes: t.arg({ type: [ApiTokenScopeEnum], required: true }) },
    resolve: (_root, args, ctx) => createApiToken(ctx.services, ctx.viewer!, args.name, args.scopes),
  }),
  revokeApiToken: t.field({
    type: ApiTokenRef,
    authScopes: sessionOnly(),
    args: { id: t.arg.id({ required: true }) },
    resolve: (_root, args, ctx) => revokeApiToken(ctx.services, ctx.viewer!, String(args.id)),
  }),
}));
