import { hashApiToken, newApiTokenSecret } from '../auth/tokens.ts';
import type { Viewer } from '../auth/viewer.ts';
import { badInput, forbidden, notFound, parseId } from '../core/errors.ts';
import { MAX_LABEL_LENGTH } from '../core/input-rules.ts';
import { API_TOKEN_SCOPES, type ApiTokenScope } from '../core/types.ts';
import { ApiToken } from '../persistence/entities/api-token.entity.ts';
import { User } from '../persistence/entities/user.entity.ts';
import { audit } from './audit.ts';
import type { AppServices } from './container.ts';

export async function createApiToken(
  services: AppServices,
  viewer: Viewer,
  name: string,
  scopes: ApiTokenScope[],
): Promise<{ token: string; apiToken: ApiToken }> {
  if (viewer.apiTokenId) throw forbidden('an API token cannot create API tokens; sign in');
  const trimmed = name.trim();
  if (!trimmed || trimmed.length > MAX_LABEL_LENGTH) throw badInput('name', `name must be 1 to ${MAX_LABEL_LENGTH} characters`);
  if (scopes.length === 0 || scopes.some((s) => !API_TOKEN_SCOPES.includes(s)))
    throw badInput('scopes', `scopes must be some of ${API_TOKEN_SCOPES.join(', ')}`);
  const em = services.orm.em.fork();
  const secret = newApiTokenSecret();
  const apiToken = em.create(ApiToken, {
    userId: viewer.userId,
    name: trimmed,
    scopes: [...new Set(scopes)],
    tokenHash: secret.hash,
    prefix: secret.prefix,
    createdAt: new Date(),
  });
  audit(em, viewer, 'apiToken.create', 'ApiToken', apiToken.id, null, { name: trimmed, scopes });
  await em.flush();
  return { token: secret.secret, apiToken };
}

export async function revokeApiToken(services: AppServices, viewer: Viewer, rawId: string): Promise<ApiToken> {
  const em = services.orm.em.fork();
  const token = await em.findOne(ApiToken, { id: parseId(rawId, 'id') });
  if (!token || (token.userId !== viewer.userId && viewer.role !== 'ADMIN')) throw notFound('API token', 'id');
  if (!token.revokedAt) {
    token.revokedAt = services.clock.now();
    audit(em, viewer, 'apiToken.revoke', 'ApiToken', token.id, null, { name: token.name });
    await em.flush();
  }
  await services.pubsub.publish('tokenRevoked', { tokenId: token.id });
  return token;
}

export async function listApiTokens(services: AppServices, viewer: Viewer): Promise<ApiToken[]> {
  return services.orm.em.fork().find(ApiToken, { userId: viewer.userId }, { orderBy: { createdAt: 'desc' } });
}

/** The viewer an API token acts as, or null when it is unknown or revoked. */
export async function viewerForApiToken(services: AppServices, secret: string): Promise<Viewer | null> {
  const em = services.orm.em.fork();
  const token = await em.findOne(ApiToken, { tokenHash: hashApiToken(secret) });
  if (!token || token.revokedAt) return null;
  const user = await em.findOne(User, { id: token.userId });
  if (!user) return null;
  await em.nativeUpdate(ApiToken, { id: token.id }, { lastUsedAt: services.clock.now() });
  return {
    userId: user.id,
    role: user.role,
    scopes: new Set(token.scopes),
    apiTokenId: token.id,
    apiTokenName: token.name,
    expiresAt: null,
  };
}
