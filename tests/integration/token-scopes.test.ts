// Regressions for what an attacker did with a token and a CLIENT session before scopes were
// enforced: an ADMIN's ORDERS_READ token ran the admin's whole console, and a CLIENT read the
// master their account follows through `multipliers`. Each is refused now and changes nothing.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Account, ApiToken, AuditEntry, Multiplier, User } from '../../server/src/persistence/entities/index.ts';
import { ok } from '../support/gql.ts';
import { startTestServer, type GraphQLResponse, type TestServer } from '../support/harness.ts';
import { capturedLog } from '../support/log-capture.ts';

const PASSWORD = 'a-long-password-1';
let server: TestServer;
let adminToken: string;
let readOnly: string;
let otherTokenId: string;
let masterId: string;
let linkId: string;
const captured = capturedLog('info');
const logLines = captured.lines;

async function createToken(session: string, name: string, scopes: string[]): Promise<{ token: string; id: string }> {
  const { createApiToken } = ok(
    await server.gql<{ createApiToken: { token: string; apiToken: { id: string } } }>(
      'mutation($n: String!, $s: [ApiTokenScope!]!) { createApiToken(name: $n, scopes: $s) { token apiToken { id } } }',
      { n: name, s: scopes },
      session,
    ),
  );
  return { token: createApiToken.token, id: createApiToken.apiToken.id };
}

function refusedFor(response: GraphQLResponse, extension: Record<string, string>): void {
  expect(response.errors?.[0]?.extensions, JSON.stringify(response)).toMatchObject({ code: 'FORBIDDEN', ...extension });
  expect(Object.values(response.data ?? {}).every((value) => value === null)).toBe(true);
}

beforeAll(async () => {
  server = await startTestServer({ log: captured.log });
  adminToken = await server.login();
  readOnly = (await createToken(adminToken, 'wallboard', ['ORDERS_READ'])).token;
  otherTokenId = (await createToken(adminToken, 'algo', ['ORDERS_WRITE'])).id;
  masterId = (await server.account('DEMO-MASTER')).id;
  ok(
    await server.gql(
      'mutation($i: PlaceOrderInput!) { placeOrder(input: $i) { id } }',
      {
        i: {
          accountId: (await server.account('DEMO-F1')).id,
          exchange: 'NSE',
          symbol: 'SBIN-EQ',
          side: 'BUY',
          quantity: 1,
          orderType: 'MARKET',
          productType: 'INTRADAY',
        },
      },
      adminToken,
    ),
  );
  linkId = (
    await server.tandem.services.orm.em.fork().findOneOrFail(Multiplier, { masterId, followerId: (await server.account('DEMO-F1')).id })
  ).id;
});
afterAll(async () => server?.close());

describe("an ADMIN's token with only ORDERS_READ", () => {
  it('cannot engage the global kill switch (a session is required)', async () => {
    refusedFor(await server.gql('mutation { setKillSwitch(accountId: null, engaged: true) { engaged } }', {}, readOnly), {
      requiredCredential: 'SESSION',
    });
    expect(ok(await server.gql<{ globalKillSwitch: boolean }>('{ globalKillSwitch }', {}, adminToken)).globalKillSwitch).toBe(false);
  });

  it('cannot create an ADMIN, who therefore cannot sign in', async () => {
    refusedFor(
      await server.gql(
        'mutation { createUser(email: "mallory@test.local", password: "a-long-password-1", role: ADMIN) { id } }',
        {},
        readOnly,
      ),
      { requiredCredential: 'SESSION' },
    );
    expect(await server.tandem.services.orm.em.fork().count(User, { email: 'mallory@test.local' })).toBe(0);
    const login = await server.gql('mutation { login(email: "mallory@test.local", password: "a-long-password-1") { token } }');
    expect(login.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });

  it('cannot create or delete accounts (ACCOUNTS_WRITE is required)', async () => {
    const before = await server.tandem.services.orm.em.fork().count(Account, {});
    refusedFor(
      await server.gql(
        'mutation { createAccount(input: { label: "Evil", broker: PAPER, role: FOLLOWER, clientCode: "EVIL-1" }) { id } }',
        {},
        readOnly,
      ),
      { requiredScope: 'ACCOUNTS_WRITE' },
    );
    const spare = ok(
      await server.gql<{ createAccount: { id: string } }>(
        'mutation { createAccount(input: { label: "Spare", broker: PAPER, role: FOLLOWER, clientCode: "SPARE-1" }) { id } }',
        {},
        adminToken,
      ),
    ).createAccount.id;
    refusedFor(await server.gql('mutation($id: ID!) { deleteAccount(id: $id) }', { id: spare }, readOnly), {
      requiredScope: 'ACCOUNTS_WRITE',
    });
    expect(await server.tandem.services.orm.em.fork().count(Account, {})).toBe(before + 1);
  });

  it('cannot change a multiplier to factor 50', async () => {
    const before = (await server.tandem.services.orm.em.fork().findOneOrFail(Multiplier, { id: linkId })).factor;
    refusedFor(
      await server.gql('mutation($id: ID!) { updateMultiplier(id: $id, input: { factor: 50 }) { id } }', { id: linkId }, readOnly),
      { requiredScope: 'ACCOUNTS_WRITE' },
    );
    expect((await server.tandem.services.orm.em.fork().findOneOrFail(Multiplier, { id: linkId })).factor).toBe(before);
  });

  it('cannot revoke another token', async () => {
    refusedFor(await server.gql('mutation($id: ID!) { revokeApiToken(id: $id) { id } }', { id: otherTokenId }, readOnly), {
      requiredCredential: 'SESSION',
    });
    expect((await server.tandem.services.orm.em.fork().findOneOrFail(ApiToken, { id: otherTokenId })).revokedAt).toBeNull();
  });

  it('reads orders but not the account behind them, nor its owner', async () => {
    const answer = await server.gql<{ orders: { edges: { node: { accountId: string; account: unknown } }[] } }>(
      '{ orders(first: 5) { edges { node { accountId account { label owner { email } } } } } }',
      {},
      readOnly,
    );
    expect(answer.data?.orders.edges.length).toBeGreaterThan(0);
    expect(answer.data?.orders.edges.every((edge) => edge.node.accountId && edge.node.account === null)).toBe(true);
    expect(answer.errors?.[0]?.extensions).toMatchObject({ code: 'FORBIDDEN', requiredScope: 'ACCOUNTS_READ' });
    expect(JSON.stringify(answer)).not.toContain('admin@test.local');
  });
});

describe('a token acting within its scopes', () => {
  it('is named in the audit trail and the log, and the change is made', async () => {
    const writer = await createToken(adminToken, 'ops-bot', ['ACCOUNTS_WRITE']);
    ok(await server.gql('mutation($id: ID!) { setKillSwitch(accountId: $id, engaged: true) { engaged } }', { id: masterId }, writer.token));
    ok(await server.gql('mutation($id: ID!) { setKillSwitch(accountId: $id, engaged: false) { engaged } }', { id: masterId }, adminToken));
    const entries = await server.tandem.services.orm.em
      .fork()
      .find(AuditEntry, { entityId: masterId, action: { $like: 'killSwitch.%' } }, { orderBy: { createdAt: 'asc' } });
    expect(entries.map((e) => [e.action, e.apiTokenId, e.apiTokenName])).toEqual([
      ['killSwitch.engage', writer.id, 'ops-bot'],
      ['killSwitch.release', null, null],
    ]);
    // Every mutation is logged with who asked, refused ones too (the read-only token's tries above): the last two are these.
    const logged = logLines
      .filter((line) => line.msg === 'mutation' && (line.mutation as string[] | undefined)?.[0] === 'setKillSwitch')
      .map((line) => line.actor)
      .slice(-2);
    expect(logged).toEqual([
      expect.objectContaining({ apiTokenId: writer.id, apiTokenName: 'ops-bot' }),
      expect.not.objectContaining({ apiTokenId: expect.anything() }),
    ]);
    expect(logLines.filter((line) => line.msg === 'account kill switch changed').map((line) => line.by)).toEqual([
      expect.objectContaining({ apiTokenId: writer.id, apiTokenName: 'ops-bot' }),
      expect.not.objectContaining({ apiTokenId: expect.anything() }),
    ]);
  });
});

describe('a subscription that lives while accounts change', () => {
  it('resolves each event afresh: an account renamed meanwhile shows its new label', async () => {
    const follower = (await server.account('DEMO-F1')).id;
    const abort = new AbortController();
    const response = await server.yoga.fetch('http://test/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'text/event-stream', authorization: `Bearer ${adminToken}` },
      body: JSON.stringify({ query: `subscription { orderEvents(accountId: "${follower}") { kind order { account { label } } } }` }),
      signal: abort.signal,
    });
    const reader = response.body!.getReader();
    const decoder = new TextDecoder();
    let text = '';
    const labelsOfCreated = async (count: number): Promise<string[]> => {
      for (;;) {
        const labels = [...text.matchAll(/data: (\{.*\})/g)]
          .map((m) => JSON.parse(m[1]!).data.orderEvents)
          .filter((e: { kind: string }) => e.kind === 'CREATED')
          .map((e: { order: { account: { label: string } } }) => e.order.account.label);
        if (labels.length >= count) return labels;
        const { value, done } = await reader.read();
        if (done) throw new Error(`stream ended: ${text}`);
        text += decoder.decode(value, { stream: true });
      }
    };
    const place = () =>
      server.gql(
        'mutation($i: PlaceOrderInput!) { placeOrder(input: $i) { id } }',
        {
          i: {
            accountId: follower,
            exchange: 'NSE',
            symbol: 'SBIN-EQ',
            side: 'BUY',
            quantity: 1,
            orderType: 'MARKET',
            productType: 'INTRADAY',
          },
        },
        adminToken,
      );
    try {
      const before = (await server.account('DEMO-F1')).label;
      ok(await place());
      expect(await labelsOfCreated(1)).toEqual([before]);
      ok(
        await server.gql(
          'mutation($id: ID!) { updateAccount(id: $id, input: { label: "Renamed follower" }) { id } }',
          { id: follower },
          adminToken,
        ),
      );
      ok(await place());
      expect(await labelsOfCreated(2)).toEqual([before, 'Renamed follower']);
    } finally {
      abort.abort();
    }
  });
});

describe('a CLIENT and the master their account follows', () => {
  it('sees the link and its own follower, but the master is null and nothing of it leaks', async () => {
    ok(
      await server.gql(
        'mutation { createUser(email: "client@test.local", password: "a-long-password-1", role: CLIENT) { id } }',
        {},
        adminToken,
      ),
    );
    const client = await server.tandem.services.orm.em.fork().findOneOrFail(User, { email: 'client@test.local' });
    const follower = ok(
      await server.gql<{ createAccount: { id: string } }>(
        'mutation($o: ID!) { createAccount(input: { label: "Client F", broker: PAPER, role: FOLLOWER, clientCode: "CLIENT-F", ownerId: $o }) { id } }',
        { o: client.id },
        adminToken,
      ),
    ).createAccount.id;
    ok(
      await server.gql(
        'mutation($m: ID!, $f: ID!) { createMultiplier(input: { masterId: $m, followerId: $f, factor: 1 }) { id } }',
        { m: masterId, f: follower },
        adminToken,
      ),
    );
    const session = await server.login('client@test.local', PASSWORD);
    const answer = await server.gql<{ multipliers: { masterId: string; master: unknown; follower: { id: string } }[] }>(
      '{ multipliers { masterId master { label clientCode owner { email } } follower { id } } }',
      {},
      session,
    );
    expect(answer.errors).toBeUndefined();
    expect(answer.data?.multipliers).toEqual([{ masterId, master: null, follower: { id: follower } }]);
    expect(JSON.stringify(answer)).not.toMatch(/DEMO-MASTER|Demo master|admin@test\.local/);
    const direct = await server.gql('query($id: ID!) { account(id: $id) { label } }', { id: masterId }, session);
    expect(direct.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
  });
});
