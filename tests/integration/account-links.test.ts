// Account.followers and Account.masters: the accounts a multiplier links to, each caller seeing
// only the accounts they may see.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ok } from '../support/gql.ts';
import { signUp, startTestServer, type TestServer } from '../support/harness.ts';

const PASSWORD = 'a-long-password-1';
const LINKS = 'query($id: ID!) { account(id: $id) { followers { clientCode } masters { clientCode } } }';
const LINK = 'mutation($i: CreateMultiplierInput!) { createMultiplier(input: $i) { id } }';

let server: TestServer;
const tokens: Record<'admin' | 'trader' | 'client', string> = {} as never;
/** Account ids by client code. */
const ids: Record<string, string> = {};
/** Multiplier ids by "MASTER>FOLLOWER". */
const links: Record<string, string> = {};

async function linksOf(viewer: keyof typeof tokens, clientCode: string): Promise<{ followers: string[]; masters: string[] }> {
  type Answer = { account: { followers: { clientCode: string }[]; masters: { clientCode: string }[] } };
  const { account } = ok(await server.gql<Answer>(LINKS, { id: ids[clientCode] }, tokens[viewer]));
  return { followers: account.followers.map((a) => a.clientCode), masters: account.masters.map((a) => a.clientCode) };
}

async function link(token: string, master: string, follower: string): Promise<void> {
  const made = ok(
    await server.gql<{ createMultiplier: { id: string } }>(
      LINK,
      { i: { masterId: ids[master], followerId: ids[follower], factor: 1 } },
      token,
    ),
  );
  links[`${master}>${follower}`] = made.createMultiplier.id;
}

beforeAll(async () => {
  server = await startTestServer();
  tokens.admin = await server.login();
  const userIds: Record<string, string> = {};
  for (const [name, role] of [
    ['trader', 'TRADER'],
    ['client', 'CLIENT'],
  ] as const) {
    const user = await signUp(server, tokens.admin, `${name}@links.test`, role, PASSWORD);
    userIds[name] = user.id;
    tokens[name] = user.token;
  }
  const open = async (token: string, clientCode: string, role: 'MASTER' | 'FOLLOWER', ownerId?: string) => {
    ids[clientCode] = ok(
      await server.gql<{ createAccount: { id: string } }>(
        'mutation($i: CreateAccountInput!) { createAccount(input: $i) { id } }',
        { i: { label: clientCode, broker: 'PAPER', role, clientCode, ownerId } },
        token,
      ),
    ).createAccount.id;
  };
  // The trader's master copies into the trader's own follower and the client's; an admin's master
  // (which neither the trader nor the client may see) also copies into the trader's follower.
  await open(tokens.trader, 'LK-MASTER', 'MASTER');
  await open(tokens.trader, 'LK-F1', 'FOLLOWER');
  await open(tokens.trader, 'LK-CLIENT-F', 'FOLLOWER', userIds.client);
  await open(tokens.admin, 'LK-ADMIN-M', 'MASTER');
  await link(tokens.trader, 'LK-MASTER', 'LK-F1');
  await link(tokens.trader, 'LK-MASTER', 'LK-CLIENT-F');
  await link(tokens.admin, 'LK-ADMIN-M', 'LK-F1');
}, 60_000);

afterAll(async () => server?.close());

describe('the accounts linked to an account', () => {
  it("a master's followers and a follower's masters, oldest link first", async () => {
    expect(await linksOf('admin', 'LK-MASTER')).toEqual({ followers: ['LK-F1', 'LK-CLIENT-F'], masters: [] });
    expect(await linksOf('admin', 'LK-F1')).toEqual({ followers: [], masters: ['LK-MASTER', 'LK-ADMIN-M'] });
    expect(await linksOf('admin', 'LK-CLIENT-F')).toEqual({ followers: [], masters: ['LK-MASTER'] });
    expect(await linksOf('admin', 'LK-ADMIN-M')).toEqual({ followers: ['LK-F1'], masters: [] });
  });

  it('gives each account of a list its own links', async () => {
    type Answer = { accounts: { clientCode: string; followers: { clientCode: string }[]; masters: { clientCode: string }[] }[] };
    const { accounts } = ok(
      await server.gql<Answer>('{ accounts { clientCode followers { clientCode } masters { clientCode } } }', {}, tokens.admin),
    );
    const byCode = new Map(
      accounts.map((a) => [a.clientCode, { followers: a.followers.map((f) => f.clientCode), masters: a.masters.map((m) => m.clientCode) }]),
    );
    // The demo master and its three followers come with every test server, linked in the same
    // millisecond, so in no particular order among themselves.
    expect(byCode.get('DEMO-MASTER')?.followers.toSorted()).toEqual(['DEMO-F1', 'DEMO-F2', 'DEMO-F3']);
    expect(byCode.get('DEMO-MASTER')?.masters).toEqual([]);
    expect(byCode.get('DEMO-F2')).toEqual({ followers: [], masters: ['DEMO-MASTER'] });
    expect(byCode.get('LK-MASTER')).toEqual({ followers: ['LK-F1', 'LK-CLIENT-F'], masters: [] });
    expect(byCode.get('LK-F1')).toEqual({ followers: [], masters: ['LK-MASTER', 'LK-ADMIN-M'] });
    expect(byCode.get('LK-CLIENT-F')).toEqual({ followers: [], masters: ['LK-MASTER'] });
  });

  it('leaves out the accounts the caller may not see', async () => {
    // The trader sees their master and both its followers, but not the admin's master.
    expect(await linksOf('trader', 'LK-MASTER')).toEqual({ followers: ['LK-F1', 'LK-CLIENT-F'], masters: [] });
    expect(await linksOf('trader', 'LK-F1')).toEqual({ followers: [], masters: ['LK-MASTER'] });
    // The client sees their own follower, not the master it follows.
    expect(await linksOf('client', 'LK-CLIENT-F')).toEqual({ followers: [], masters: [] });
  });

  it('drops a link once it is deleted, from both ends', async () => {
    ok(await server.gql('mutation($id: ID!) { deleteMultiplier(id: $id) }', { id: links['LK-MASTER>LK-CLIENT-F'] }, tokens.trader));
    expect(await linksOf('admin', 'LK-MASTER')).toEqual({ followers: ['LK-F1'], masters: [] });
    expect(await linksOf('admin', 'LK-CLIENT-F')).toEqual({ followers: [], masters: [] });
    expect(await linksOf('admin', 'LK-F1')).toEqual({ followers: [], masters: ['LK-MASTER', 'LK-ADMIN-M'] });
  });

  it('are read with an API token carrying ACCOUNTS_READ, as the account is', async () => {
    const { createApiToken } = ok(
      await server.gql<{ createApiToken: { token: string } }>(
        'mutation { createApiToken(name: "links", scopes: [ACCOUNTS_READ]) { token } }',
        {},
        tokens.trader,
      ),
    );
    const answer = ok(
      await server.gql<{ account: { followers: { clientCode: string }[] } }>(LINKS, { id: ids['LK-MASTER'] }, createApiToken.token),
    );
    expect(answer.account.followers.map((f) => f.clientCode)).toEqual(['LK-F1']);
  });
});
