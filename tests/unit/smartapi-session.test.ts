import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { readAnswer, type Answer } from '../../server/src/brokers/smartapi/answer.ts';
import type { LoginInput, SessionTokens, SmartApiAuthClient } from '../../server/src/brokers/smartapi/auth-client.ts';
import { SmartApiSession, type SessionEvent } from '../../server/src/brokers/smartapi/session.ts';
import { BrokerCallError } from '../../server/src/brokers/port.ts';
import { systemClock } from '../../server/src/core/clock.ts';

const SECRET = 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP';

/** A SmartAPI login endpoint that answers from a script and counts what it was asked. */
function fakeAuth(answers: Array<() => Answer & { tokens?: SessionTokens }>) {
  const logins: LoginInput[] = [];
  const auth = {
    async login(input: LoginInput) {
      logins.push(input);
      return (answers.shift() ?? answers.at(-1) ?? ok)();
    },
    async refresh() {
      return readAnswer({}, 'generateTokens');
    },
  } as unknown as SmartApiAuthClient;
  return { auth, logins };
}

let issued = 0;
const ok = () => ({ ok: true as const, data: null, tokens: { jwtToken: `jwt-${++issued}`, refreshToken: 'r', feedToken: 'f' } });
const refusedTotp = () => readAnswer({ status: false, message: 'Invalid totp', errorcode: 'AB1050', data: null }, 'login');

function session(auth: SmartApiAuthClient, totpSecret = SECRET) {
  const events: SessionEvent['kind'][] = [];
  const s = new SmartApiSession({
    clientCode: 'A1',
    auth,
    clock: systemClock,
    log: pino({ level: 'silent' }),
    credentials: async () => ({ apiKey: 'k', pin: '1234', totpSecret }),
    onEvent: (event) => void events.push(event.kind),
  });
  return { session: s, events };
}

describe('a SmartAPI session', () => {
  it('logs in with a fresh six-digit TOTP and reuses the session', async () => {
    const { auth, logins } = fakeAuth([ok]);
    const { session: s, events } = session(auth);
    const grant = await s.current();
    expect(await s.current()).toBe(grant);
    expect(logins).toHaveLength(1);
    expect(logins[0]).toMatchObject({ clientCode: 'A1', pin: '1234', apiKey: 'k' });
    expect(logins[0]!.totp).toMatch(/^\d{6}$/);
    expect(events).toEqual(['logging-in', 'logged-in']);
  });

  it('does not try a refused TOTP again on its own, only when asked to log in', async () => {
    const { auth, logins } = fakeAuth([refusedTotp, refusedTotp, ok]);
    const { session: s, events } = session(auth);
    await expect(s.current()).rejects.toMatchObject({ outcome: 'session', brokerCode: 'AB1050' });
    await expect(s.current()).rejects.toBeInstanceOf(BrokerCallError);
    expect(logins).toHaveLength(1);
    expect(events).toEqual(['logging-in', 'refused']);
    await expect(s.login('connect')).rejects.toMatchObject({ brokerCode: 'AB1050' });
    await expect(s.login('connect')).resolves.toMatchObject({ tokens: { feedToken: 'f' } });
    expect(logins).toHaveLength(3);
  });

  it('refuses a TOTP secret too short to make a code, without calling SmartAPI', async () => {
    const { auth, logins } = fakeAuth([ok]);
    const { session: s } = session(auth, 'JBSWY3DPEHPK3PXPJBSWY3DP');
    await expect(s.current()).rejects.toThrow(/stored TOTP secret cannot make a code/);
    expect(logins).toHaveLength(0);
  });

  it('logs in once for every call that saw the same session end', async () => {
    const { auth, logins } = fakeAuth([ok, ok]);
    const { session: s } = session(auth);
    const stale = await s.current();
    const ended = new BrokerCallError('session', 'Invalid Token', 'AG8001');
    const [a, b] = await Promise.all([s.renew(stale, ended), s.renew(stale, ended)]);
    expect(a).toBe(b);
    expect(a).not.toBe(stale);
    expect(logins).toHaveLength(2);
  });
});
