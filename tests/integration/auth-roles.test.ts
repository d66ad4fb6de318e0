import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../server/src/core/clock.ts';
import { Account, AuditEntry, Order, User } from '../../server/src/persistence/entities/index.ts';
import { expectCode, ok } from '../support/gql.ts';
import { startTestServer, type GraphQLResponse, type TestServer } from '../support/harness.ts';
import { everyOrderSettled } from '../support/orders.ts';

const PASSWORD = 'a-long-password-1';
const CREATE_USER = 'mutation($e: String!, $p: String!, $r: UserRole!) { createUser(email: $e, password: $p, role: $r) { id email role } }';
const LOGIN = 'mutation($e: String!, $p: String!) { login(email: $e, password: $p) { token user { id email role } } }';
const CREATE_ACCOUNT = 'mutation($input: CreateAccountInput!) { createAccount(input: $input) { id } }';
const UPDATE_ACCOUNT =
  'mutation($id: ID!, $input: UpdateAccountInput!) { updateAccount(id: $id, input: $input) { id label copyEnabled killSwitch hasCredentials } }';
const LINK = 'mutation($input: CreateMultiplierInput!) { createMultiplier(input: $input) { id } }';
const PLACE = 'mutation($input: PlaceOrderInput!) { placeOrder(input: $input) { id } }';
const KILL = 'mutation($a: ID, $on: Boolean!) { setKillSwitch(accountId: $a, engaged: $on) { engaged } }';
const ACCOUNTS = '{ accounts { id clientCode } }';
const ORDERS = '{ orders(first: 100) { edges { node { id account { id } } } } }';

let server: TestServer;
let adminToken: string;
const users: Record<'trader1' | 'trader2' | 'client1' | 'client2', { id: string; token: string }> = {} as never;
/** Accounts by client code: trader1 owns T1-MASTER and links client1's C1-FOLLOWER; trader2 owns T2-MASTER and T2-FOLLOWER. */
const accounts: Record<string, string> = {};
/** One order on each account, by client code. */
const orders: Record<string, string> = {};

const orderInput = (accountId: string) => ({
  accountId,
  exchange: 'NSE',
  symbol: 'SBIN-EQ',
  side: 'BUY',
  quantity: 1,
  orderType: 'MARKET',
  productType: 'INTRADAY',
});

async function ordersOn(accountId: string): Promise<number> {
  return server.tandem.services.orm.em.fork().count(Order, { accountId });
}

beforeAll(async () => {
  server = await startTestServer();
  adminToken = await server.login();
  for (const [name, role] of [
    ['trader1', 'TRADER'],
    ['trader2', 'TRADER'],
    ['client1', 'CLIENT'],
    ['client2', 'CLIENT'],
  ] as const) {
    const { createUser } = ok(
      await server.gql<{ createUser: { id: string } }>(CREATE_USER, { e: `${name}@test.local`, p: PASSWORD, r: role }, adminToken),
    );
    users[name] = { id: createUser.id, token: await server.login(`${name}@test.local`, PASSWORD) };
  }
  const open = async (token: string, clientCode: string, role: string, ownerId?: string) => {
    const { createAccount } = ok(
      await server.gql<{ createAccount: { id: string } }>(
        CREATE_ACCOUNT,
        { input: { label: clientCode, broker: 'PAPER', role, clientCode, ownerId } },
        token,
      ),
    );
    accounts[clientCode] = createAccount.id;
  };
  await open(users.trader1.token, 'T1-MASTER', 'MASTER');
  await open(users.trader1.token, 'C1-FOLLOWER', 'FOLLOWER', users.client1.id);
  await open(users.trader2.token, 'T2-MASTER', 'MASTER');
  await open(users.trader2.token, 'T2-FOLLOWER', 'FOLLOWER');
  ok(
    await server.gql(
      LINK,
      { input: { masterId: accounts['T1-MASTER'], followerId: accounts['C1-FOLLOWER'], factor: 1 } },
      users.trader1.token,
    ),
  );
  ok(
    await server.gql(
      LINK,
      { input: { masterId: accounts['T2-MASTER'], followerId: accounts['T2-FOLLOWER'], factor: 2 } },
      users.trader2.token,
    ),
  );
  for (const [clientCode, token] of [
    ['T1-MASTER', users.trader1.token],
    ['C1-FOLLOWER', users.trader1.token],
    ['T2-MASTER', users.trader2.token],
  ] as const) {
    orders[clientCode] = ok(
      await server.gql<{ placeOrder: { id: string } }>(PLACE, { input: orderInput(accounts[clientCode]!) }, token),
    ).placeOrder.id;
  }
  await everyOrderSettled(server);
});
afterAll(async () => server?.close());

describe('login', () => {
  it('gives a token for the right password that works for the user it names', async () => {
    const { login } = ok(
      await server.gql<{ login: { token: string; user: { email: string; role: string } } }>(LOGIN, {
        e: 'Trader1@Test.Local',
        p: PASSWORD,
      }),
    );
    expect(login.user).toMatchObject({ email: 'trader1@test.local', role: 'TRADER' });
    const me = await server.gql<{ me: { email: string } }>('{ me { email role } }', {}, login.token);
    expect(me.data?.me).toEqual({ email: 'trader1@test.local', role: 'TRADER' });
  });

  it('refuses a wrong password with UNAUTHENTICATED, in the same words as an email nobody has', async () => {
    const wrong = await server.gql(LOGIN, { e: 'trader2@test.local', p: 'not-the-password' });
    const nobody = await server.gql(LOGIN, { e: 'nobody@test.local', p: 'not-the-password' });
    expectCode(wrong, 'UNAUTHENTICATED');
    expectCode(nobody, 'UNAUTHENTICATED');
    expect(wrong.data).toBeNull();
    expect(wrong.errors![0]!.message).toBe(nobody.errors![0]!.message);
    expect(wrong.errors![0]!.message).not.toMatch(/trader2|exist|unknown|no such/i);
  });

  describe('after failed sign-ins (on a clock the test moves)', () => {
    const clock = new ManualClock(new Date());
    let clocked: TestServer;
    beforeAll(async () => {
      clocked = await startTestServer({ clock, env: { ROLE: 'api' } });
      const token = await clocked.login();
      for (const e of ['held@test.local', 'bystander@test.local'])
        ok(await clocked.gql(CREATE_USER, { e, p: PASSWORD, r: 'TRADER' }, token));
    });
    afterAll(async () => clocked?.close());

    it('holds an email back 1 s after 5 failures from one address, even for the right password, then lets the right password in', async () => {
      for (let attempt = 1; attempt <= 5; attempt++)
        expectCode(await clocked.gql(LOGIN, { e: 'held@test.local', p: `wrong-${attempt}` }), 'UNAUTHENTICATED');
      const held = await clocked.gql(LOGIN, { e: 'held@test.local', p: PASSWORD });
      expectCode(held, 'RATE_LIMITED');
      expect(held.errors![0]!.extensions!.retryAfterSeconds).toBe(1);
      expect(held.errors![0]!.message).toMatch(/try again in 1 s/);
      // Only that email: another one from the same address signs in at once.
      expect(
        (await clocked.gql<{ login: { token: string } }>(LOGIN, { e: 'bystander@test.local', p: PASSWORD })).data?.login.token,
      ).toBeTruthy();
      clock.advance(1_000);
      expect(
        (await clocked.gql<{ login: { token: string } }>(LOGIN, { e: 'held@test.local', p: PASSWORD })).data?.login.token,
      ).toBeTruthy();
    });

    it('holds an email nobody has back the same way, so the delay does not reveal which emails exist', async () => {
      for (let attempt = 1; attempt <= 5; attempt++)
        expectCode(await clocked.gql(LOGIN, { e: 'ghost@test.local', p: `wrong-${attempt}` }), 'UNAUTHENTICATED');
      const held = await clocked.gql(LOGIN, { e: 'ghost@test.local', p: 'wrong-6' });
      expectCode(held, 'RATE_LIMITED');
      expect(held.errors![0]!.extensions!.retryAfterSeconds).toBe(1);
    });
  });
});

describe('createUser', () => {
  const count = () => server.tandem.services.orm.em.fork().count(User, {});

  it('is for an ADMIN: the new user can sign in with the role given', async () => {
    const { createUser } = ok(
      await server.gql<{ createUser: { email: string; role: string } }>(
        CREATE_USER,
        { e: 'New.Client@Test.Local', p: PASSWORD, r: 'CLIENT' },
        adminToken,
      ),
    );
    expect(createUser).toMatchObject({ email: 'new.client@test.local', role: 'CLIENT' });
    const { login } = ok(await server.gql<{ login: { user: { role: string } } }>(LOGIN, { e: 'new.client@test.local', p: PASSWORD }));
    expect(login.user.role).toBe('CLIENT');
  });

  it('is FORBIDDEN to a TRADER and a CLIENT, UNAUTHENTICATED without a token, and creates nobody', async () => {
    const before = await count();
    expectCode(await server.gql(CREATE_USER, { e: 'by-trader@test.local', p: PASSWORD, r: 'ADMIN' }, users.trader1.token), 'FORBIDDEN');
    expectCode(await server.gql(CREATE_USER, { e: 'by-client@test.local', p: PASSWORD, r: 'TRADER' }, users.client1.token), 'FORBIDDEN');
    expectCode(await server.gql(CREATE_USER, { e: 'by-nobody@test.local', p: PASSWORD, r: 'TRADER' }), 'UNAUTHENTICATED');
    expect(await count()).toBe(before);
  });

  it('refuses a second user with the same email (CONFLICT) and a short password (BAD_USER_INPUT)', async () => {
    const before = await count();
    expectCode(await server.gql(CREATE_USER, { e: 'TRADER1@test.local', p: PASSWORD, r: 'TRADER' }, adminToken), 'CONFLICT');
    const short = await server.gql(CREATE_USER, { e: 'short@test.local', p: 'short', r: 'TRADER' }, adminToken);
    expectCode(short, 'BAD_USER_INPUT');
    expect(short.errors![0]!.extensions!.field).toBe('password');
    expect(await count()).toBe(before);
  });
});

describe('what a TRADER sees', () => {
  it('lists only their masters and the followers linked to them', async () => {
    const { accounts: seen } = ok(await server.gql<{ accounts: { clientCode: string }[] }>(ACCOUNTS, {}, users.trader1.token));
    expect(seen.map((a) => a.clientCode).sort()).toEqual(['C1-FOLLOWER', 'T1-MASTER']);
    const { multipliers } = ok(
      await server.gql<{ multipliers: { master: { clientCode: string }; follower: { clientCode: string } }[] }>(
        '{ multipliers { master { clientCode } follower { clientCode } } }',
        {},
        users.trader1.token,
      ),
    );
    expect(multipliers).toEqual([{ master: { clientCode: 'T1-MASTER' }, follower: { clientCode: 'C1-FOLLOWER' } }]);
  });

  it('reads only the orders on those accounts', async () => {
    const { orders: page } = ok(await server.gql<{ orders: { edges: { node: { id: string } }[] } }>(ORDERS, {}, users.trader1.token));
    const ids = page.edges.map((e) => e.node.id);
    expect(ids).toEqual(expect.arrayContaining([orders['T1-MASTER'], orders['C1-FOLLOWER']]));
    expect(ids).not.toContain(orders['T2-MASTER']);
    const theirs = await server.gql<{ orders: { edges: unknown[] } }>(ORDERS, {}, users.trader2.token);
    expect(theirs.data?.orders.edges.map((e) => (e as { node: { id: string } }).node.id)).not.toContain(orders['T1-MASTER']);
  });

  it("gets NOT_FOUND for another trader's account and order, and cannot trade or switch on them", async () => {
    expectCode(
      await server.gql('query($id: ID!) { account(id: $id) { id } }', { id: accounts['T2-MASTER'] }, users.trader1.token),
      'NOT_FOUND',
    );
    expectCode(
      await server.gql('query($id: ID!) { order(id: $id) { id } }', { id: orders['T2-MASTER'] }, users.trader1.token),
      'NOT_FOUND',
    );
    const before = await ordersOn(accounts['T2-MASTER']!);
    expectCode(await server.gql(PLACE, { input: orderInput(accounts['T2-MASTER']!) }, users.trader1.token), 'NOT_FOUND');
    expect(await ordersOn(accounts['T2-MASTER']!)).toBe(before);
    expectCode(await server.gql(KILL, { a: accounts['T2-MASTER'], on: true }, users.trader1.token), 'NOT_FOUND');
    expect((await server.account('T2-MASTER')).killSwitch).toBe(false);
  });
});

describe('what a CLIENT sees and may do', () => {
  it('lists only their own account and reads only its orders', async () => {
    const { accounts: seen } = ok(await server.gql<{ accounts: { clientCode: string }[] }>(ACCOUNTS, {}, users.client1.token));
    expect(seen.map((a) => a.clientCode)).toEqual(['C1-FOLLOWER']);
    const { orders: page } = ok(
      await server.gql<{ orders: { edges: { node: { id: string; account: { id: string } } }[] } }>(ORDERS, {}, users.client1.token),
    );
    expect(page.edges.length).toBeGreaterThan(0);
    for (const edge of page.edges) expect(edge.node.account.id).toBe(accounts['C1-FOLLOWER']);
    expectCode(
      await server.gql('query($id: ID!) { order(id: $id) { id } }', { id: orders['T1-MASTER'] }, users.client1.token),
      'NOT_FOUND',
    );
    expectCode(
      await server.gql('query($id: ID!) { account(id: $id) { id } }', { id: accounts['T1-MASTER'] }, users.client1.token),
      'NOT_FOUND',
    );
    const other = await server.gql<{ accounts: unknown[] }>(ACCOUNTS, {}, users.client2.token);
    expect(other.data?.accounts).toEqual([]);
  });

  it('can pause and resume copying into their own account', async () => {
    const paused = ok(
      await server.gql<{ updateAccount: { copyEnabled: boolean } }>(
        UPDATE_ACCOUNT,
        { id: accounts['C1-FOLLOWER'], input: { copyEnabled: false } },
        users.client1.token,
      ),
    );
    expect(paused.updateAccount.copyEnabled).toBe(false);
    expect((await server.account('C1-FOLLOWER')).copyEnabled).toBe(false);
    ok(await server.gql(UPDATE_ACCOUNT, { id: accounts['C1-FOLLOWER'], input: { copyEnabled: true } }, users.client1.token));
    expect((await server.account('C1-FOLLOWER')).copyEnabled).toBe(true);
  });

  it('may not rename it, switch it off or trade on it (FORBIDDEN), and nothing changes', async () => {
    const before = await ordersOn(accounts['C1-FOLLOWER']!);
    expectCode(
      await server.gql(UPDATE_ACCOUNT, { id: accounts['C1-FOLLOWER'], input: { label: 'Mine now' } }, users.client1.token),
      'FORBIDDEN',
    );
    expectCode(
      await server.gql(
        UPDATE_ACCOUNT,
        { id: accounts['C1-FOLLOWER'], input: { copyEnabled: false, maxOrdersPerDay: 1000 } },
        users.client1.token,
      ),
      'FORBIDDEN',
    );
    expectCode(await server.gql(KILL, { a: accounts['C1-FOLLOWER'], on: true }, users.client1.token), 'FORBIDDEN');
    expectCode(await server.gql(PLACE, { input: orderInput(accounts['C1-FOLLOWER']!) }, users.client1.token), 'FORBIDDEN');
    expectCode(
      await server.gql(
        LINK,
        { input: { masterId: accounts['T1-MASTER'], followerId: accounts['C1-FOLLOWER'], factor: 5 } },
        users.client1.token,
      ),
      'FORBIDDEN',
    );
    const account = await server.account('C1-FOLLOWER');
    expect(account).toMatchObject({ label: 'C1-FOLLOWER', killSwitch: false, copyEnabled: true, maxOrdersPerDay: null });
    expect(await ordersOn(accounts['C1-FOLLOWER']!)).toBe(before);
  });
});

describe('API tokens', () => {
  const CREATE_TOKEN =
    'mutation($n: String!, $s: [ApiTokenScope!]!) { createApiToken(name: $n, scopes: $s) { token apiToken { id name scopes prefix } } }';
  let secret: string;
  let tokenId: string;

  beforeAll(async () => {
    const { createApiToken } = ok(
      await server.gql<{ createApiToken: { token: string; apiToken: { id: string; prefix: string; scopes: string[] } } }>(
        CREATE_TOKEN,
        { n: 'dashboard', s: ['ORDERS_READ'] },
        users.trader1.token,
      ),
    );
    secret = createApiToken.token;
    tokenId = createApiToken.apiToken.id;
    expect(createApiToken.apiToken.scopes).toEqual(['ORDERS_READ']);
    expect(secret.startsWith(createApiToken.apiToken.prefix)).toBe(true);
    expect(createApiToken.apiToken.prefix.length).toBeLessThan(secret.length / 2);
  });

  it('shows the secret once: the listing has only its prefix, and the database only its hash', async () => {
    const listing = await server.yoga.fetch('http://test/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${users.trader1.token}` },
      body: JSON.stringify({ query: '{ apiTokens { id name scopes prefix createdAt lastUsedAt revokedAt } }' }),
    });
    const text = await listing.text();
    expect(JSON.parse(text).data.apiTokens).toEqual([
      expect.objectContaining({ id: tokenId, name: 'dashboard', prefix: secret.slice(0, 10) }),
    ]);
    expect(text).not.toContain(secret);
    const rows = await server.tandem.services.orm.em.fork().getConnection().execute('select * from api_tokens');
    expect(JSON.stringify(rows)).not.toContain(secret);
  });

  it("with orders:read reads the owner's orders, but not accounts, and cannot place orders or make tokens (FORBIDDEN)", async () => {
    const { orders: page } = ok(
      await server.gql<{ orders: { edges: { node: { id: string } }[] } }>(
        '{ orders(first: 100) { edges { node { id accountId } } } }',
        {},
        secret,
      ),
    );
    const ids = page.edges.map((e) => e.node.id);
    expect(ids).toContain(orders['T1-MASTER']);
    expect(ids).not.toContain(orders['T2-MASTER']);
    // The account behind an order is account data: null without ACCOUNTS_READ, the orders still there.
    const withAccounts = await server.gql<{ orders: { edges: { node: { id: string; account: unknown } }[] } }>(ORDERS, {}, secret);
    expect(withAccounts.data?.orders.edges.map((e) => e.node.id)).toEqual(page.edges.map((e) => e.node.id));
    expect(withAccounts.data?.orders.edges.every((e) => e.node.account === null)).toBe(true);
    expect(withAccounts.errors?.[0]?.extensions).toMatchObject({ code: 'FORBIDDEN', requiredScope: 'ACCOUNTS_READ' });
    expectCode(await server.gql(ACCOUNTS, {}, secret), 'FORBIDDEN');
    const before = await ordersOn(accounts['T1-MASTER']!);
    expectCode(await server.gql(PLACE, { input: orderInput(accounts['T1-MASTER']!) }, secret), 'FORBIDDEN');
    expect(await ordersOn(accounts['T1-MASTER']!)).toBe(before);
    expectCode(await server.gql(CREATE_TOKEN, { n: 'more', s: ['ORDERS_WRITE'] }, secret), 'FORBIDDEN');
  });

  it('cannot be revoked by another user (NOT_FOUND); revoked by its owner, the next request is UNAUTHENTICATED', async () => {
    expectCode(
      await server.gql('mutation($id: ID!) { revokeApiToken(id: $id) { id } }', { id: tokenId }, users.trader2.token),
      'NOT_FOUND',
    );
    expect((await server.gql('{ orders(first: 1) { edges { node { id } } } }', {}, secret)).errors).toBeUndefined();
    const { revokeApiToken } = ok(
      await server.gql<{ revokeApiToken: { revokedAt: string | null } }>(
        'mutation($id: ID!) { revokeApiToken(id: $id) { revokedAt } }',
        { id: tokenId },
        users.trader1.token,
      ),
    );
    expect(revokeApiToken.revokedAt).not.toBeNull();
    expectCode(await server.gql(ORDERS, {}, secret), 'UNAUTHENTICATED');
  });
});

describe('broker credentials are write-only', () => {
  const first = { apiKey: 'ak-Qz7Lw2Vb9XpR', pin: '918273', totpSecret: 'KRUGKIDROVUWG2ZAMJZG653OEBTG66BA' };
  const second = { apiKey: 'ak-Hm4Tn8Ys1CdK', pin: '564738', totpSecret: 'ONSWG4TFOQQHI2DFEBSG65DIMVZC4ZLO' };
  const secrets = [...Object.values(first), ...Object.values(second)];
  const responses: string[] = [];

  async function gqlText(query: string, variables: Record<string, unknown>, token: string): Promise<GraphQLResponse> {
    const response = await server.yoga.fetch('http://test/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ query, variables }),
    });
    const text = await response.text();
    responses.push(text);
    return JSON.parse(text) as GraphQLResponse;
  }

  type TypeRef = { kind: string; ofType?: TypeRef | null };

  /** Every field of Account, read from the schema, so a field added later is covered too. */
  async function everyAccountField(): Promise<string> {
    const { __type } = ok(
      await server.gql<{ __type: { fields: { name: string; type: TypeRef }[] } }>(
        '{ __type(name: "Account") { fields { name type { kind ofType { kind ofType { kind ofType { kind } } } } } } }',
        {},
        adminToken,
      ),
    );
    // Through NON_NULL and LIST wrappers to the named type: [Account!]! is a selection too.
    const named = (type: TypeRef): string => (type.ofType ? named(type.ofType) : type.kind);
    return __type.fields.map((f) => (named(f.type) === 'OBJECT' ? `${f.name} { __typename }` : f.name)).join(' ');
  }

  it('are stored for a SMARTAPI account and its client can replace them, but no field, error or audit entry shows them', async () => {
    const fields = await everyAccountField();
    expect(fields).not.toMatch(/\b(credentials|pin|apiKey|totpSecret|secret)\b/i);
    const created = await gqlText(
      `mutation($input: CreateAccountInput!) { createAccount(input: $input) { ${fields} } }`,
      {
        input: {
          label: 'Client SmartAPI',
          broker: 'SMARTAPI',
          role: 'FOLLOWER',
          clientCode: 'C1SMART',
          ownerId: users.client1.id,
          credentials: first,
        },
      },
      users.trader1.token,
    );
    const id = (created.data as { createAccount: { id: string; hasCredentials: boolean } }).createAccount.id;
    expect((created.data as { createAccount: { hasCredentials: boolean } }).createAccount.hasCredentials).toBe(true);

    const replaced = await gqlText(
      `mutation($id: ID!, $input: UpdateAccountInput!) { updateAccount(id: $id, input: $input) { ${fields} } }`,
      { id, input: { credentials: second } },
      users.client1.token,
    );
    expect(replaced.errors).toBeUndefined();
    // Mistakes in the credentials are reported by field without repeating what was typed.
    const refused = await gqlText(UPDATE_ACCOUNT, { id, input: { credentials: { ...first, pin: `x${first.pin}` } } }, users.client1.token);
    expectCode(refused, 'BAD_USER_INPUT');
    expect(refused.errors![0]!.extensions!.field).toBe('input.credentials.pin');
    const incomplete = await gqlText(
      CREATE_ACCOUNT,
      { input: { broker: 'SMARTAPI', role: 'FOLLOWER', clientCode: 'C1SMART2', credentials: second } },
      users.trader1.token,
    );
    expectCode(incomplete, 'BAD_USER_INPUT');
    expect(incomplete.errors![0]!.extensions!.field).toBe('input.label');

    await gqlText(`query($id: ID!) { account(id: $id) { ${fields} } }`, { id }, users.client1.token);
    await gqlText(`{ accounts { ${fields} } }`, {}, adminToken);
    await gqlText(`{ accounts { ${fields} } }`, {}, users.trader1.token);
    for (const text of responses) for (const secret of secrets) expect(text).not.toContain(secret);

    const em = server.tandem.services.orm.em.fork();
    const audit = await em.find(AuditEntry, { entityId: id });
    expect(audit.map((entry) => entry.action).sort()).toEqual(['account.create', 'account.update+credentials']);
    expect(audit.map((entry) => entry.after?.hasCredentials)).toEqual([true, true]);
    const auditText = JSON.stringify(await em.getConnection().execute('select * from audit_entries'));
    for (const secret of secrets) expect(auditText).not.toContain(secret);
    const stored = await em
      .getConnection()
      .execute<{ credentials_sealed: string }[]>('select credentials_sealed from accounts where id = ?', [id]);
    expect(stored[0]!.credentials_sealed).toBeTruthy();
    for (const secret of secrets) expect(stored[0]!.credentials_sealed).not.toContain(secret);
  });
});

describe('kill switches', () => {
  const globalState = async () =>
    ok(await server.gql<{ globalKillSwitch: boolean }>('{ globalKillSwitch }', {}, adminToken)).globalKillSwitch;

  it('the global switch is ADMIN-only; while engaged placeOrder is KILL_SWITCH on any account and leaves no row', async () => {
    expectCode(await server.gql(KILL, { a: null, on: true }, users.trader1.token), 'FORBIDDEN');
    expectCode(await server.gql(KILL, { a: null, on: true }, users.client1.token), 'FORBIDDEN');
    expect(await globalState()).toBe(false);

    const master = (await server.account('DEMO-MASTER')).id;
    ok(await server.gql(KILL, { a: null, on: true }, adminToken));
    try {
      expect(await globalState()).toBe(true);
      const [demoBefore, t1Before] = [await ordersOn(master), await ordersOn(accounts['T1-MASTER']!)];
      const refused = await server.gql(PLACE, { input: orderInput(master) }, adminToken);
      expectCode(refused, 'KILL_SWITCH');
      expect(refused.errors![0]!.message).toMatch(/kill switch/);
      expectCode(await server.gql(PLACE, { input: orderInput(accounts['T1-MASTER']!) }, users.trader1.token), 'KILL_SWITCH');
      expect([await ordersOn(master), await ordersOn(accounts['T1-MASTER']!)]).toEqual([demoBefore, t1Before]);
    } finally {
      ok(await server.gql(KILL, { a: null, on: false }, adminToken));
    }
    expect(await globalState()).toBe(false);
    ok(await server.gql(PLACE, { input: orderInput(master) }, adminToken));
    const actions = await server.tandem.services.orm.em.fork().find(AuditEntry, { entity: 'Global' });
    expect(actions.map((entry) => entry.action).sort()).toEqual(['killSwitch.engage', 'killSwitch.release']);
    await everyOrderSettled(server);
  });

  it("an account's switch stops orders on that account only, until released", async () => {
    const master = accounts['T1-MASTER']!;
    const { setKillSwitch } = ok(
      await server.gql<{ setKillSwitch: { engaged: boolean } }>(KILL, { a: master, on: true }, users.trader1.token),
    );
    expect(setKillSwitch.engaged).toBe(true);
    try {
      const shown = ok(
        await server.gql<{ account: { killSwitch: boolean } }>(
          'query($id: ID!) { account(id: $id) { killSwitch } }',
          { id: master },
          users.trader1.token,
        ),
      );
      expect(shown.account.killSwitch).toBe(true);
      const before = await ordersOn(master);
      expectCode(await server.gql(PLACE, { input: orderInput(master) }, users.trader1.token), 'KILL_SWITCH');
      expect(await ordersOn(master)).toBe(before);
      ok(await server.gql(PLACE, { input: orderInput(accounts['T2-MASTER']!) }, users.trader2.token));
    } finally {
      ok(await server.gql(KILL, { a: master, on: false }, users.trader1.token));
    }
    ok(await server.gql(PLACE, { input: orderInput(master) }, users.trader1.token));
    expect((await server.tandem.services.orm.em.fork().findOneOrFail(Account, { id: master })).killSwitch).toBe(false);
    await everyOrderSettled(server);
  });
});
