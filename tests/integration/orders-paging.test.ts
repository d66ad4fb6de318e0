// Relay paging of `orders` both ways. The orders are written straight to the database with chosen
// times, several sharing a millisecond (as a master's copies written in one transaction do), so
// the walk must break ties by id to see each order exactly once.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OrderStatus } from '../../server/src/core/types.ts';
import { Order } from '../../server/src/persistence/entities/index.ts';
import { expectCode, ok } from '../support/gql.ts';
import { signUp, startTestServer, type TestServer } from '../support/harness.ts';

const PASSWORD = 'a-long-password-1';
const ORDERS = `query($first: Int, $after: String, $last: Int, $before: String, $accountId: ID, $symbol: String, $status: OrderStatus, $mastersOnly: Boolean) {
  orders(first: $first, after: $after, last: $last, before: $before, accountId: $accountId, symbol: $symbol, status: $status, mastersOnly: $mastersOnly) {
    totalCount
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
    edges { cursor node { id } }
  }
}`;

interface Page {
  totalCount: number;
  pageInfo: { hasNextPage: boolean; hasPreviousPage: boolean; startCursor: string | null; endCursor: string | null };
  edges: { cursor: string; node: { id: string } }[];
}
type Filter = { accountId?: string; symbol?: string; status?: OrderStatus; mastersOnly?: boolean };

let server: TestServer;
const tokens: Record<'admin' | 'trader' | 'client', string> = {} as never;
/** Accounts: the trader's master, the client's follower linked to it, and an admin's master the others cannot see. */
const ids = {} as { traderMaster: string; clientFollower: string; adminMaster: string };
const rows: Order[] = [];

const idsOf = (page: Page) => page.edges.map((edge) => edge.node.id);
const newestFirst = (a: Order, b: Order) => b.createdAt.getTime() - a.createdAt.getTime() || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0);

/** What the viewer should see for a filter, newest first, worked out from the rows written. */
function expected(viewer: keyof typeof tokens, filter: Filter): string[] {
  const visible =
    viewer === 'admin'
      ? () => true
      : viewer === 'trader'
        ? (o: Order) => o.accountId !== ids.adminMaster
        : (o: Order) => o.accountId === ids.clientFollower;
  const masterAccount = (o: Order) => rows.find((m) => m.id === o.masterOrderId)?.accountId;
  return rows
    .filter(visible)
    .filter((o) => !filter.accountId || o.accountId === filter.accountId || masterAccount(o) === filter.accountId)
    .filter((o) => !filter.symbol || o.symbol === filter.symbol.toUpperCase())
    .filter((o) => !filter.status || o.status === filter.status)
    .filter((o) => !filter.mastersOnly || o.masterOrderId === null)
    .sort(newestFirst)
    .map((o) => o.id);
}

async function page(viewer: keyof typeof tokens, variables: Record<string, unknown>): Promise<Page> {
  return ok(await server.gql<{ orders: Page }>(ORDERS, variables, tokens[viewer])).orders;
}

/** Every page from the newest with `first`, then every page from the oldest with `last`. */
async function walk(viewer: keyof typeof tokens, filter: Filter, size: number): Promise<{ forward: Page[]; backward: Page[] }> {
  const forward: Page[] = [];
  let after: string | null = null;
  do {
    forward.push(await page(viewer, { ...filter, first: size, after }));
    after = forward.at(-1)!.pageInfo.endCursor;
  } while (forward.at(-1)!.pageInfo.hasNextPage && forward.length < 50);
  const backward: Page[] = [];
  let before: string | null = null;
  do {
    backward.push(await page(viewer, { ...filter, last: size, before }));
    before = backward.at(-1)!.pageInfo.startCursor;
  } while (backward.at(-1)!.pageInfo.hasPreviousPage && backward.length < 50);
  return { forward, backward };
}

beforeAll(async () => {
  server = await startTestServer();
  tokens.admin = await server.login();
  const userIds: Record<string, string> = {};
  for (const [name, role] of [
    ['trader', 'TRADER'],
    ['client', 'CLIENT'],
  ] as const) {
    const user = await signUp(server, tokens.admin, `${name}@paging.test`, role, PASSWORD);
    userIds[name] = user.id;
    tokens[name] = user.token;
  }
  const open = async (token: string, clientCode: string, role: 'MASTER' | 'FOLLOWER', ownerId?: string) =>
    ok(
      await server.gql<{ createAccount: { id: string } }>(
        'mutation($i: CreateAccountInput!) { createAccount(input: $i) { id } }',
        { i: { label: clientCode, broker: 'PAPER', role, clientCode, ownerId } },
        token,
      ),
    ).createAccount.id;
  ids.traderMaster = await open(tokens.trader, 'PG-MASTER', 'MASTER');
  ids.clientFollower = await open(tokens.trader, 'PG-CLIENT-F', 'FOLLOWER', userIds.client);
  ids.adminMaster = await open(tokens.admin, 'PG-ADMIN-M', 'MASTER');
  const link = ok(
    await server.gql<{ createMultiplier: { id: string } }>(
      'mutation($i: CreateMultiplierInput!) { createMultiplier(input: $i) { id } }',
      { i: { masterId: ids.traderMaster, followerId: ids.clientFollower, factor: 1 } },
      tokens.trader,
    ),
  ).createMultiplier.id;

  const em = server.tandem.services.orm.em.fork();
  const base = Date.parse('2026-01-05T04:00:00.000Z');
  const write = (accountId: string, seconds: number, symbol: string, status: OrderStatus, master?: Order) => {
    const at = new Date(base + seconds * 1000);
    const order = em.create(Order, {
      accountId,
      exchange: 'NSE',
      symbol,
      token: symbol === 'SBIN-EQ' ? '3045' : '1594',
      side: 'BUY',
      quantity: 1,
      filledQuantity: status === 'FILLED' ? 1 : 0,
      orderType: 'MARKET',
      productType: 'INTRADAY',
      status,
      origin: master ? 'replicator' : 'broker',
      masterOrderId: master?.id ?? null,
      multiplierId: master ? link : null,
      brokerOrderId: `PG-${rows.length}`,
      // Planned already: the replicator leaves these masters alone.
      copyPlannedAt: master ? null : at,
      detectedAt: at,
      createdAt: at,
      updatedAt: at,
    });
    rows.push(order);
    return order;
  };
  const masters = [
    write(ids.traderMaster, 0, 'SBIN-EQ', 'FILLED'),
    write(ids.traderMaster, 10, 'INFY-EQ', 'CANCELLED'),
    write(ids.traderMaster, 20, 'SBIN-EQ', 'FILLED'),
    write(ids.traderMaster, 20, 'SBIN-EQ', 'CANCELLED'),
    write(ids.traderMaster, 30, 'INFY-EQ', 'FILLED'),
    write(ids.traderMaster, 30, 'SBIN-EQ', 'FILLED'),
  ];
  for (const master of masters.slice(1, 5))
    write(ids.clientFollower, (master.createdAt.getTime() - base) / 1000, master.symbol, 'FILLED', master);
  write(ids.adminMaster, 5, 'SBIN-EQ', 'FILLED');
  write(ids.adminMaster, 20, 'INFY-EQ', 'REJECTED');
  write(ids.adminMaster, 40, 'SBIN-EQ', 'FILLED');
  await em.flush();
}, 60_000);

afterAll(async () => server?.close());

describe('orders, a page at a time', () => {
  const cases: { name: string; viewer: keyof typeof tokens; filter: () => Filter; size: number }[] = [
    { name: 'an ADMIN, every order, 3 a page', viewer: 'admin', filter: () => ({}), size: 3 },
    { name: 'an ADMIN, every order, 1 a page', viewer: 'admin', filter: () => ({}), size: 1 },
    { name: 'an ADMIN, every order on one page', viewer: 'admin', filter: () => ({}), size: 20 },
    {
      name: "an ADMIN, the trader's master and its copies, 4 a page",
      viewer: 'admin',
      filter: () => ({ accountId: ids.traderMaster }),
      size: 4,
    },
    {
      name: 'an ADMIN, SBIN-EQ masters that filled, 2 a page',
      viewer: 'admin',
      filter: () => ({ symbol: 'sbin-eq', status: 'FILLED', mastersOnly: true }),
      size: 2,
    },
    { name: 'a TRADER, who sees their master and its linked follower', viewer: 'trader', filter: () => ({}), size: 3 },
    { name: 'a CLIENT, who sees only their own follower', viewer: 'client', filter: () => ({}), size: 3 },
    { name: 'a filter nothing matches', viewer: 'admin', filter: () => ({ symbol: 'TCS-EQ' }), size: 3 },
  ];

  for (const c of cases) {
    it(`walks forward and back over the same orders once each: ${c.name}`, async () => {
      const filter = c.filter();
      const want = expected(c.viewer, filter);
      if (filter.symbol !== 'TCS-EQ') expect(want.length).toBeGreaterThan(0);
      const { forward, backward } = await walk(c.viewer, filter, c.size);
      const pages = Math.max(1, Math.ceil(want.length / c.size));

      expect(forward.flatMap(idsOf)).toEqual(want);
      expect(forward.map((p) => p.pageInfo.hasNextPage)).toEqual(Array.from({ length: pages }, (_, i) => i < pages - 1));
      expect(forward.map((p) => p.pageInfo.hasPreviousPage)).toEqual(Array.from({ length: pages }, (_, i) => i > 0));

      // Backward pages are full from the oldest end; each keeps newest first inside.
      expect([...backward].reverse().flatMap(idsOf)).toEqual(want);
      expect(backward.map((p) => p.pageInfo.hasNextPage)).toEqual(Array.from({ length: pages }, (_, i) => i > 0));
      expect(backward.map((p) => p.pageInfo.hasPreviousPage)).toEqual(Array.from({ length: pages }, (_, i) => i < pages - 1));
      expect(idsOf(backward[0]!)).toEqual(want.slice(-c.size));

      for (const p of [...forward, ...backward]) {
        expect(p.totalCount).toBe(want.length);
        expect(p.pageInfo.startCursor).toBe(p.edges[0]?.cursor ?? null);
        expect(p.pageInfo.endCursor).toBe(p.edges.at(-1)?.cursor ?? null);
      }
    });
  }

  it('counts what each caller may see: the ADMIN every order, the TRADER fewer, the CLIENT fewer still', async () => {
    const counts = await Promise.all((['admin', 'trader', 'client'] as const).map(async (v) => (await page(v, { first: 1 })).totalCount));
    expect(counts).toEqual([rows.length, rows.length - 3, 4]);
  });

  it('goes back from any page to the one before it, and on from there to the one after', async () => {
    const first = await page('admin', { first: 4 });
    const second = await page('admin', { first: 4, after: first.pageInfo.endCursor });
    const back = await page('admin', { last: 4, before: second.pageInfo.startCursor });
    expect(idsOf(back)).toEqual(idsOf(first));
    expect(back.pageInfo).toMatchObject({ hasPreviousPage: false, hasNextPage: true });
    const on = await page('admin', { first: 4, after: back.pageInfo.endCursor });
    expect(idsOf(on)).toEqual(idsOf(second));
  });

  it('with `before` alone, gives the orders newer than the cursor, nearest 50', async () => {
    const want = expected('admin', {});
    const oldest = await page('admin', { last: 1 });
    const newer = await page('admin', { before: oldest.pageInfo.startCursor });
    expect(idsOf(newer)).toEqual(want.slice(0, -1));
    expect(newer.pageInfo).toMatchObject({ hasPreviousPage: false, hasNextPage: true });
  });

  it('with `after` and `before` together, gives what lies between them', async () => {
    const want = expected('admin', {});
    const all = await page('admin', { first: 50 });
    const between = await page('admin', { first: 50, after: all.edges[2]!.cursor, before: all.edges[8]!.cursor });
    expect(idsOf(between)).toEqual(want.slice(3, 8));
    const fromTheEnd = await page('admin', { last: 2, after: all.edges[2]!.cursor, before: all.edges[8]!.cursor });
    expect(idsOf(fromTheEnd)).toEqual(want.slice(6, 8));
    expect(fromTheEnd.pageInfo).toMatchObject({ hasPreviousPage: true, hasNextPage: true });
  });

  it('refuses first and last together, and bad sizes and cursors, naming the argument', async () => {
    expectCode(await server.gql(ORDERS, { first: 2, last: 2 }, tokens.admin), 'BAD_USER_INPUT', 'last');
    expectCode(await server.gql(ORDERS, { last: 0 }, tokens.admin), 'BAD_USER_INPUT', 'last');
    expectCode(await server.gql(ORDERS, { last: 501 }, tokens.admin), 'BAD_USER_INPUT', 'last');
    expectCode(await server.gql(ORDERS, { first: 501 }, tokens.admin), 'BAD_USER_INPUT', 'first');
    expectCode(await server.gql(ORDERS, { last: 2, before: 'garbage' }, tokens.admin), 'BAD_USER_INPUT', 'before');
    expectCode(await server.gql(ORDERS, { first: 2, after: 'garbage' }, tokens.admin), 'BAD_USER_INPUT', 'after');
  });
});
