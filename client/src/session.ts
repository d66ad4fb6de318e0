import { createSignal } from 'solid-js';
import { runMutation, runQuery, type ApiError } from './api.ts';
import { accountRights, type AccountRights, type RightsAccount } from './lib/account-rights.ts';
import { authExpired, authToken, setAuthToken } from './lib/auth-token.ts';

/** ADMIN: everything; TRADER: their masters and followers; CLIENT: their own accounts (copy switch and credentials only). */
export type UserRole = 'ADMIN' | 'TRADER' | 'CLIENT';

/** The signed-in user as `me` returns it. */
export interface SessionUser {
  id: string;
  email: string;
  role: UserRole;
}

const USER_FIELDS = 'id email role';
const LOGIN = `mutation Login($email: String!, $password: String!) { login(email: $email, password: $password) { token user { ${USER_FIELDS} } } }`;
const ME = `query Me { me { ${USER_FIELDS} } }`;

const [user, setUser] = createSignal<SessionUser | null>(null);
const [loading, setLoading] = createSignal(false);

/**
 * The session: who is signed in, with what role, and the login/logout actions. The token is
 * kept in sessionStorage (see lib/auth-token.ts); `restore()` re-reads `me` after a reload.
 */
export const session = {
  /** The bearer token, or null. Reactive. */
  token: authToken,
  /** The signed-in user, or null. Reactive. */
  user,
  /** The user's role, or null when signed out. Reactive. */
  role: (): UserRole | null => user()?.role ?? null,
  /** True when a token and its user are known. Reactive. */
  signedIn: (): boolean => authToken() !== null && user() !== null,
  /** True while logging in or restoring. Reactive. */
  loading,
  /** True after the server refused the stored token (expired/revoked). Reactive. */
  expired: authExpired,
  /**
   * True for a CLIENT: no trading and no managing (ticket, kill switches, create/delete,
   * multipliers, tokens). Their few rights on their own accounts are in `rightsOn`. Reactive.
   */
  readOnly: (): boolean => user()?.role === 'CLIENT',
  /** What the user may do to one account (a CLIENT: copy switch, credentials, connect on their own). Reactive. */
  rightsOn: (account: RightsAccount): AccountRights => accountRights(user(), account),
  /** Only ADMIN may engage the global kill switch or act on every account. Reactive. */
  isAdmin: (): boolean => user()?.role === 'ADMIN',

  /** Signs in with the `login` mutation; resolves to the errors to show (empty on success). */
  async login(email: string, password: string): Promise<ApiError[]> {
    setLoading(true);
    try {
      const result = await runMutation<{ login: { token: string; user: SessionUser } }>(LOGIN, { email, password });
      if (!result.data?.login) return result.errors.length ? result.errors : [{ message: 'Sign-in failed', code: 'UNKNOWN' }];
      setAuthToken(result.data.login.token);
      setUser(result.data.login.user);
      return [];
    } finally {
      setLoading(false);
    }
  },

  /** With a stored token (after a reload), loads `me`; a refused token is dropped and the login page shows. */
  async restore(): Promise<void> {
    if (authToken() === null || user() !== null) return;
    setLoading(true);
    try {
      // A refused token is dropped by the client's UNAUTHENTICATED handling (api.ts), which
      // also makes the login page say the session ended.
      const result = await runQuery<{ me: SessionUser }>(ME);
      if (result.data?.me) setUser(result.data.me);
    } finally {
      setLoading(false);
    }
  },

  /** Forgets the token and the user. */
  logout(): void {
    setAuthToken(null);
    setUser(null);
  },
};
