import type { ApiTokenScope, UserRole } from '../core/types.ts';

/** Who is asking: a signed-in user (JWT) or an API token acting for its owner, narrowed by its scopes. */
export interface Viewer {
  userId: string;
  role: UserRole;
  /** null for a JWT (every scope); the token's scopes for an API token. */
  scopes: ReadonlySet<ApiTokenScope> | null;
  apiTokenId: string | null;
  /** The API token's name, so logs and the audit trail can say which token acted. */
  apiTokenName: string | null;
  /** When the credential stops being valid; open subscriptions end then. */
  expiresAt: Date | null;
}

/** Who acted, for logs and the audit trail: the user, and the API token when one was used. */
export function actorOf(viewer: Viewer): { userId: string; apiTokenId?: string; apiTokenName?: string } {
  return viewer.apiTokenId
    ? { userId: viewer.userId, apiTokenId: viewer.apiTokenId, apiTokenName: viewer.apiTokenName ?? undefined }
    : { userId: viewer.userId };
}
