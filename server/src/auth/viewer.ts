import type { ApiTokenScope, UserRole } from '../core/types.ts';

/** Who is asking: a signed-in user (JWT) or an API token acting for its owner, narrowed by its scopes. */
export interface Viewer {
  userId: string;
  role: UserRole;
  /** null for a JWT (every scope); the token's scopes for an API token. */
  scopes: ReadonlySet<ApiTokenScope> | null;
  apiTokenId: string | null;
  /** When the credential stops being valid; open subscriptions end then. */
  expiresAt: Date | null;
}

export function hasScope(viewer: Viewer, scope: ApiTokenScope): boolean {
  return viewer.scopes === null || viewer.scopes.has(scope);
}
