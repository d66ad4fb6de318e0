// Who may do what, proven over HTTP (subscriptions over SSE) for every root field and the fields
// that reach across to another account, for every kind of caller. The expected outcome comes
// from the table below, written by hand from the design's rules (not read from the schema
// code): a session acts by its role; an API token by its owner's role AND a scope it carries;
// users, API tokens and the global kill switch need a session. A root field the table does not
// list fails the test.
import { randomBytes } from 'node:crypto';
import { getNamedType, isObjectType } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { schema } from '../../server/src/graphql/index.ts';
import { Order } from '../../server/src/persistence/entities/index.ts';
import { gqlAt, ok, readAnswer } from '../support/gql.ts';
import { startTestServer, waitFor, type GraphQLResponse, type TestServer } from '../support/harness.ts';
import { listen, type Listening } from '../support/listening.ts';
import { everyOrderSettled } from '../support/orders.ts';
import { streamEvents } from '../support/sse.ts';

type Role = 'ADMIN' | 'TRADER' | 'CLIENT';
type Scope = 'ORDERS_READ' | 'ORDERS_WRITE' | 'ACCOUNTS_READ' | 'ACCOUNTS_WRITE';
const ROLES: Role[] = ['ADMIN', 'TRADER', 'CLIENT'];
const SCOPES: Scope[] = ['ORDERS_READ', 'ORDERS_WRITE', 'ACCOUNTS_READ', 'ACCOUNTS_WRITE'];
const ALL: Role[] = ['ADMIN', 'TRADER', 'CLIENT'];
const STAFF: Role[] = ['ADMIN', 'TRADER'];

/**
 * The rule of one field. `sessions`: roles whose sessions may use it. `token`: the scope a token
 * needs, or the scopes it needs all of (absent: tokens never may), and its owner must have one
 * of `sessions`' roles; a token lacking some is told the first it lacks.
 * `targeted`: it names an object, so a caller who cannot see it gets NOT_FOUND.
 * `list`: a caller who owns nothing gets an empty list.
 */
interface FieldRule {
  public?: true;
  sessions?: Role[];
  token?: Scope | Scope[];
  targeted?: true;
  list?: true;
}

const TABLE: Record<string, FieldRule> = {
  'Query.me': { sessions: ALL },
  'Query.accounts': { sessions: ALL, token: 'ACCOUNTS_READ', list: true },
  'Query.account': { sessions: ALL, token: 'ACCOUNTS_READ', targeted: true },
  'Query.apiTokens': { sessions: ALL },
  'Query.globalKillSwitch': { sessions: ALL, token: 'ACCOUNTS_READ' },
  'Query.instruments': { sessions: ALL, token: 'ORDERS_READ' },
  'Query.multipliers': { sessions: ALL, token: 'ACCOUNTS_READ', list: true },
  'Query.order': { sessions: ALL, token: 'ORDERS_READ', targeted: true },
  'Query.orders': { sessions: ALL, token: 'ORDERS_READ', list: true },
  'Query.latestOrderEventCursor': { sessions: ALL, token: 'ORDERS_READ' },
  'Query.replicationStats': { sessions: ALL, token: 'ORDERS_READ', list: true },
  'Query.auditEntries': { sessions: ALL },
  'Query.positions': { sessions: ALL, token: ['ACCOUNTS_READ', 'ORDERS_READ'], targeted: true },
  'Query.positionDrift': { sessions: ALL, token: ['ACCOUNTS_READ', 'ORDERS_READ'], targeted: true },
  'Mutation.login': { public: true },
  'Mutation.createUser': { sessions: ['ADMIN'] },
  'Mutation.createAccount': { sessions: STAFF, token: 'ACCOUNTS_WRITE' },
  'Mutation.updateAccount': { sessions: ALL, token: 'ACCOUNTS_WRITE', targeted: true },
  'Mutation.deleteAccount': { sessions: STAFF, token: 'ACCOUNTS_WRITE', targeted: true },
  'Mutation.connectAccount': { sessions: ALL, token: 'ACCOUNTS_WRITE', targeted: true },
  'Mutation.setKillSwitch(global)': { sessions: ['ADMIN'] },
  'Mutation.setKillSwitch(account)': { sessions: STAFF, token: 'ACCOUNTS_WRITE', targeted: true },
  'Mutation.createMultiplier': { sessions: STAFF, token: 'ACCOUNTS_WRITE', targeted: true },
  'Mutation.updateMultiplier': { sessions: STAFF, token: 'ACCOUNTS_WRITE', targeted: true },
  'Mutation.deleteMultiplier': { sessions: STAFF, token: 'ACCOUNTS_WRITE', targeted: true },
  'Mutation.placeOrder': { sessions: STAFF, token: 'ORDERS_WRITE', targeted: true },
  'Mutation.modifyOrder': { sessions: STAFF, token: 'ORDERS_WRITE', targeted: true },
  'Mutation.cancelOrder': { sessions: STAFF, token: 'ORDERS_WRITE', targeted: true },
  'Mutation.squareOff': { sessions: STAFF, token: 'ORDERS_WRITE', targeted: true },
  'Mutation.squareOffFollowers': { sessions: STAFF, token: 'ORDERS_WRITE', targeted: true },
  'Mutation.createApiToken': { sessions: ALL },
  'Mutation.revokeApiToken': { sessions: ALL, targeted: true },
  'Subscription.orderEvents': { sessions: ALL, token: 'ORDERS_READ' },
  'Subscription.accountStatus': { sessions: ALL, token: 'ACCOUNTS_READ' },
};

/**
 * Fields that reach another account, asked for through a root field the caller may use. A
 * token without ACCOUNTS_READ gets null there, with FORBIDDEN on that path, and the rest of
 * the answer. A CLIENT does not see the master their account follows: null, no error.
 */
const NESTED: Record<string, { via: string; token: Scope; hiddenFromClient?: true }> = {
  'Order.account': { via: 'Query.orders', token: 'ACCOUNTS_READ' },
  'Multiplier.master': { via: 'Query.multipliers', token: 'ACCOUNTS_READ', hiddenFromClient: true },
  'Multiplier.follower': { via: 'Query.multipliers', token: 'ACCOUNTS_READ' },
  'FollowerReplicationStats.follower': { via: 'Query.replicationStats', token: 'ACCOUNTS_READ' },
};

/** Whose objects a caller aims at: a trader's world (their master, the client's follower) or the client's. */
type World = 'trader' | 'client';

interface Caller {
  name: string;
  credential: 'none' | 'session' | 'token' | 'revoked';
  role: Role | null;
  scopes: Scope[];
  /** Owns nothing under test: everything it names is someone else's. */
  nobody: boolean;
  world: World;
  secret: string | null;
}

type Outcome =
  | { kind: 'ok' }
  | { kind: 'empty' }
  | { kind: 'null' }
  | { kind: 'refused'; code: 'UNAUTHENTICATED' | 'NOT_FOUND' }
  | { kind: 'refused'; code: 'FORBIDDEN'; extension: Record<string, string> };

const least = (roles: Role[]): Role => (roles.includes('CLIENT') ? 'CLIENT' : roles.includes('TRADER') ? 'TRADER' : 'ADMIN');

function expectedFor(field: string, caller: Caller): Outcome {
  const rule = TABLE[field]!;
  if (rule.public) return { kind: 'ok' };
  if (caller.credential === 'none' || caller.credential === 'revoked') return { kind: 'refused', code: 'UNAUTHENTICATED' };
  const roles = rule.sessions!;
  if (caller.credential === 'token') {
    if (!rule.token) return { kind: 'refused', code: 'FORBIDDEN', extension: { requiredCredential: 'SESSION' } };
    if (!roles.includes(caller.role!)) return { kind: 'refused', code: 'FORBIDDEN', extension: { requiredRole: least(roles) } };
    const lacking = [rule.token].flat().find((scope) => !caller.scopes.includes(scope));
    if (lacking) return { kind: 'refused', code: 'FORBIDDEN', extension: { requiredScope: lacking } };
  } else if (!roles.includes(caller.role!)) {
    return { kind: 'refused', code: 'FORBIDDEN', extension: { requiredRole: least(roles) } };
  }
  if (caller.nobody && rule.targeted) return { kind: 'refused', code: 'NOT_FOUND' };
  if (caller.nobody && rule.list) return { kind: 'empty' };
  return { kind: 'ok' };
}

function expectedNested(field: string, caller: Caller): Outcome {
  const nested = NESTED[field]!;
  const root = expectedFor(nested.via, caller);
  if (root.kind !== 'ok') return root;
  if (caller.credential === 'token' && !caller.scopes.includes(nested.token)) {
    return { kind: 'refused', code: 'FORBIDDEN', extension: { requiredScope: nested.token } };
  }
  if (nested.hiddenFromClient && caller.world === 'client') return { kind: 'null' };
  return { kind: 'ok' };
}

// ---- the server, its people and their objects ----

const PASSWORD = 'a-long-password-1';
let server: TestServer;
let http: Listening;
let base: string;
const sessions: Record<'admin' | 'trader' | 'client' | 'traderNobody' | 'clientNobody', string> = {} as never;
const userIds: Record<string, string> = {};
const ids = {} as {
  traderMaster: string;
  quietMaster: string;
  clientFollower: string;
  link: string;
  masterOrder: string;
  childOrder: string;
  restingOrder: string;
};
const callers: Caller[] = [];

const unique = () => randomBytes(4).toString('hex').toUpperCase();

async function asAdmin<T = Record<string, unknown>>(
  query: string,
  variables: Record<string, unknown> = {},
  secret = sessions.admin,
): Promise<T> {
  return ok(await gqlAt<T>(base, query, variables, secret));
}

/**
 * The first frame of a subscription over SSE. One that is allowed but has nothing to say yet
 * (live only, or nothing visible) stays open: after `quietMs` that counts as accepted.
 */
async function sseFirst(query: string, variables: Record<string, unknown>, secret: string | null, quietMs = 600): Promise<GraphQLResponse> {
  const abort = new AbortController();
  const timer = setTimeout(() => abort.abort(), quietMs);
  try {
    const response = await fetch(`${base}/graphql`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        accept: 'text/event-stream',
        ...(secret ? { authorization: `Bearer ${secret}` } : {}),
      },
      body: JSON.stringify({ query, variables }),
      signal: abort.signal,
    });
    if (!response.headers.get('content-type')?.includes('text/event-stream')) return readAnswer(response);
    for await (const { event, data } of streamEvents(response.body!)) {
      if (event === 'next') return { status: response.status, ...(JSON.parse(data) as object) };
    }
    return { status: response.status, data: { open: true } };
  } catch (error) {
    if ((error as Error).name === 'AbortError') return { status: 200, data: { open: true } };
    throw error;
  } finally {
    clearTimeout(timer);
    abort.abort();
  }
}

/** What each caller aims at: their own world's objects (or, for those who own nothing, someone else's). */
function target(caller: Caller) {
  const client = caller.world === 'client';
  return {
    account: client ? ids.clientFollower : ids.traderMaster,
    order: client ? ids.childOrder : ids.masterOrder,
    ownerId: client ? userIds.client! : userIds.trader!,
    ownerSession: client ? sessions.client : sessions.trader,
  };
}

async function freshAccount(ownerId: string, role: 'MASTER' | 'FOLLOWER' = 'FOLLOWER'): Promise<string> {
  const code = `M${unique()}`;
  const data = await asAdmin<{ createAccount: { id: string } }>('mutation($i: CreateAccountInput!) { createAccount(input: $i) { id } }', {
    i: { label: code, broker: 'PAPER', role, clientCode: code, ownerId },
  });
  return data.createAccount.id;
}

const orderInput = (accountId: string, extra: Record<string, unknown> = {}) => ({
  accountId,
  exchange: 'NSE',
  symbol: 'SBIN-EQ',
  side: 'BUY',
  quantity: 1,
  orderType: 'MARKET',
  productType: 'INTRADAY',
  ...extra,
});
/** A LIMIT a little below the market (inside the day's band) rests on the paper book until cancelled. */
const RESTING = { orderType: 'LIMIT', price: 0 };

/** How each field is asked: the document, its variables (made fresh per case where it consumes something) and the transport. */
const PROBES: Record<string, (caller: Caller) => Promise<{ query: string; variables?: Record<string, unknown>; sse?: true }>> = {
  'Query.me': async () => ({ query: '{ me { id } }' }),
  'Query.accounts': async () => ({ query: '{ accounts { id } }' }),
  'Query.account': async (c) => ({ query: 'query($id: ID!) { account(id: $id) { id } }', variables: { id: target(c).account } }),
  'Query.apiTokens': async () => ({ query: '{ apiTokens { id } }' }),
  'Query.globalKillSwitch': async () => ({ query: '{ globalKillSwitch }' }),
  'Query.instruments': async () => ({ query: '{ instruments(first: 1) { token } }' }),
  'Query.multipliers': async () => ({ query: '{ multipliers { id } }' }),
  'Query.order': async (c) => ({ query: 'query($id: ID!) { order(id: $id) { id } }', variables: { id: target(c).order } }),
  'Query.orders': async () => ({ query: '{ orders(first: 5) { edges { node { id } } } }' }),
  'Query.latestOrderEventCursor': async () => ({ query: '{ latestOrderEventCursor }' }),
  'Query.replicationStats': async () => ({ query: '{ replicationStats { followerId } }' }),
  'Query.auditEntries': async () => ({ query: '{ auditEntries(first: 5) { edges { node { id actor } } } }' }),
  'Query.positions': async (c) => ({
    query: 'query($id: ID!) { positions(accountId: $id) { symbol quantity source } }',
    variables: { id: target(c).account },
  }),
  'Query.positionDrift': async (c) => ({
    query: 'query($id: ID!) { positionDrift(masterId: $id, includeZero: true) { symbol expected actual drift } }',
    variables: { id: target(c).account },
  }),
  'Mutation.login': async () => ({
    query: 'mutation($e: String!, $p: String!) { login(email: $e, password: $p) { token } }',
    variables: { e: 'client@matrix.test', p: PASSWORD },
  }),
  'Mutation.createUser': async () => ({
    query: 'mutation($e: String!) { createUser(email: $e, password: "a-long-password-1", role: CLIENT) { id } }',
    variables: { e: `u${unique().toLowerCase()}@matrix.test` },
  }),
  'Mutation.createAccount': async () => {
    const code = `N${unique()}`;
    return {
      query: 'mutation($i: CreateAccountInput!) { createAccount(input: $i) { id } }',
      variables: { i: { label: code, broker: 'PAPER', role: 'FOLLOWER', clientCode: code } },
    };
  },
  'Mutation.updateAccount': async (c) => ({
    query: 'mutation($id: ID!) { updateAccount(id: $id, input: { copyEnabled: true }) { id } }',
    variables: { id: target(c).account },
  }),
  'Mutation.deleteAccount': async (c) => ({
    query: 'mutation($id: ID!) { deleteAccount(id: $id) }',
    variables: { id: await freshAccount(target(c).ownerId) },
  }),
  'Mutation.connectAccount': async (c) => ({
    query: 'mutation($id: ID!) { connectAccount(id: $id) { id } }',
    variables: { id: target(c).account },
  }),
  'Mutation.setKillSwitch(global)': async () => ({ query: 'mutation { setKillSwitch(accountId: null, engaged: false) { engaged } }' }),
  'Mutation.setKillSwitch(account)': async (c) => ({
    query: 'mutation($id: ID) { setKillSwitch(accountId: $id, engaged: false) { engaged } }',
    variables: { id: target(c).account },
  }),
  'Mutation.createMultiplier': async () => ({
    query: 'mutation($i: CreateMultiplierInput!) { createMultiplier(input: $i) { id } }',
    variables: { i: { masterId: ids.traderMaster, followerId: await freshAccount(userIds.trader!), factor: 1 } },
  }),
  'Mutation.updateMultiplier': async () => ({
    query: 'mutation($id: ID!) { updateMultiplier(id: $id, input: { paused: false }) { id } }',
    variables: { id: ids.link },
  }),
  'Mutation.deleteMultiplier': async () => {
    const follower = await freshAccount(userIds.trader!);
    const link = await asAdmin<{ createMultiplier: { id: string } }>(
      'mutation($i: CreateMultiplierInput!) { createMultiplier(input: $i) { id } }',
      { i: { masterId: ids.traderMaster, followerId: follower, factor: 1 } },
    );
    return { query: 'mutation($id: ID!) { deleteMultiplier(id: $id) }', variables: { id: link.createMultiplier.id } };
  },
  'Mutation.placeOrder': async () => ({
    query: 'mutation($i: PlaceOrderInput!) { placeOrder(input: $i) { id } }',
    variables: { i: orderInput(ids.quietMaster) },
  }),
  'Mutation.modifyOrder': async () => ({
    query: 'mutation($id: ID!, $price: Float!) { modifyOrder(id: $id, input: { price: $price }) { id } }',
    variables: { id: ids.restingOrder, price: RESTING.price },
  }),
  'Mutation.cancelOrder': async () => {
    const placed = await asAdmin<{ placeOrder: { id: string } }>('mutation($i: PlaceOrderInput!) { placeOrder(input: $i) { id } }', {
      i: orderInput(ids.quietMaster, RESTING),
    });
    return { query: 'mutation($id: ID!) { cancelOrder(id: $id) { id } }', variables: { id: placed.placeOrder.id } };
  },
  'Mutation.squareOff': async (c) => ({
    query: 'mutation($id: ID!) { squareOff(accountId: $id) { id } }',
    variables: { id: target(c).account },
  }),
  'Mutation.squareOffFollowers': async (c) => ({
    query: 'mutation($id: ID!) { squareOffFollowers(masterId: $id) { id } }',
    variables: { id: target(c).account },
  }),
  'Mutation.createApiToken': async () => ({ query: 'mutation { createApiToken(name: "matrix", scopes: [ORDERS_READ]) { token } }' }),
  'Mutation.revokeApiToken': async (c) => {
    const made = await asAdmin<{ createApiToken: { apiToken: { id: string } } }>(
      'mutation { createApiToken(name: "to revoke", scopes: [ORDERS_READ]) { apiToken { id } } }',
      {},
      target(c).ownerSession,
    );
    return { query: 'mutation($id: ID!) { revokeApiToken(id: $id) { id } }', variables: { id: made.createApiToken.apiToken.id } };
  },
  'Subscription.orderEvents': async () => ({ query: 'subscription { orderEvents(after: "0") { cursor } }', sse: true }),
  'Subscription.accountStatus': async () => ({ query: 'subscription { accountStatus { accountId } }', sse: true }),
};

type ProbeItem = Record<string, unknown>;
/** The data of one of the probes' queries: only the root field it asked for is there. */
type ProbeData = { orders?: { edges: { node: ProbeItem }[] }; multipliers?: ProbeItem[]; replicationStats?: ProbeItem[] };

const NESTED_PROBES: Record<string, { query: string; list: (data: ProbeData) => ProbeItem[]; field: string; path: (string | number)[] }> = {
  'Order.account': {
    query: '{ orders(first: 5) { edges { node { accountId account { id } } } } }',
    list: (d) => d.orders!.edges.map((e) => e.node),
    field: 'account',
    path: ['orders', 'edges', 0, 'node', 'account'],
  },
  'Multiplier.master': {
    query: '{ multipliers { masterId master { id } } }',
    list: (d) => d.multipliers!,
    field: 'master',
    path: ['multipliers', 0, 'master'],
  },
  'Multiplier.follower': {
    query: '{ multipliers { followerId follower { id } } }',
    list: (d) => d.multipliers!,
    field: 'follower',
    path: ['multipliers', 0, 'follower'],
  },
  'FollowerReplicationStats.follower': {
    query: '{ replicationStats { followerId follower { id } } }',
    list: (d) => d.replicationStats!,
    field: 'follower',
    path: ['replicationStats', 0, 'follower'],
  },
};

function check(label: string, outcome: Outcome, answer: GraphQLResponse, rootName: string): void {
  const where = `${label}: ${JSON.stringify(answer).slice(0, 400)}`;
  expect(answer.status, where).toBeLessThan(500);
  if (outcome.kind === 'refused') {
    const error = answer.errors?.[0];
    expect(error?.extensions?.code, where).toBe(outcome.code);
    if (outcome.code === 'FORBIDDEN') expect(error?.extensions, where).toMatchObject(outcome.extension);
    expect(answer.data?.[rootName] ?? null, where).toBeNull();
    return;
  }
  expect(answer.errors, where).toBeUndefined();
  const value = answer.data?.[rootName] ?? answer.data?.open;
  expect(value, where).not.toBeUndefined();
  expect(value, where).not.toBeNull();
  if (outcome.kind === 'empty') {
    const list = Array.isArray(value) ? value : (value as { edges: unknown }).edges;
    expect(list, where).toEqual([]);
  }
}

beforeAll(async () => {
  server = await startTestServer();
  http = await listen(server);
  base = http.base;
  sessions.admin = await server.login();
  for (const [name, role] of [
    ['trader', 'TRADER'],
    ['client', 'CLIENT'],
    ['traderNobody', 'TRADER'],
    ['clientNobody', 'CLIENT'],
  ] as const) {
    const email = `${name.toLowerCase()}@matrix.test`;
    userIds[name] = (
      await asAdmin<{ createUser: { id: string } }>(
        'mutation($e: String!, $r: UserRole!) { createUser(email: $e, password: "a-long-password-1", role: $r) { id } }',
        { e: email, r: role },
      )
    ).createUser.id;
    sessions[name] = await server.login(email, PASSWORD);
  }
  const { instruments } = await asAdmin<{ instruments: { lastPrice: number; tickSize: number }[] }>(
    '{ instruments(search: "SBIN-EQ", first: 1) { lastPrice tickSize } }',
  );
  const { lastPrice, tickSize } = instruments[0]!;
  RESTING.price = Number((Math.floor((lastPrice * 0.95) / tickSize) * tickSize).toFixed(2));
  const open = async (code: string, role: 'MASTER' | 'FOLLOWER', ownerId?: string) =>
    (
      await asAdmin<{ createAccount: { id: string } }>(
        'mutation($i: CreateAccountInput!) { createAccount(input: $i) { id } }',
        { i: { label: code, broker: 'PAPER', role, clientCode: code, ownerId } },
        sessions.trader,
      )
    ).createAccount.id;
  ids.traderMaster = await open('MX-MASTER', 'MASTER');
  ids.quietMaster = await open('MX-QUIET', 'MASTER');
  ids.clientFollower = await open('MX-CLIENT-F', 'FOLLOWER', userIds.client);
  ids.link = (
    await asAdmin<{ createMultiplier: { id: string } }>(
      'mutation($i: CreateMultiplierInput!) { createMultiplier(input: $i) { id } }',
      { i: { masterId: ids.traderMaster, followerId: ids.clientFollower, factor: 1 } },
      sessions.trader,
    )
  ).createMultiplier.id;
  ids.masterOrder = (
    await asAdmin<{ placeOrder: { id: string } }>(
      'mutation($i: PlaceOrderInput!) { placeOrder(input: $i) { id } }',
      { i: orderInput(ids.traderMaster) },
      sessions.trader,
    )
  ).placeOrder.id;
  ids.restingOrder = (
    await asAdmin<{ placeOrder: { id: string } }>(
      'mutation($i: PlaceOrderInput!) { placeOrder(input: $i) { id } }',
      { i: orderInput(ids.quietMaster, RESTING) },
      sessions.trader,
    )
  ).placeOrder.id;
  ids.childOrder = await waitFor(
    async () => (await server.tandem.services.orm.em.fork().findOne(Order, { masterOrderId: ids.masterOrder }))?.id,
    10_000,
    'the copy',
  );
  await everyOrderSettled(server, { restingAllowed: true });

  callers.push({ name: 'anonymous', credential: 'none', role: null, scopes: [], nobody: true, world: 'trader', secret: null });
  for (const role of ROLES) {
    const key = role === 'ADMIN' ? 'admin' : role === 'TRADER' ? 'trader' : 'client';
    const world: World = role === 'CLIENT' ? 'client' : 'trader';
    callers.push({ name: `${role} session`, credential: 'session', role, scopes: [], nobody: false, world, secret: sessions[key] });
    for (const scopes of [...SCOPES.map((s) => [s]), SCOPES]) {
      const made = await asAdmin<{ createApiToken: { token: string } }>(
        'mutation($s: [ApiTokenScope!]!) { createApiToken(name: "matrix", scopes: $s) { token } }',
        { s: scopes },
        sessions[key],
      );
      callers.push({
        name: `${role}'s token [${scopes.length === 4 ? 'all scopes' : scopes[0]}]`,
        credential: 'token',
        role,
        scopes,
        nobody: false,
        world,
        secret: made.createApiToken.token,
      });
    }
  }
  const revoked = await asAdmin<{ createApiToken: { token: string; apiToken: { id: string } } }>(
    'mutation { createApiToken(name: "revoked", scopes: [ORDERS_READ, ORDERS_WRITE, ACCOUNTS_READ, ACCOUNTS_WRITE]) { token apiToken { id } } }',
  );
  await asAdmin('mutation($id: ID!) { revokeApiToken(id: $id) { id } }', { id: revoked.createApiToken.apiToken.id });
  callers.push({
    name: 'revoked token',
    credential: 'revoked',
    role: 'ADMIN',
    scopes: SCOPES,
    nobody: false,
    world: 'trader',
    secret: revoked.createApiToken.token,
  });
  callers.push({
    name: 'TRADER who owns nothing',
    credential: 'session',
    role: 'TRADER',
    scopes: [],
    nobody: true,
    world: 'trader',
    secret: sessions.traderNobody,
  });
  callers.push({
    name: 'CLIENT who owns nothing',
    credential: 'session',
    role: 'CLIENT',
    scopes: [],
    nobody: true,
    world: 'client',
    secret: sessions.clientNobody,
  });
}, 120_000);

afterAll(async () => {
  await http?.close();
  await server?.close();
});

/** Runs `work` over `items` with at most `limit` at a time. */
async function pool<T>(items: T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  const queue = [...items];
  await Promise.all(
    Array.from({ length: limit }, async () => {
      for (let item = queue.shift(); item !== undefined; item = queue.shift()) await work(item);
    }),
  );
}

describe('the authorization matrix', () => {
  it('lists every root field of the schema, and nothing that is not one', () => {
    const roots = ['Query', 'Mutation', 'Subscription'].flatMap((name) => {
      const type = schema.getType(name);
      return type && isObjectType(type) ? Object.keys(type.getFields()).map((field) => `${name}.${field}`) : [];
    });
    const listed = new Set(Object.keys(TABLE).map((field) => field.replace(/\(.*\)$/, '')));
    expect(
      roots.filter((field) => !listed.has(field)),
      'root fields with no row in the table',
    ).toEqual([]);
    expect(
      [...listed].filter((field) => !roots.includes(field)),
      'rows for fields the schema does not have',
    ).toEqual([]);
    for (const [field, nested] of Object.entries(NESTED)) {
      const [typeName, fieldName] = field.split('.') as [string, string];
      const type = schema.getType(typeName);
      expect(type && isObjectType(type) && getNamedType(type.getFields()[fieldName]!.type).name, field).toBe('Account');
      expect(TABLE[nested.via], field).toBeDefined();
    }
  });

  it('gives every caller what the table says on every root field, over HTTP and SSE', async () => {
    const cases = Object.keys(TABLE).flatMap((field) => callers.map((caller) => ({ field, caller })));
    const failures: string[] = [];
    const checkCase = async ({ field, caller }: { field: string; caller: Caller }): Promise<void> => {
      const probe = await PROBES[field]!(caller);
      const expected = expectedFor(field, caller);
      // A refusal always comes, however busy the machine: wait for it as long as it takes. Only an
      // accepted subscription with nothing to say yet is taken as accepted after a quiet spell.
      const answer = probe.sse
        ? await sseFirst(probe.query, probe.variables ?? {}, caller.secret, expected.kind === 'refused' ? 15_000 : 600)
        : await gqlAt(base, probe.query, probe.variables ?? {}, caller.secret);
      const rootName = field.replace(/\(.*\)$/, '').split('.')[1]!;
      try {
        check(`${field} as ${caller.name}`, expected, answer, rootName);
      } catch (error) {
        failures.push((error as Error).message.split('\n')[0]!);
      }
    };
    // Sign-ins (all for one email) go one at a time: the limiter counts a sign-in against the
    // email until its password proves right, so parallel guesses cannot all slip through at once.
    await pool(
      cases.filter((c) => c.field !== 'Mutation.login'),
      6,
      checkCase,
    );
    await pool(
      cases.filter((c) => c.field === 'Mutation.login'),
      1,
      checkCase,
    );
    console.info(`[matrix] ${cases.length} root-field cases: ${Object.keys(TABLE).length} fields x ${callers.length} callers`);
    expect(failures).toEqual([]);
  }, 240_000);

  it('refuses a field that reaches another account alone, keeping the rest of the answer', async () => {
    const cases = Object.keys(NESTED).flatMap((field) => callers.map((caller) => ({ field, caller })));
    const failures: string[] = [];
    await pool(cases, 6, async ({ field, caller }) => {
      const probe = NESTED_PROBES[field]!;
      const answer = await gqlAt<ProbeData>(base, probe.query, {}, caller.secret);
      const outcome = expectedNested(field, caller);
      const label = `${field} as ${caller.name}`;
      const where = `${label}: ${JSON.stringify(answer).slice(0, 400)}`;
      try {
        expect(answer.status, where).toBeLessThan(500);
        const root = expectedFor(NESTED[field]!.via, caller);
        if (root.kind !== 'ok') {
          check(label, root, answer, probe.path[0] as string);
          return;
        }
        const items = probe.list(answer.data!);
        expect(items.length, `${where} (the fixture gives every caller who may look something to see)`).toBeGreaterThan(0);
        if (outcome.kind === 'refused' && outcome.code === 'FORBIDDEN') {
          expect(
            items.every((item) => item[probe.field] === null),
            where,
          ).toBe(true);
          expect(answer.errors?.[0]?.path, where).toEqual(probe.path);
          expect(answer.errors?.[0]?.extensions, where).toMatchObject({ code: 'FORBIDDEN', ...outcome.extension });
        } else if (outcome.kind === 'null') {
          expect(answer.errors, where).toBeUndefined();
          expect(
            items.every((item) => item[probe.field] === null),
            where,
          ).toBe(true);
        } else {
          expect(answer.errors, where).toBeUndefined();
          expect(
            items.every((item) => item[probe.field] !== null),
            where,
          ).toBe(true);
        }
      } catch (error) {
        failures.push((error as Error).message.split('\n')[0]!);
      }
    });
    console.info(`[matrix] ${cases.length} cross-account field cases`);
    expect(failures).toEqual([]);
  }, 120_000);
});
