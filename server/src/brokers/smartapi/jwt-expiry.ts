// When a SmartAPI session ends: Angel's docs say at 00:00 IST (docs/smartapi.md §2.4), and its JWT
// may say earlier in its `exp` claim. The earlier of the two wins; the token is not verified,
// only read, since the broker is the one that checks it.
import { istTimeOn } from '../../core/clock.ts';

const DAY_MS = 24 * 60 * 60_000;

/** The next 00:00 IST strictly after `at`. */
export function nextIstMidnight(at: Date): Date {
  const midnight = istTimeOn(at, 0, 0);
  return midnight.getTime() > at.getTime() ? midnight : new Date(midnight.getTime() + DAY_MS);
}

/** The `exp` claim of a JWT as a Date, or null when the token does not carry one Tandem can read. */
export function jwtExpiry(token: string): Date | null {
  const payload = token.split('.')[1];
  if (!payload) return null;
  try {
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as { exp?: unknown };
    return typeof claims.exp === 'number' && Number.isFinite(claims.exp) ? new Date(claims.exp * 1000) : null;
  } catch {
    return null;
  }
}

/** When a session obtained at `at` with this JWT stops working. */
export function sessionExpiry(jwtToken: string, at: Date): Date {
  const midnight = nextIstMidnight(at);
  const exp = jwtExpiry(jwtToken);
  return exp && exp.getTime() < midnight.getTime() ? exp : midnight;
}
