import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../server/src/core/clock.ts';
import { dropRedisKeys } from '../support/scratch-redis.ts';
import { redisUrl, scratchDatabase, usingPostgres } from '../support/database.ts';
import { ADMIN, startTestServer, type TestServer } from '../support/harness.ts';
import { listen, type Listening } from '../support/listening.ts';

const LOGIN = 'mutation($e: String!, $p: String!) { login(email: $e, password: $p) { token } }';
const CREATE_USER = 'mutation($e: String!, $p: String!) { createUser(email: $e, password: $p, role: TRADER) { id } }';
const PASSWORD = 'the-right-password-1';
const WRONG = 'a-wrong-password-1';

interface SignIn {
  token: string | null;
  code: string | null;
  retryAfterSeconds: number | undefined;
  /** The Retry-After response header. */
  retryAfter: string | null;
}

/** Where a request comes from: the socket's peer and the X-Forwarded-For it carries. */
type From = { peer: string; forwardedFor?: string };

async function readSignIn(response: Response): Promise<SignIn> {
  const body = (await response.json()) as {
    data?: { login?: { token: string } } | null;
    errors?: { extensions?: Record<string, unknown> }[];
  };
  const error = body.errors?.[0];
  return {
    token: body.data?.login?.token ?? null,
    code: (error?.extensions?.code as string | undefined) ?? null,
    retryAfterSeconds: error?.extensions?.retryAfterSeconds as number | undefined,
    retryAfter: response.headers.get('retry-after'),
  };
}

function request(email: string, password: string, forwardedFor?: string): RequestInit {
  return {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(forwardedFor ? { 'x-forwarded-for': forwardedFor } : {}) },
    body: JSON.stringify({ query: LOGIN, variables: { e: email, p: password } }),
  };
}

/** In process, as http-server.ts hands a request to Yoga: with the socket's peer address. */
async function signIn(server: TestServer, email: string, password: string, from: From): Promise<SignIn> {
  return readSignIn(await server.yoga.fetch('http://test/graphql', request(email, password, from.forwardedFor), { clientIp: from.peer }));
}

async function createUsers(server: TestServer, ...emails: string[]): Promise<void> {
  const token = await server.login();
  for (const email of emails) {
    const created = await server.gql(CREATE_USER, { e: email, p: PASSWORD }, token);
    expect(created.errors, JSON.stringify(created.errors)).toBeUndefined();
  }
}

describe('sign-in limiting over the API', () => {
  const clock = new ManualClock(new Date());
  let server: TestServer;
  let http: Listening;

  beforeAll(async () => {
    // 127.0.0.1 is the proxy in front of the real socket below.
    server = await startTestServer({ clock, env: { ROLE: 'api', TRUSTED_PROXIES: '10.0.0.0/8, 127.0.0.1' } });
    await createUsers(
      server,
      'owner@test.local',
      'trader@test.local',
      'colleague@test.local',
      'spoofed@test.local',
      'proxied@test.local',
      'socket@test.local',
    );
    // Listening as a deployment does, the proxy's address arrives as ::ffff:127.0.0.1.
    http = await listen(server, { everyInterface: true });
  });
  afterAll(async () => {
    await http?.close();
    await server?.close();
  });

  it('lets the admin in with the right password from an address that failed twenty-five times on other emails', async () => {
    const office = { peer: '198.51.100.20' };
    for (let attempt = 1; attempt <= 5; attempt++)
      expect((await signIn(server, 'colleague@test.local', WRONG, office)).code).toBe('UNAUTHENTICATED');
    expect((await signIn(server, 'colleague@test.local', PASSWORD, office)).code).toBe('RATE_LIMITED');
    for (let n = 1; n <= 20; n++) expect((await signIn(server, `guess-${n}@test.local`, WRONG, office)).code).toBe('UNAUTHENTICATED');

    expect((await signIn(server, ADMIN.email, ADMIN.password, office)).token).toBeTruthy();
  });

  it('holds an email attacked from many addresses back 30 s at most: its owner signs in after the wait', async () => {
    const waits: number[] = [];
    for (let n = 1; n <= 30; n++) {
      const attacker = { peer: `203.0.113.${n}` };
      let answer = await signIn(server, 'owner@test.local', WRONG, attacker);
      if (answer.code === 'RATE_LIMITED') {
        waits.push(answer.retryAfterSeconds!);
        clock.advance(answer.retryAfterSeconds! * 1000);
        answer = await signIn(server, 'owner@test.local', WRONG, attacker);
      }
      expect(answer.code).toBe('UNAUTHENTICATED');
    }
    expect(Math.max(...waits)).toBe(30);

    const owner = { peer: '192.0.2.10' };
    const held = await signIn(server, 'owner@test.local', PASSWORD, owner);
    expect(held.code).toBe('RATE_LIMITED');
    expect(held.retryAfterSeconds).toBeLessThanOrEqual(30);
    clock.advance(held.retryAfterSeconds! * 1000);
    // An attacker fails at the very moment the wait ends; the owner still gets their turn.
    expect((await signIn(server, 'owner@test.local', WRONG, { peer: '203.0.113.1' })).code).toBe('UNAUTHENTICATED');
    expect((await signIn(server, 'owner@test.local', PASSWORD, owner)).token).toBeTruthy();
  });

  it('says when to come back in extensions.retryAfterSeconds and a Retry-After header, doubling the wait', async () => {
    const from = { peer: '198.51.100.30' };
    for (let attempt = 1; attempt <= 5; attempt++) {
      const answer = await signIn(server, 'trader@test.local', WRONG, from);
      expect(answer).toMatchObject({ code: 'UNAUTHENTICATED', retryAfter: null });
    }
    expect(await signIn(server, 'trader@test.local', PASSWORD, from)).toMatchObject({
      code: 'RATE_LIMITED',
      retryAfterSeconds: 1,
      retryAfter: '1',
      token: null,
    });
    clock.advance(1_000);
    expect((await signIn(server, 'trader@test.local', WRONG, from)).code).toBe('UNAUTHENTICATED');
    expect(await signIn(server, 'trader@test.local', PASSWORD, from)).toMatchObject({
      code: 'RATE_LIMITED',
      retryAfterSeconds: 2,
      retryAfter: '2',
    });
    clock.advance(2_000);
    expect((await signIn(server, 'trader@test.local', PASSWORD, from)).token).toBeTruthy();
  });

  it('ignores X-Forwarded-For from a peer that is not a trusted proxy', async () => {
    const peer = '198.51.100.40';
    for (let n = 1; n <= 5; n++) {
      expect((await signIn(server, 'spoofed@test.local', WRONG, { peer, forwardedFor: `203.0.113.${100 + n}` })).code).toBe(
        'UNAUTHENTICATED',
      );
    }
    // Every guess counted against the peer, whatever address it claimed.
    expect((await signIn(server, 'spoofed@test.local', PASSWORD, { peer, forwardedFor: '203.0.113.200' })).code).toBe('RATE_LIMITED');
  });

  it('believes the right-most X-Forwarded-For entry from a trusted proxy, not what the client wrote to its left', async () => {
    const proxy = '10.0.0.5';
    for (let n = 1; n <= 5; n++) {
      expect((await signIn(server, 'proxied@test.local', WRONG, { peer: proxy, forwardedFor: `6.6.6.${n}, 203.0.113.150` })).code).toBe(
        'UNAUTHENTICATED',
      );
    }
    expect((await signIn(server, 'proxied@test.local', PASSWORD, { peer: proxy, forwardedFor: '203.0.113.150' })).code).toBe(
      'RATE_LIMITED',
    );
    // Another client behind the same proxy is not held back.
    expect((await signIn(server, 'proxied@test.local', PASSWORD, { peer: proxy, forwardedFor: '203.0.113.151' })).token).toBeTruthy();
  });

  it('does the same through a real socket from a trusted proxy, Retry-After header and all', async () => {
    const viaSocket = async (password: string, forwardedFor: string) =>
      readSignIn(await fetch(http.graphql, request('socket@test.local', password, forwardedFor)));
    for (let n = 1; n <= 5; n++) expect((await viaSocket(WRONG, '203.0.113.160')).code).toBe('UNAUTHENTICATED');
    expect(await viaSocket(PASSWORD, '203.0.113.160')).toMatchObject({ code: 'RATE_LIMITED', retryAfter: '1' });
    expect((await viaSocket(PASSWORD, '203.0.113.161')).token).toBeTruthy();
  });
});

describe.skipIf(!redisUrl)(
  'sign-in limiting across instances (skipped: REDIS_URL is not set, and instances share failures only through Redis)',
  () => {
    const clock = new ManualClock(new Date());
    const redisPrefix = `tandem-test-${randomBytes(4).toString('hex')}:`;
    let database: Awaited<ReturnType<typeof scratchDatabase>> | undefined;
    let first: TestServer;
    let second: TestServer;

    beforeAll(async () => {
      // PGlite cannot be opened by two instances at once; then each has its own (with the same admin).
      database = usingPostgres ? await scratchDatabase() : undefined;
      first = await startTestServer({ clock, database, redisPrefix, env: { ROLE: 'api' } });
      second = await startTestServer({ clock, database, redisPrefix, env: { ROLE: 'api' } });
    });
    afterAll(async () => {
      await first?.close();
      await second?.close();
      await database?.drop();
      await dropRedisKeys(redisUrl!, redisPrefix);
    });

    it('holds back on one instance the guesses made on the other, and a sign-in on one clears both', async () => {
      const from = { peer: '198.51.100.50' };
      for (let attempt = 1; attempt <= 5; attempt++) expect((await signIn(first, ADMIN.email, WRONG, from)).code).toBe('UNAUTHENTICATED');
      expect(await signIn(second, ADMIN.email, ADMIN.password, from)).toMatchObject({ code: 'RATE_LIMITED', retryAfterSeconds: 1 });
      clock.advance(1_000);
      expect((await signIn(second, ADMIN.email, ADMIN.password, from)).token).toBeTruthy();

      for (let attempt = 1; attempt <= 5; attempt++) expect((await signIn(first, ADMIN.email, WRONG, from)).code).toBe('UNAUTHENTICATED');
      expect((await signIn(second, ADMIN.email, WRONG, from)).code).toBe('RATE_LIMITED');
    });
  },
);
