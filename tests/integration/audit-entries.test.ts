// The audit trail as people read it: an ADMIN every entry; a TRADER the entries about the
// accounts they may see (and the links between them) and their own changes; a CLIENT the
// entries about their own accounts and their own changes; never an API token. Also: the
// migration that added the accounts an entry concerns fills them in for entries written before.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initOrm } from '../../server/src/persistence/db.ts';
import { migrationsList } from '../../server/src/persistence/migrations/index.ts';
import { expectCode, ok } from '../support/gql.ts';
import { scratchDatabase } from '../support/database.ts';
import { signUp, startTestServer, type TestServer } from '../support/harness.ts';

const ENTRIES = `query($accountId: ID, $first: Int, $after: String) {
  auditEntries(accountId: $accountId, first: $first, after: $after) {
    totalCount
    pageInfo { hasNextPage hasPreviousPage endCursor }
    edges { cursor node { id at actor action entity entityId before after } }
  }
}`;

interface Entry {
  id: string;
  at: string;
  actor: string;
  action: string;
  entity: string;
  entityId: string | null;
  before: Record<string, unknown> | null;
  after: Record<string, unknown> | null;
}
interface Page {
  totalCount: number;
  pageInfo: { hasNextPage: boolean; hasPreviousPage: boolean; endCursor: string | null };
  edges: { cursor: string; node: Entry }[];
}

const PASSWORD = 'a-long-password-1';
const CREDENTIALS = { apiKey: 'secret-api-key-915', pin: '4821', totpSecret: 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP' };
let server: TestServer;
const tokens = {} as Record<'admin' | 'trader' | 'client' | 'traderToken', string>;
const emails = { trader: 'trader@audit.test', client: 'client@audit.test' };
const ids = {} as { traderMaster: string; clientFollower: string; adminMaster: string; link: string; userCreated: string };

async function entries(who: keyof typeof tokens, variables: Record<string, unknown> = {}): Promise<Page> {
  return ok(await server.gql<{ auditEntries: Page }>(ENTRIES, { first: 500, ...variables }, tokens[who])).auditEntries;
}

/** An entry's identity for comparing what each reader gets: "action entityId". */
const keysOf = (page: Page) => page.edges.map((e) => `${e.node.action} ${e.node.entityId}`);

async function mutate(token: string, query: string, variables: Record<string, unknown>) {
  return ok(await server.gql<Record<string, { id: string }>>(query, variables, token));
}

beforeAll(async () => {
  server = await startTestServer();
  tokens.admin = await server.login();
  const trader = await signUp(server, tokens.admin, emails.trader, 'TRADER', PASSWORD);
  const client = await signUp(server, tokens.admin, emails.client, 'CLIENT', PASSWORD);
  ids.userCreated = trader.id;
  tokens.trader = trader.token;
  tokens.client = client.token;
  const open = async (token: string, code: string, role: 'MASTER' | 'FOLLOWER', ownerId?: string) =>
    (
      await mutate(token, 'mutation($i: CreateAccountInput!) { createAccount(input: $i) { id } }', {
        i: { label: code, broker: 'PAPER', role, clientCode: code, ownerId },
      })
    ).createAccount!.id;
  ids.traderMaster = await open(tokens.trader, 'AU-MASTER', 'MASTER');
  ids.clientFollower = await open(tokens.trader, 'AU-CLIENT-F', 'FOLLOWER', client.id);
  ids.adminMaster = await open(tokens.admin, 'AU-ADMIN-M', 'MASTER');
  ids.link = (
    await mutate(tokens.trader, 'mutation($i: CreateMultiplierInput!) { createMultiplier(input: $i) { id } }', {
      i: { masterId: ids.traderMaster, followerId: ids.clientFollower, factor: 2 },
    })
  ).createMultiplier!.id;
  // The client pauses copies into their account and enters their broker credentials.
  await mutate(tokens.client, 'mutation($id: ID!) { updateAccount(id: $id, input: { copyEnabled: false }) { id } }', {
    id: ids.clientFollower,
  });
  await mutate(
    tokens.client,
    'mutation($id: ID!, $c: BrokerCredentialsInput!) { updateAccount(id: $id, input: { credentials: $c }) { id } }',
    {
      id: ids.clientFollower,
      c: CREDENTIALS,
    },
  );
  // The admin renames their own master (nobody else sees it) and engages the global kill switch.
  await mutate(tokens.admin, 'mutation($id: ID!) { updateAccount(id: $id, input: { label: "Admin desk" }) { id } }', {
    id: ids.adminMaster,
  });
  await mutate(tokens.admin, 'mutation { setKillSwitch(accountId: null, engaged: true) { engaged } }', {});
  await mutate(tokens.admin, 'mutation { setKillSwitch(accountId: null, engaged: false) { engaged } }', {});
  // The trader's API token renames the trader's master: the entry says which token.
  const made = ok(
    await server.gql<{ createApiToken: { token: string } }>(
      'mutation { createApiToken(name: "desk script", scopes: [ACCOUNTS_WRITE]) { token } }',
      {},
      tokens.trader,
    ),
  );
  tokens.traderToken = made.createApiToken.token;
  await mutate(tokens.traderToken, 'mutation($id: ID!) { updateAccount(id: $id, input: { label: "Trader desk" }) { id } }', {
    id: ids.traderMaster,
  });
  await mutate(tokens.trader, 'mutation($id: ID!) { updateMultiplier(id: $id, input: { factor: 3 }) { id } }', { id: ids.link });
});

afterAll(async () => {
  await server?.close();
});

describe('auditEntries', () => {
  it('gives an ADMIN every entry, newest first, with who did it', async () => {
    const page = await entries('admin');
    expect(page.totalCount).toBe(page.edges.length);
    const times = page.edges.map((e) => Date.parse(e.node.at));
    expect([...times].sort((a, b) => b - a)).toEqual(times);
    expect(keysOf(page)).toEqual(
      expect.arrayContaining([
        `user.create ${ids.userCreated}`,
        `account.update ${ids.adminMaster}`,
        'killSwitch.engage null',
        `multiplier.update ${ids.link}`,
      ]),
    );
    const rename = page.edges.find((e) => e.node.action === 'account.update' && e.node.entityId === ids.traderMaster)!.node;
    expect(rename.actor).toBe(`token desk script (${emails.trader})`);
    expect(rename.before).toMatchObject({ label: 'AU-MASTER' });
    expect(rename.after).toMatchObject({ label: 'Trader desk' });
  });

  it('gives a TRADER the entries about their accounts and links, and their own changes, nothing else', async () => {
    const page = await entries('trader');
    expect(page.totalCount).toBe(page.edges.length);
    expect(keysOf(page).sort()).toEqual(
      [
        `account.create ${ids.traderMaster}`,
        `account.create ${ids.clientFollower}`,
        `multiplier.create ${ids.link}`,
        `account.update ${ids.clientFollower}`,
        `account.update+credentials ${ids.clientFollower}`,
        `apiToken.create ${page.edges.find((e) => e.node.action === 'apiToken.create')?.node.entityId}`,
        `account.update ${ids.traderMaster}`,
        `multiplier.update ${ids.link}`,
      ].sort(),
    );
    const factor = page.edges.find((e) => e.node.action === 'multiplier.update')!.node;
    expect(factor.before).toMatchObject({ masterId: ids.traderMaster, followerId: ids.clientFollower });
    expect([Number(factor.before!.factor), Number(factor.after!.factor)]).toEqual([2, 3]);
  });

  it("gives a CLIENT the entries about their own account (a link to it included) and their own changes, not the trader's", async () => {
    const page = await entries('client');
    expect(keysOf(page).sort()).toEqual(
      [
        `account.create ${ids.clientFollower}`,
        `multiplier.create ${ids.link}`,
        `account.update ${ids.clientFollower}`,
        `account.update+credentials ${ids.clientFollower}`,
        `multiplier.update ${ids.link}`,
      ].sort(),
    );
    const pause = page.edges.find((e) => e.node.action === 'account.update')!.node;
    expect(pause.actor).toBe(emails.client);
    expect(pause.before).toMatchObject({ copyEnabled: true });
    expect(pause.after).toMatchObject({ copyEnabled: false });
  });

  it('records that credentials changed, never what they are', async () => {
    const page = await entries('admin', { accountId: ids.clientFollower });
    const change = page.edges.find((e) => e.node.action === 'account.update+credentials')!.node;
    // The account had none before (its lazily loaded column is read, not taken as missing or present).
    expect(change.before).toMatchObject({ hasCredentials: false });
    expect(change.after).toMatchObject({ hasCredentials: true });
    // A later change records the credentials as there, before and after.
    await mutate(tokens.client, 'mutation($id: ID!) { updateAccount(id: $id, input: { copyEnabled: true }) { id } }', {
      id: ids.clientFollower,
    });
    const resume = (await entries('admin', { accountId: ids.clientFollower })).edges[0]!.node;
    expect([resume.action, resume.before, resume.after]).toMatchObject([
      'account.update',
      { hasCredentials: true, copyEnabled: false },
      { hasCredentials: true, copyEnabled: true },
    ]);
    // No key names a credential, and no value is or holds one (the 4-digit PIN is compared whole:
    // as a substring it turns up in random ids).
    const text = JSON.stringify(page);
    for (const key of Object.keys(CREDENTIALS)) expect(text).not.toContain(`"${key}"`);
    const values = text.match(/"(?:[^"\\]|\\.)*"/g) ?? [];
    expect(values).not.toContain(`"${CREDENTIALS.pin}"`);
    for (const secret of [CREDENTIALS.apiKey, CREDENTIALS.totpSecret]) expect(text).not.toContain(secret);
  });

  it('filters by account: a master includes its links', async () => {
    const page = await entries('trader', { accountId: ids.traderMaster });
    expect(keysOf(page).sort()).toEqual(
      [
        `account.create ${ids.traderMaster}`,
        `multiplier.create ${ids.link}`,
        `account.update ${ids.traderMaster}`,
        `multiplier.update ${ids.link}`,
      ].sort(),
    );
    // An account the trader cannot see gives them nothing of its own.
    expect((await entries('trader', { accountId: ids.adminMaster })).edges).toEqual([]);
    expectCode(await server.gql(ENTRIES, { accountId: 'nope' }, tokens.trader), 'BAD_USER_INPUT', 'accountId');
  });

  it('pages with first and after, each entry once', async () => {
    const all = keysOf(await entries('admin')).length;
    const seen: string[] = [];
    let after: string | null = null;
    let pages = 0;
    for (;;) {
      const page: Page = await entries('admin', { first: 3, after });
      expect(page.pageInfo.hasPreviousPage).toBe(after !== null);
      seen.push(...page.edges.map((e) => e.node.id));
      pages++;
      if (!page.pageInfo.hasNextPage) break;
      after = page.pageInfo.endCursor;
    }
    expect(seen.length).toBe(all);
    expect(new Set(seen).size).toBe(all);
    expect(pages).toBe(Math.ceil(all / 3));
    expectCode(await server.gql(ENTRIES, { first: 0 }, tokens.admin), 'BAD_USER_INPUT', 'first');
    expectCode(await server.gql(ENTRIES, { first: 501 }, tokens.admin), 'BAD_USER_INPUT', 'first');
    expectCode(await server.gql(ENTRIES, { after: 'bm90IGEgY3Vyc29y' }, tokens.admin), 'BAD_USER_INPUT', 'after');
  });

  it('refuses API tokens: the trail needs a session', async () => {
    const answer = await server.gql(ENTRIES, {}, tokens.traderToken);
    expectCode(answer, 'FORBIDDEN');
    expect(answer.errors?.[0]?.extensions).toMatchObject({ requiredCredential: 'SESSION' });
    expect(answer.data?.auditEntries ?? null).toBeNull();
    expectCode(await server.gql(ENTRIES, {}, null), 'UNAUTHENTICATED');
  });
});

describe('the migration that adds the accounts an entry concerns', () => {
  it('fills them in for entries written before it, from what each entry recorded', async () => {
    const database = await scratchDatabase();
    const db = await initOrm(database.target, { migrate: false });
    try {
      const migrator = db.orm.getMigrator();
      const index = migrationsList.findIndex((m) => m.name === 'Migration20261203113000');
      await migrator.up({ to: migrationsList[index - 1]!.name });
      const [account, master, follower, user] = [
        'a0000000-0000-4000-8000-000000000001',
        'a0000000-0000-4000-8000-000000000002',
        'a0000000-0000-4000-8000-000000000003',
        'b0000000-0000-4000-8000-000000000001',
      ];
      const connection = db.orm.em.fork().getConnection();
      const insert = (id: string, entity: string, entityId: string | null, before: unknown, after: unknown) =>
        connection.execute(
          `insert into audit_entries (id, user_id, action, entity, entity_id, before, after, created_at) values (?, ?, 'x', ?, ?, ?::jsonb, ?::jsonb, now())`,
          [id, user, entity, entityId, before === null ? null : JSON.stringify(before), after === null ? null : JSON.stringify(after)],
        );
      await insert('c0000000-0000-4000-8000-000000000001', 'Account', account, null, { label: 'A' });
      await insert('c0000000-0000-4000-8000-000000000002', 'Multiplier', 'd0000000-0000-4000-8000-000000000001', null, {
        masterId: master,
        followerId: follower,
      });
      await insert(
        'c0000000-0000-4000-8000-000000000003',
        'Multiplier',
        'd0000000-0000-4000-8000-000000000001',
        { masterId: master, followerId: follower },
        null,
      );
      await insert('c0000000-0000-4000-8000-000000000004', 'Global', null, null, { engaged: true });
      await insert('c0000000-0000-4000-8000-000000000005', 'User', user, null, { email: 'x@y.z' });
      await insert('c0000000-0000-4000-8000-000000000006', 'Order', 'e0000000-0000-4000-8000-000000000001', null, {
        accountId: account,
        note: 'not-a-uuid',
      });
      await migrator.up();
      // As text, so PostgreSQL's and PGlite's drivers answer alike.
      const rows = (await connection.execute("select id, array_to_string(account_ids, ',') as ids from audit_entries order by id")) as {
        id: string;
        ids: string;
      }[];
      const parsed = rows.map((row) => ({ id: row.id.slice(-1), accounts: row.ids.split(',').filter(Boolean).sort() }));
      expect(parsed).toEqual([
        { id: '1', accounts: [account] },
        { id: '2', accounts: [master, follower] },
        { id: '3', accounts: [master, follower] },
        { id: '4', accounts: [] },
        { id: '5', accounts: [] },
        { id: '6', accounts: [account] },
      ]);
    } finally {
      await db.close();
      await database.drop();
    }
  });
});
