import { createSignal } from 'solid-js';
import { authExpired, authToken, setAuthToken } from '../../graphql/auth-token.ts';
import type { ApiError } from '../../graphql/errors.ts';
import { graphql, type ResultOf } from '../../graphql/graphql.ts';
import { createOperation } from '../../graphql/operations.ts';
import { accountRights, type AccountRights, type RightsAccount } from './account-rights.ts';

const UserFields = graphql(`fragment UserFields on User { id email role }`);

const LOGIN = graphql(
  `
  mutation Login($email: String!, $password: String!) {
    login(email: $email, password: $password) { token user { ...UserFields } }
  }
`,
  [UserFields],
);

const ME = graphql(`query Me { me { ...UserFields } }`, [UserFields]);

/** The signed-in user as `me` returns it. ADMIN: everything; TRADER: their masters and followers; CLIENT: their own accounts. */
export type SessionUser = ResultOf<typeof UserFields>;
export type UserRole = SessionUser['role'];

const login = createOperation(LOGIN);
const me = createOperation(ME);
const [user, setUser] = createSignal<SessionUser | null>(null);
// Held until the user is set too, so the login page never flashes between the two.
const [loading, setLoading] = createSignal(false);

/**
 * The session: who is signed in, with what role, and the login/logout actions. The token is
 * kept in sessionStorage (see graphql/auth-token.ts); `restore()` re-reads `me` after a reload.
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
  async login(email: string, password: string): Promise<readonly ApiError[]> {
    setLoading(true);
    try {
      const data = await login.run({ email, password });
      if (!data) return login.errors().length ? login.errors() : [{ message: 'Sign-in failed', code: 'UNKNOWN' }];
      setAuthToken(data.login.token);
      setUser(data.login.user);
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
      // A refused token is dropped by the client's UNAUTHENTICATED handling (graphql/client.ts),
      // which also makes the login page say the session ended.
      const data = await me.run();
      if (data) setUser(data.me);
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
