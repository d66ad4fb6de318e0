// One SmartAPI session per account: login with client code, PIN and a TOTP generated from the
// stored secret; renewal when the broker says the session is gone; a token refresh before a
// JWT that ends before midnight runs out. Logins are single-flight and spaced (Angel allows one
// a second), and a login refused for its credentials is not retried on its own: a wrong PIN
// tried again and again can get the client blocked. connect() or the daily login try again.
// Sessions are shared through a SessionStore (Redis across instances): a session another
// instance obtained is used rather than logging in again, and logins for one client code are
// serialised across instances, each waiter looking in the store again once the lock frees.
import { generate } from 'otplib';
import type { Logger } from 'pino';
import { systemWaitableClock, type Clock } from '../../core/clock.ts';
import { InProcessRateStore } from '../../rate-limit/in-process-store.ts';
import { RateLimiter } from '../../rate-limit/limiter.ts';
import { BrokerCallError } from '../port.ts';
import type { SessionTokens, SmartApiAuthClient } from './auth-client.ts';
import { CREDENTIAL_CODES } from './error-reasons.ts';
import { sessionExpiry } from './jwt-expiry.ts';
import { LOGIN_WINDOWS, rateKey } from './rate-limits.ts';
import { InProcessSessionStore, usableShared, type SessionGrant, type SessionStore } from './session-store.ts';

export interface SmartApiCredentials {
  apiKey: string;
  pin: string;
  totpSecret: string;
}

/** A live session: what calls need to be made with it. */
export type SessionEvent =
  | { kind: 'logging-in'; why: string }
  | { kind: 'logged-in'; why: string; grant: SessionGrant }
  | { kind: 'refused'; error: BrokerCallError }
  | { kind: 'failed'; error: BrokerCallError }
  | { kind: 'expired'; error: BrokerCallError };

export interface SessionDeps {
  clientCode: string;
  auth: SmartApiAuthClient;
  /** Read at every login, so new credentials take effect at the next one. */
  credentials: () => Promise<SmartApiCredentials>;
  clock: Clock;
  log: Logger;
  onEvent: (event: SessionEvent) => void;
  /** Where sessions are shared; by default one of this session's own (it logs in alone). */
  store?: SessionStore;
  /** Where logins take their turn, with other instances' when it counts through Redis; by default one of this session's own. */
  limiter?: RateLimiter;
}

const RATE_LIMIT_RETRIES = 3;
const REFRESH_AHEAD_MS = 60_000;
const RETRY_AFTER_FAILURE_MS = [2_000, 5_000, 15_000, 60_000] as const;

export class SmartApiSession {
  private grant: SessionGrant | null = null;
  /** Set when the broker refused the credentials; cleared by login() (connect, daily login). */
  private refusal: BrokerCallError | null = null;
  private failures = 0;
  private lastFailureAt = 0;
  private inFlight: Promise<SessionGrant> | null = null;
  private refreshTimer: NodeJS.Timeout | null = null;
  private closed = false;
  private readonly store: SessionStore;
  private readonly limiter: RateLimiter;

  constructor(private readonly deps: SessionDeps) {
    this.store = deps.store ?? new InProcessSessionStore(() => deps.clock.now());
    this.limiter = deps.limiter ?? new RateLimiter(new InProcessRateStore(), systemWaitableClock);
  }

  /** The live session, logging in first when there is none. Throws BrokerCallError('session') when it cannot. */
  async current(): Promise<SessionGrant> {
    return this.obtain();
  }

  /** current(), not taking `stale` from the store again when a call was just refused with it. */
  private async obtain(stale?: SessionGrant): Promise<SessionGrant> {
    if (this.grant && this.grant.expiresAt.getTime() > this.deps.clock.now().getTime()) return this.grant;
    if (this.inFlight) return this.inFlight;
    if (this.refusal) throw this.refusal;
    const wait = RETRY_AFTER_FAILURE_MS[Math.min(this.failures, RETRY_AFTER_FAILURE_MS.length) - 1] ?? 0;
    if (this.failures > 0 && Date.now() - this.lastFailureAt < wait) {
      throw new BrokerCallError(
        'session',
        `not logged in to SmartAPI: the last login failed; trying again within ${Math.ceil(wait / 1000)} s`,
      );
    }
    return this.start(this.grant || stale ? 'session ended' : 'first use', { shared: true, stale });
  }

  /**
   * A call made with `stale` was told the session is gone: log in again, once for every call
   * that saw the same session end.
   */
  async renew(stale: SessionGrant, error: BrokerCallError): Promise<SessionGrant> {
    if (this.grant && this.grant !== stale) return this.grant;
    if (this.inFlight) return this.inFlight;
    this.grant = null;
    this.deps.onEvent({ kind: 'expired', error });
    return this.obtain(stale);
  }

  /** A fresh login now, whatever the state: connectAccount and the daily login use it. */
  async login(why: string): Promise<SessionGrant> {
    this.refusal = null;
    this.failures = 0;
    if (this.inFlight) await this.inFlight.catch(() => undefined);
    return this.start(why, { shared: false });
  }

  close(): void {
    this.closed = true;
    if (this.refreshTimer) clearTimeout(this.refreshTimer);
  }

  private start(why: string, how: { shared: boolean; stale?: SessionGrant }): Promise<SessionGrant> {
    const attempt = this.acquire(why, how).finally(() => {
      if (this.inFlight === attempt) this.inFlight = null;
    });
    this.inFlight = attempt;
    return attempt;
  }

  /**
   * A session from the store when `how.shared` allows one there, else a login made under the
   * client code's lock, looking in the store once more after waiting for it, then shared.
   */
  private async acquire(why: string, how: { shared: boolean; stale?: SessionGrant }): Promise<SessionGrant> {
    const { clientCode } = this.deps;
    if (how.shared) {
      const shared = await this.store.load(clientCode).catch(() => null);
      if (usableShared(shared, this.deps.clock.now(), how.stale)) return this.adoptShared(shared);
    }
    return this.store.withLoginLock(clientCode, async () => {
      const latest = await this.store.load(clientCode).catch(() => null);
      if (how.shared && usableShared(latest, this.deps.clock.now(), how.stale)) return this.adoptShared(latest);
      const grant = await this.loginOnce(why);
      await this.store.save(clientCode, grant).catch(() => undefined);
      return grant;
    });
  }

  /** A session another instance (or an earlier broker of this account) logged in with. */
  private adoptShared(grant: SessionGrant): SessionGrant {
    if (this.grant?.tokens.jwtToken === grant.tokens.jwtToken) return this.grant;
    this.grant = grant;
    this.refusal = null;
    this.failures = 0;
    this.scheduleRefresh(grant);
    this.deps.onEvent({ kind: 'logged-in', why: 'session shared by another instance', grant });
    this.deps.log.info(
      { clientCode: this.deps.clientCode, expiresAt: grant.expiresAt.toISOString() },
      'SmartAPI session taken from the shared store',
    );
    return grant;
  }

  private async loginOnce(why: string): Promise<SessionGrant> {
    this.deps.onEvent({ kind: 'logging-in', why });
    let credentials: SmartApiCredentials;
    try {
      credentials = await this.deps.credentials();
    } catch (error) {
      throw this.refuse(new BrokerCallError('session', error instanceof Error ? error.message : String(error)));
    }
    for (let attempt = 0; ; attempt += 1) {
      // Angel allows a login a second per client code, whichever instance makes it. The TOTP is
      // made once the turn has come, so it cannot run out while the login waits.
      const answer = await this.limiter.run(rateKey(this.deps.clientCode, 'login'), LOGIN_WINDOWS, async () => {
        let totp: string;
        try {
          totp = await generate({ secret: credentials.totpSecret });
        } catch (error) {
          throw this.refuse(
            new BrokerCallError(
              'session',
              `the stored TOTP secret cannot make a code (${error instanceof Error ? error.message : String(error)}): enter the base32 secret shown when TOTP was enabled`,
            ),
          );
        }
        return this.deps.auth.login({ clientCode: this.deps.clientCode, pin: credentials.pin, totp, apiKey: credentials.apiKey });
      });
      if (answer.ok && answer.tokens) return this.adopt(answer.tokens, credentials.apiKey, why);
      const error = answer.ok ? new BrokerCallError('unknown', 'SmartAPI login answered without tokens') : answer.error;
      if (error.outcome === 'rate_limited' && attempt < RATE_LIMIT_RETRIES) continue;
      if (error.outcome === 'rejected' && error.brokerCode && CREDENTIAL_CODES.has(error.brokerCode)) {
        throw this.refuse(new BrokerCallError('session', error.message, error.brokerCode));
      }
      this.failures += 1;
      this.lastFailureAt = Date.now();
      const failure = new BrokerCallError('session', `SmartAPI login failed: ${error.message}`, error.brokerCode);
      this.deps.onEvent({ kind: 'failed', error: failure });
      throw failure;
    }
  }

  private refuse(error: BrokerCallError): BrokerCallError {
    this.grant = null;
    this.refusal = error;
    this.deps.onEvent({ kind: 'refused', error });
    this.deps.log.warn({ clientCode: this.deps.clientCode, code: error.brokerCode, reason: error.message }, 'SmartAPI login refused');
    return error;
  }

  private adopt(tokens: SessionTokens, apiKey: string, why: string): SessionGrant {
    const loggedInAt = this.deps.clock.now();
    const grant: SessionGrant = { tokens, apiKey, loggedInAt, expiresAt: sessionExpiry(tokens.jwtToken, loggedInAt) };
    this.grant = grant;
    this.refusal = null;
    this.failures = 0;
    this.scheduleRefresh(grant);
    this.deps.onEvent({ kind: 'logged-in', why, grant });
    this.deps.log.info({ clientCode: this.deps.clientCode, why, expiresAt: grant.expiresAt.toISOString() }, 'SmartAPI login succeeded');
    return grant;
  }

  /**
   * A JWT that ends before the session's midnight is renewed with the refresh token a minute
   * ahead. At midnight the refresh token dies too: the next call logs in afresh.
   */
  private scheduleRefresh(grant: SessionGrant): void {
    if (this.refreshTimer) clearTimeout(this.refreshTimer);
    this.refreshTimer = null;
    if (this.closed || !grant.tokens.refreshToken) return;
    const delay = grant.expiresAt.getTime() - REFRESH_AHEAD_MS - this.deps.clock.now().getTime();
    const midnightBound = grant.expiresAt.getTime() >= sessionExpiry('', grant.loggedInAt).getTime();
    if (midnightBound || delay <= 0) return;
    this.refreshTimer = setTimeout(() => void this.refresh(grant), delay);
    this.refreshTimer.unref();
  }

  /** Under the client code's lock, so instances sharing the session refresh it once; the others take the result from the store. */
  private async refresh(grant: SessionGrant): Promise<void> {
    if (this.grant !== grant || this.inFlight || this.closed) return;
    const { clientCode } = this.deps;
    const failed = await this.store
      .withLoginLock(clientCode, async () => {
        const shared = await this.store.load(clientCode).catch(() => null);
        if (this.grant !== grant) return null;
        if (usableShared(shared, this.deps.clock.now(), grant)) {
          this.adoptShared(shared);
          return null;
        }
        const answer = await this.deps.auth.refresh(grant.apiKey, grant.tokens);
        if (this.grant !== grant) return null;
        if (answer.ok && answer.tokens) {
          const refreshed = this.adopt(answer.tokens, grant.apiKey, 'token refresh');
          await this.store.save(clientCode, refreshed).catch(() => undefined);
          return null;
        }
        return answer.ok ? 'no tokens' : answer.error.message;
      })
      .catch((error: unknown) => (error instanceof Error ? error.message : String(error)));
    if (failed === null) return;
    this.deps.log.warn({ clientCode, reason: failed }, 'SmartAPI token refresh failed; logging in again');
    await this.start('token refresh failed', { shared: true, stale: grant }).catch(() => undefined);
  }
}
