import type { AppServices } from './container.ts';
import { viewerForApiToken } from './api-tokens.ts';
import { API_TOKEN_PREFIX, verifyAccessToken } from '../auth/tokens.ts';
import type { Viewer } from '../auth/viewer.ts';

export type ViewerResult = { viewer: Viewer | null; problem: string | null };

/** Reads "Bearer <jwt | api token>". No header is anonymous; a bad one says why. */
export async function resolveViewer(services: AppServices, authorization: string | null | undefined): Promise<ViewerResult> {
  if (!authorization) return { viewer: null, problem: null };
  const match = /^Bearer\s+(\S+)$/i.exec(authorization.trim());
  if (!match?.[1]) return { viewer: null, problem: 'Authorization must be "Bearer <token>"' };
  const token = match[1];
  if (token.startsWith(API_TOKEN_PREFIX)) {
    const viewer = await viewerForApiToken(services, token);
    return viewer ? { viewer, problem: null } : { viewer: null, problem: 'API token is unknown or revoked' };
  }
  const result = await verifyAccessToken(services.keys.jwt, token, services.clock.now());
  if (!result.ok) return { viewer: null, problem: result.reason === 'expired' ? 'token expired; sign in again' : 'token is not valid' };
  const { userId, role, expiresAt } = result.claims;
  return { viewer: { userId, role, scopes: null, apiTokenId: null, apiTokenName: null, expiresAt }, problem: null };
}
