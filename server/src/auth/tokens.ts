import { createHash, randomBytes } from 'node:crypto';
import { SignJWT, jwtVerify, errors as joseErrors } from 'jose';
import type { UserRole } from '../core/types.ts';

export const API_TOKEN_PREFIX = 'tdm_';

export interface AccessClaims {
  userId: string;
  role: UserRole;
  expiresAt: Date;
}

export async function signAccessToken(
  key: Uint8Array,
  userId: string,
  role: UserRole,
  ttlSeconds: number,
  now = new Date(),
): Promise<string> {
  const issuedAt = Math.floor(now.getTime() / 1000);
  return new SignJWT({ role })
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject(userId)
    .setIssuer('tandem')
    .setIssuedAt(issuedAt)
    .setExpirationTime(issuedAt + ttlSeconds)
    .sign(key);
}

export type VerifyResult = { ok: true; claims: AccessClaims } | { ok: false; reason: 'expired' | 'invalid' };

export async function verifyAccessToken(key: Uint8Array, token: string, now = new Date()): Promise<VerifyResult> {
  try {
    const { payload } = await jwtVerify(token, key, { issuer: 'tandem', algorithms: ['HS256'], currentDate: now });
    const role = payload.role;
    if (typeof payload.sub !== 'string' || typeof role !== 'string' || typeof payload.exp !== 'number')
      return { ok: false, reason: 'invalid' };
    return { ok: true, claims: { userId: payload.sub, role: role as UserRole, expiresAt: new Date(payload.exp * 1000) } };
  } catch (error) {
    return { ok: false, reason: error instanceof joseErrors.JWTExpired ? 'expired' : 'invalid' };
  }
}

/** A new API token secret: shown to its owner once; only its hash is stored. */
export function newApiTokenSecret(): { secret: string; hash: string; prefix: string } {
  const secret = API_TOKEN_PREFIX + randomBytes(24).toString('base64url');
  return { secret, hash: hashApiToken(secret), prefix: secret.slice(0, 10) };
}

export function hashApiToken(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}
