// SmartAPI sessions shared between brokers of one client code (instances, through Redis): the
// sealing of the stored value, which stored session may be used, and one login serving every
// session that shares the store. Redis itself is in tests/integration/smartapi-shared-session.test.ts.
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { deriveKeys } from '../../server/src/secrets/keys.ts';
import { BrokerCallError } from '../../server/src/brokers/port.ts';
import { readAnswer, type Answer } from '../../server/src/brokers/smartapi/answer.ts';
import type { LoginInput, SessionTokens, SmartApiAuthClient } from '../../server/src/brokers/smartapi/auth-client.ts';
import type { SessionGrant } from '../../server/src/brokers/smartapi/session-store.ts';
import { SmartApiSession } from '../../server/src/brokers/smartapi/session.ts';
import {
  InProcessSessionStore,
  RedisSessionStore,
  openGrant,
  sealGrant,
  usableShared,
  type SessionStore,
} from '../../server/src/brokers/smartapi/session-store.ts';
import { systemClock } from '../../server/src/core/clock.ts';
import { connectRedis } from '../../server/src/redis-client.ts';

const SECRET = 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP';
const keys = deriveKeys('a-secret-key-with-at-least-32-characters!!');
const HOUR = 3_600_000;

function grantOf(jwt: string, loggedInAt = new Date(), expiresAt = new Date(Date.now() + HOUR)): SessionGrant {
  return {
    tokens: { jwtToken: jwt, refreshToken: `refresh-of-${jwt}`, feedToken: `feed-of-${jwt}` },
    apiKey: 'key',
    loggedInAt,
    expiresAt,
  };
}

let issued = 0;
const ok = () => ({ ok: true as const, data: null, tokens: { jwtToken: `jwt-${++issued}-secret`, refreshToken: 'r', feedToken: 'f' } });

/** A SmartAPI login endpoint counting its logins; each takes `delayMs`. */
function fakeAuth(delayMs = 0) {
  const logins: LoginInput[] = [];
  const auth = {
    async login(input: LoginInput): Promise<Answer & { tokens?: SessionTokens }> {
      logins.push(input);
      await new Promise((resolve) => setTimeout(resolve, delayMs));
      return ok();
    },
    async refresh() {
      return readAnswer({}, 'generateTokens');
    },
  } as unknown as SmartApiAuthClient;
  return { auth, logins };
}

/** One instance's session of client code A1, on `store`. */
function instance(auth: SmartApiAuthClient, store: SessionStore, log = pino({ level: 'silent' })) {
  return new SmartApiSession({
    clientCode: 'A1',
    auth,
    clock: systemClock,
    log,
    store,
    credentials: async () => ({ apiKey: 'k', pin: '1234', totpSecret: SECRET }),
    onEvent: () => undefined,
  });
}

const ended = new BrokerCallError('session', 'Invalid Token', 'AG8001');

describe('a sealed shared session', () => {
  it('opens to the same grant with the same key and client code, and shows no token', () => {
    const grant = grantOf('eyJhbGciOiJIUzUxMiJ9.eyJzdWIiOiJBMSJ9.c2lnbmF0dXJl');
    const sealed = sealGrant(keys.sessions, 'A1', grant);
    for (const secret of [grant.tokens.jwtToken, 'eyJzdWIiOiJBMSJ9', grant.tokens.refreshToken, grant.tokens.feedToken])
      expect(sealed).not.toContain(secret);
    expect(openGrant(keys.sessions, 'A1', sealed)).toEqual(grant);
  });

  it('does not open under another client code, another key, or tampered', () => {
    const sealed = sealGrant(keys.sessions, 'A1', grantOf('jwt'));
    expect(openGrant(keys.sessions, 'B2', sealed)).toBeNull();
    expect(openGrant(keys.credentials, 'A1', sealed)).toBeNull();
    expect(openGrant(deriveKeys('another-secret-key-with-32-characters-or-more').sessions, 'A1', sealed)).toBeNull();
    const [iv, tag, body] = sealed.split('.');
    const flipped = `${body!.startsWith('A') ? 'B' : 'A'}${body!.slice(1)}`;
    expect(openGrant(keys.sessions, 'A1', [iv, tag, flipped].join('.'))).toBeNull();
    expect(openGrant(keys.sessions, 'A1', 'not-sealed')).toBeNull();
  });
});

describe('which shared session may be used', () => {
  const now = new Date();
  const earlier = new Date(now.getTime() - 60_000);

  it('one still valid, when there is no session just refused', () => {
    expect(usableShared(null, now)).toBe(false);
    expect(usableShared(grantOf('a', earlier, new Date(now.getTime() + 1)), now)).toBe(true);
    expect(usableShared(grantOf('a', earlier, now), now)).toBe(false);
  });

  it('after a refusal: another session, not older than the refused one', () => {
    const stale = grantOf('stale', earlier);
    expect(usableShared(grantOf('stale', earlier), now, stale)).toBe(false);
    expect(usableShared(grantOf('newer', now), now, stale)).toBe(true);
    expect(usableShared(grantOf('older', new Date(earlier.getTime() - 1)), now, stale)).toBe(false);
    expect(usableShared(grantOf('newer', now, now), now, stale)).toBe(false);
  });
});

describe('the in-process store', () => {
  it('forgets a session once it has expired', async () => {
    let at = new Date();
    const store = new InProcessSessionStore(() => at);
    await store.save('A1', grantOf('a', at, new Date(at.getTime() + 1000)));
    expect(await store.load('A1')).toMatchObject({ tokens: { jwtToken: 'a' } });
    expect(await store.load('B2')).toBeNull();
    at = new Date(at.getTime() + 1000);
    expect(await store.load('A1')).toBeNull();
  });

  it('runs one holder of a client code lock at a time, in order, and others alongside', async () => {
    const store = new InProcessSessionStore();
    const seen: string[] = [];
    const hold = (code: string, name: string, ms: number) =>
      store.withLoginLock(code, async () => {
        seen.push(`${name}+`);
        await new Promise((resolve) => setTimeout(resolve, ms));
        seen.push(`${name}-`);
        return name;
      });
    const failing = store.withLoginLock('A1', async () => {
      throw new Error('login failed');
    });
    const results = await Promise.all([
      failing.catch((error: Error) => error.message),
      hold('A1', 'a', 30),
      hold('A1', 'b', 1),
      hold('B2', 'c', 1),
    ]);
    expect(results).toEqual(['login failed', 'a', 'b', 'c']);
    expect(seen.indexOf('b+')).toBeGreaterThan(seen.indexOf('a-'));
    expect(seen.indexOf('c-')).toBeLessThan(seen.indexOf('a-'));
  });
});

describe('SmartAPI sessions sharing one store (two instances)', () => {
  it('log in once: the second takes the session the first obtained', async () => {
    const { auth, logins } = fakeAuth();
    const store = new InProcessSessionStore();
    const first = await instance(auth, store).current();
    const second = await instance(auth, store).current();
    expect(logins).toHaveLength(1);
    expect(second.tokens.jwtToken).toBe(first.tokens.jwtToken);
  });

  it('log in once when both need a session at the same moment: the waiter looks in the store again', async () => {
    const { auth, logins } = fakeAuth(50);
    const store = new InProcessSessionStore();
    const [a, b] = await Promise.all([instance(auth, store).current(), instance(auth, store).current()]);
    expect(logins).toHaveLength(1);
    expect(a.tokens.jwtToken).toBe(b.tokens.jwtToken);
  });

  it('log in once more when the session ends under both, whether one after the other or at once', async () => {
    const { auth, logins } = fakeAuth(20);
    const store = new InProcessSessionStore();
    const one = instance(auth, store);
    const two = instance(auth, store);
    const stale = await one.current();
    expect(await two.current()).toEqual(stale);

    const renewed = await one.renew(stale, ended);
    expect(renewed.tokens.jwtToken).not.toBe(stale.tokens.jwtToken);
    expect((await two.renew(await two.current(), ended)).tokens.jwtToken).toBe(renewed.tokens.jwtToken);
    expect(logins).toHaveLength(2);

    const [a, b] = await Promise.all([one.renew(renewed, ended), two.renew(renewed, ended)]);
    expect(a.tokens.jwtToken).toBe(b.tokens.jwtToken);
    expect(logins).toHaveLength(3);
  });

  it('log in afresh when asked to (connect, the daily login), sharing that session too', async () => {
    const { auth, logins } = fakeAuth();
    const store = new InProcessSessionStore();
    const one = instance(auth, store);
    const before = await one.current();
    const fresh = await one.login('connect');
    expect(fresh.tokens.jwtToken).not.toBe(before.tokens.jwtToken);
    expect((await instance(auth, store).current()).tokens.jwtToken).toBe(fresh.tokens.jwtToken);
    expect(logins).toHaveLength(2);
  });

  it('refresh a token that ends before midnight once between them, the other taking the result', async () => {
    const claims = Buffer.from(JSON.stringify({ exp: Math.floor(Date.now() / 1000) + 62 })).toString('base64url');
    const shortLived = `eyJhbGciOiJIUzUxMiJ9.${claims}.c2ln`;
    let refreshes = 0;
    const auth = {
      async login() {
        return { ok: true as const, data: null, tokens: { jwtToken: shortLived, refreshToken: 'refresh', feedToken: 'feed' } };
      },
      async refresh() {
        refreshes += 1;
        await new Promise((resolve) => setTimeout(resolve, 50));
        return {
          ok: true as const,
          data: null,
          tokens: { jwtToken: 'refreshed-until-midnight', refreshToken: 'refresh-2', feedToken: 'feed-2' },
        };
      },
    } as unknown as SmartApiAuthClient;
    const store = new InProcessSessionStore();
    const sessions = [instance(auth, store), instance(auth, store)];
    try {
      for (const s of sessions) expect((await s.current()).tokens.jwtToken).toBe(shortLived);
      await new Promise((resolve) => setTimeout(resolve, 3_000));
      expect(refreshes).toBe(1);
      for (const s of sessions) expect((await s.current()).tokens.jwtToken).toBe('refreshed-until-midnight');
    } finally {
      for (const s of sessions) s.close();
    }
  });

  it('log in on their own while Redis cannot be reached, saying so once and never naming a token', async () => {
    const lines: string[] = [];
    const log = pino({ level: 'info' }, { write: (line: string) => void lines.push(line) });
    const unreachable = await connectRedis('redis://127.0.0.1:1', 100);
    try {
      const store = new RedisSessionStore({ redis: unreachable, prefix: 'tandem-test:', key: keys.sessions, log });
      const { auth, logins } = fakeAuth();
      const one = instance(auth, store, log);
      const started = Date.now();
      const grant = await one.current();
      const again = await one.renew(grant, ended);
      expect(Date.now() - started).toBeLessThan(5_000);
      expect(logins).toHaveLength(2);
      const warnings = lines.filter((line) => line.includes('shared SmartAPI sessions unreachable'));
      expect(warnings).toHaveLength(1);
      for (const token of [grant.tokens.jwtToken, again.tokens.jwtToken]) expect(lines.join('\n')).not.toContain(token);
    } finally {
      unreachable.disconnect();
    }
  });
});
