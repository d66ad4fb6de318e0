import { createSignal } from 'solid-js';

// The token lives in sessionStorage: it survives a reload but not the closing of the tab, so
// a shared desk machine does not stay signed in.
const STORAGE_KEY = 'tandem.token';

function readStored(): string | null {
  try {
    return sessionStorage.getItem(STORAGE_KEY);
  } catch {
    return null;
  }
}

const [token, setTokenSignal] = createSignal<string | null>(readStored());
const [expired, setExpired] = createSignal(false);

/** The bearer token of the signed-in user, or null. Reactive. */
export const authToken = token;

/** True after the server refused the token (expired or revoked) until the next sign-in. Reactive. */
export const authExpired = expired;

/** Stores a new token (after login) or clears it (logout). */
export function setAuthToken(value: string | null): void {
  try {
    if (value) sessionStorage.setItem(STORAGE_KEY, value);
    else sessionStorage.removeItem(STORAGE_KEY);
  } catch {
    // Storage can be disabled (private mode): the token then lives in memory for this page only.
  }
  setExpired(false);
  setTokenSignal(value);
}

/** Drops a token the server no longer accepts, remembering why so the login page can say so. */
export function expireAuthToken(): void {
  if (token() === null) return;
  setAuthToken(null);
  setExpired(true);
}
