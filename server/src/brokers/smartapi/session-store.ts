// Where SmartAPI sessions are kept so that several Tandem instances trading for one client
// code share one login (README, "SmartAPI"): Angel may end older sessions on a new login and
// allows about one login a second. In one process the store is a map; across instances it is
// Redis, the tokens sealed with AES-256-GCM (they are secrets), each under its client code with
// an expiry at the session's end, and logins serialised per client code by a short lock.
// Redis failing never stops trading: the instance then logs in on its own, and says so once.
import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { open, seal } from '../../secrets/keys.ts';
import type { SessionTokens } from './auth-client.ts';

/** A logged-in SmartAPI session: what the store keeps and every call sends. */
export interface SessionGrant {
  tokens: SessionTokens;
  apiKey: string;
  loggedInAt: Date;
  expiresAt: Date;
}

export interface SessionStore {
  /** The session last saved for this client code, while it is still valid; null when none (or the store cannot answer). */
  load(clientCode: string): Promise<SessionGrant | null>;
  /** Shares a session obtained by a login or a token refresh. Never throws. */
  save(clientCode: string, grant: SessionGrant): Promise<void>;
  /** Runs `fn` while no other holder of this client code's lock runs its own (best effort: never throws for the lock). */
  withLoginLock<T>(clientCode: string, fn: () => Promise<T>): Promise<T>;
}

/**
 * Whether a session found in the store may be used instead of logging in: it is still valid
 * and, when a call was just refused with `stale`, it is another session, not older than it.
 */
export function usableShared(shared: SessionGrant | null, now: Date, stale?: SessionGrant): shared is SessionGrant {
  if (!shared || shared.expiresAt.getTime() <= now.getTime()) return false;
  if (!stale) return true;
  return shared.tokens.jwtToken !== stale.tokens.jwtToken && shared.loggedInAt.getTime() >= stale.loggedInAt.getTime();
}

interface SealedGrant {
  clientCode: string;
  jwtToken: string;
  refreshToken: string;
  feedToken: string;
  apiKey: string;
  loggedInAt: string;
  expiresAt: string;
}

/** The grant sealed for the store; the client code goes inside, so a value moved to another key does not open as that client's. */
export function sealGrant(key: Buffer, clientCode: string, grant: SessionGrant): string {
  const body: SealedGrant = {
    clientCode,
    ...grant.tokens,
    apiKey: grant.apiKey,
    loggedInAt: grant.loggedInAt.toISOString(),
    expiresAt: grant.expiresAt.toISOString(),
  };
  return seal(key, JSON.stringify(body));
}

/** The grant back from its sealed form; null when it cannot be opened (another SECRET_KEY, tampered, another client's). */
export function openGrant(key: Buffer, clientCode: string, sealed: string): SessionGrant | null {
  let body: Partial<SealedGrant>;
  try {
    body = JSON.parse(open(key, sealed)) as Partial<SealedGrant>;
  } catch {
    return null;
  }
  if (body.clientCode !== clientCode || typeof body.jwtToken !== 'string' || !body.jwtToken || typeof body.apiKey !== 'string') return null;
  const loggedInAt = new Date(body.loggedInAt ?? '');
  const expiresAt = new Date(body.expiresAt ?? '');
  if (Number.isNaN(loggedInAt.getTime()) || Number.isNaN(expiresAt.getTime())) return null;
  return {
    tokens: { jwtToken: body.jwtToken, refreshToken: body.refreshToken ?? '', feedToken: body.feedToken ?? '' },
    apiKey: body.apiKey,
    loggedInAt,
    expiresAt,
  };
}

/** One process's sessions (the default, and what a single instance needs): a map and a per-client-code queue. */
export class InProcessSessionStore implements SessionStore {
  private readonly grants = new Map<string, SessionGrant>();
  private readonly locks = new Map<string, Promise<unknown>>();

  constructor(private readonly now: () => Date = () => new Date()) {}

  async load(clientCode: string): Promise<SessionGrant | null> {
    const grant = this.grants.get(clientCode);
    return grant && grant.expiresAt.getTime() > this.now().getTime() ? grant : null;
  }

  async save(clientCode: string, grant: SessionGrant): Promise<void> {
    this.grants.set(clientCode, grant);
  }

  withLoginLock<T>(clientCode: string, fn: () => Promise<T>): Promise<T> {
    const before = this.locks.get(clientCode) ?? Promise.resolve();
    const run = before.catch(() => undefined).then(fn);
    const tail = run.catch(() => undefined);
    this.locks.set(clientCode, tail);
    void tail.then(() => {
      if (this.locks.get(clientCode) === tail) this.locks.delete(clientCode);
    });
    return run;
  }
}

export interface RedisSessionStoreOptions {
  redis: Redis;
  /** Key prefix, e.g. `tandem:`: sessions go under `${prefix}smartapi-session:<clientCode>`. */
  prefix: string;
  /** The key that seals the tokens (services.keys.sessions). */
  key: Buffer;
  log: Logger;
  now?: () => Date;
  /** How long a login may hold the lock before another instance may log in (default 15 s). */
  lockMs?: number;
  /** How often a waiter tries the lock again (default 100 ms). */
  pollMs?: number;
}

// Deletes the lock only when this holder still has it (it may have expired and been taken).
const RELEASE = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0`;

type RedisWithRelease = Redis & { tandemReleaseLock(key: string, token: string): Promise<number> };

/** Sessions shared by every instance through Redis, sealed. */
export class RedisSessionStore implements SessionStore {
  private readonly redis: RedisWithRelease;
  private readonly lockMs: number;
  private readonly pollMs: number;
  private readonly now: () => Date;
  private degraded = false;

  constructor(private readonly options: RedisSessionStoreOptions) {
    this.redis = options.redis as RedisWithRelease;
    if (typeof this.redis.tandemReleaseLock !== 'function')
      this.redis.defineCommand('tandemReleaseLock', { numberOfKeys: 1, lua: RELEASE });
    this.lockMs = options.lockMs ?? 15_000;
    this.pollMs = options.pollMs ?? 100;
    this.now = options.now ?? (() => new Date());
  }

  sessionKey(clientCode: string): string {
    return `${this.options.prefix}smartapi-session:${clientCode}`;
  }

  lockKey(clientCode: string): string {
    return `${this.options.prefix}smartapi-session-lock:${clientCode}`;
  }

  async load(clientCode: string): Promise<SessionGrant | null> {
    let sealed: string | null;
    try {
      sealed = await this.redis.get(this.sessionKey(clientCode));
      this.reachable();
    } catch (error) {
      this.unreachable(error, clientCode);
      return null;
    }
    if (!sealed) return null;
    const grant = openGrant(this.options.key, clientCode, sealed);
    if (!grant) {
      this.options.log.warn({ clientCode }, 'a shared SmartAPI session cannot be opened with this SECRET_KEY; logging in instead');
      return null;
    }
    return grant.expiresAt.getTime() > this.now().getTime() ? grant : null;
  }

  async save(clientCode: string, grant: SessionGrant): Promise<void> {
    const ttl = grant.expiresAt.getTime() - this.now().getTime();
    if (ttl <= 0) return;
    try {
      await this.redis.set(this.sessionKey(clientCode), sealGrant(this.options.key, clientCode, grant), 'PX', ttl);
      this.reachable();
    } catch (error) {
      this.unreachable(error, clientCode);
    }
  }

  async withLoginLock<T>(clientCode: string, fn: () => Promise<T>): Promise<T> {
    const key = this.lockKey(clientCode);
    const token = randomBytes(12).toString('hex');
    // Past this the holder's lock has expired anyway: go ahead rather than wait on.
    const deadline = Date.now() + this.lockMs + 1_000;
    let held = false;
    for (;;) {
      try {
        held = (await this.redis.set(key, token, 'PX', this.lockMs, 'NX')) === 'OK';
        this.reachable();
      } catch (error) {
        this.unreachable(error, clientCode);
        break;
      }
      if (held || Date.now() >= deadline) break;
      await sleep(this.pollMs);
    }
    try {
      return await fn();
    } finally {
      if (held) {
        await this.redis.tandemReleaseLock(key, token).catch(() => undefined); // it expires on its own
      }
    }
  }

  private reachable(): void {
    if (!this.degraded) return;
    this.degraded = false;
    this.options.log.info('shared SmartAPI sessions reachable again');
  }

  private unreachable(error: unknown, clientCode: string): void {
    if (this.degraded) return;
    this.degraded = true;
    // The message only: a Redis error may carry the command's arguments.
    this.options.log.warn(
      { clientCode, reason: error instanceof Error ? error.message : String(error) },
      'shared SmartAPI sessions unreachable in Redis; this instance logs in on its own meanwhile',
    );
  }
}
