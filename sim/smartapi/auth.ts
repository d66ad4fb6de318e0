import { randomBytes, randomUUID } from 'node:crypto';
import { SignJWT } from 'jose';
import { nextIstMidnight, type Clock } from './clock.ts';

export interface SimSession {
  clientcode: string;
  jwtToken: string;
  refreshToken: string;
  feedToken: string;
  /** The JWT dies here. */
  expiresAt: Date;
  /** The refresh token dies here: always the next 00:00 IST. */
  refreshExpiresAt: Date;
  loggedOut: boolean;
}

export type TokenCheck = { ok: true; session: SimSession } | { ok: false; reason: 'missing' | 'invalid' | 'expired'; session?: SimSession };

export type RefreshResult = { ok: true; session: SimSession } | { ok: false; reason: 'invalid' | 'expired' };

/** Issues and checks the jwt/refresh/feed token triple; tokens are known by value, not re-verified. */
export class SessionStore {
  private readonly byJwt = new Map<string, SimSession>();
  private readonly byRefresh = new Map<string, SimSession>();
  private readonly key: Uint8Array;

  constructor(
    private readonly clock: Clock,
    private readonly ttlMs: number | undefined,
    secret: string | undefined,
  ) {
    this.key = secret ? new TextEncoder().encode(secret) : randomBytes(64);
  }

  async open(clientcode: string): Promise<SimSession> {
    const now = this.clock.now();
    const refreshExpiresAt = nextIstMidnight(now);
    const expiresAt =
      this.ttlMs === undefined ? refreshExpiresAt : new Date(Math.min(now.getTime() + this.ttlMs, refreshExpiresAt.getTime()));
    const [jwtToken, refreshToken, feedToken] = await Promise.all([
      this.sign(clientcode, 'access', now, expiresAt),
      this.sign(clientcode, 'refresh', now, refreshExpiresAt),
      this.sign(clientcode, 'feed', now, refreshExpiresAt),
    ]);
    const session: SimSession = { clientcode, jwtToken, refreshToken, feedToken, expiresAt, refreshExpiresAt, loggedOut: false };
    this.byJwt.set(jwtToken, session);
    this.byRefresh.set(refreshToken, session);
    return session;
  }

  /**
   * Reads `Bearer <jwt>`. The bare token (Python SDK socket) and a doubled prefix (a jwtToken that
   * already says "Bearer ", sent by an SDK that adds its own) are accepted too.
   */
  check(authorization: string | undefined): TokenCheck {
    const token = authorization?.replace(/^(Bearer\s+)+/i, '').trim();
    if (!token || token === 'undefined' || token === 'null') return { ok: false, reason: 'missing' };
    const session = this.byJwt.get(token);
    if (!session || session.loggedOut) return { ok: false, reason: 'invalid' };
    if (this.clock.now() >= session.expiresAt) return { ok: false, reason: 'expired', session };
    return { ok: true, session };
  }

  /** generateTokens: a fresh triple from a live refresh token of the same client (reusable until it expires; UNCONFIRMED). */
  async refresh(clientcode: string, refreshToken: string): Promise<RefreshResult> {
    const previous = this.byRefresh.get(refreshToken);
    if (!previous || previous.loggedOut || previous.clientcode !== clientcode) return { ok: false, reason: 'invalid' };
    if (this.clock.now() >= previous.refreshExpiresAt) return { ok: false, reason: 'expired' };
    return { ok: true, session: await this.open(clientcode) };
  }

  logout(clientcode: string): void {
    for (const session of this.byJwt.values()) if (session.clientcode === clientcode) session.loggedOut = true;
  }

  /** Fault knob: every session (of one client, or all) is past its expiry from now on. */
  expire(clientcode?: string): number {
    const past = new Date(this.clock.now().getTime() - 1);
    let count = 0;
    for (const session of this.byJwt.values()) {
      if (clientcode !== undefined && session.clientcode !== clientcode) continue;
      if (session.expiresAt > past) count++;
      session.expiresAt = past;
      session.refreshExpiresAt = past;
    }
    return count;
  }

  private sign(clientcode: string, use: 'access' | 'refresh' | 'feed', now: Date, exp: Date): Promise<string> {
    return new SignJWT({ username: clientcode, token: use, sid: randomUUID() })
      .setProtectedHeader({ alg: 'HS512' })
      .setSubject(clientcode)
      .setIssuedAt(Math.floor(now.getTime() / 1000))
      .setExpirationTime(Math.floor(exp.getTime() / 1000))
      .sign(this.key);
  }
}
