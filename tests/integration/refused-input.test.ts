// Issue 10, findings 2 and 6: input the database cannot hold came back as the SQL statement with
// its values (an argon2 hash, the caller's account ids), unlogged. Now such input is refused at
// the edge naming the field, and whatever still fails unexpectedly reaches the client as one
// generic error whose id the log holds, over every transport.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type GraphQLResponse, type TestServer } from '../support/harness.ts';
import { capturedLog } from '../support/log-capture.ts';
import { everyOrderSettled } from '../support/orders.ts';
import { rowFingerprint } from '../support/row-fingerprint.ts';
import { openTransports, type Transports } from '../support/transports.ts';

let server: TestServer;
let net: Transports;
let admin: string;
let masterId: string;
let followerId: string;
const captured = capturedLog('error');
const logLines = captured.lines;

const UPDATE_ACCOUNT = 'mutation($id: ID!, $input: UpdateAccountInput!) { updateAccount(id: $id, input: $input) { id maxLossPerDay } }';
const LINK = 'mutation($input: CreateMultiplierInput!) { createMultiplier(input: $input) { id } }';
const CREATE_USER = 'mutation($e: String!) { createUser(email: $e, password: "a-long-password-1", role: CLIENT) { id } }';
const TOKEN = 'mutation($n: String!) { createApiToken(name: $n, scopes: [ORDERS_READ]) { token } }';

beforeAll(async () => {
  server = await startTestServer({ log: captured.log });
  admin = await server.login();
  masterId = (await server.account('DEMO-MASTER')).id;
  followerId = (await server.account('DEMO-F1')).id;
  net = await openTransports(server, admin);
  // Rows are compared below: nothing of the demo may still be moving.
  await everyOrderSettled(server);
});
afterAll(async () => {
  await net?.close();
  await server?.close();
});

/** A refused request: BAD_USER_INPUT naming `field`, no SQL in the answer, no row changed, the server still answering. */
async function refusedAt(field: string, send: () => Promise<GraphQLResponse | 'quiet'>): Promise<void> {
  const before = await rowFingerprint(server);
  const response = await send();
  expect(response, 'the request was accepted').not.toBe('quiet');
  const error = (response as GraphQLResponse).errors?.[0];
  expect(error?.extensions, JSON.stringify(response)).toMatchObject({ code: 'BAD_USER_INPUT', field });
  expect(JSON.stringify(response)).not.toMatch(/insert into|select |update "|\$argon2/i);
  expect(await rowFingerprint(server)).toEqual(before);
  expect((await server.gql('{ me { email } }', {}, admin)).data?.me).toEqual({ email: 'admin@test.local' });
}

describe('input the database cannot hold is refused before it gets there, naming the field', () => {
  it.each([
    [
      'a NUL in an account label',
      () => server.gql(UPDATE_ACCOUNT, { id: masterId, input: { label: 'Demo\u0000master' } }, admin),
      'input.label',
    ],
    [
      'a line break in an account label (no argument is multi-line text)',
      () => server.gql(UPDATE_ACCOUNT, { id: masterId, input: { label: 'Demo\nmaster' } }, admin),
      'input.label',
    ],
    [
      'a NUL in a token name written inline in the document',
      () => server.gql('mutation { createApiToken(name: "a\\u0000b", scopes: [ORDERS_READ]) { token } }', {}, admin),
      'name',
    ],
    ['a lone surrogate in a token name', () => server.gql(TOKEN, { n: 'wall\uD800board' }, admin), 'name'],
    ['a NUL in an email', () => server.gql(CREATE_USER, { e: 'a\u0000b@example.com' }, admin), 'email'],
    [
      'a 10 KB email (its INSERT used to come back with the new argon2 hash)',
      () => server.gql(CREATE_USER, { e: `${'a'.repeat(10_000)}@example.com` }, admin),
      'email',
    ],
    ['a 255-character email', () => server.gql(CREATE_USER, { e: `${'a'.repeat(243)}@example.com` }, admin), 'email'],
    [
      'a 10 KB email at sign-in',
      () =>
        server.gql('mutation($e: String!) { login(email: $e, password: "whatever-it-is") { token } }', {
          e: `${'a'.repeat(10_000)}@example.com`,
        }),
      'email',
    ],
    [
      "a NUL in the orders symbol filter (its SELECT used to list the caller's account ids)",
      () => server.gql('query($s: String) { orders(symbol: $s) { edges { node { id } } } }', { s: 'SBIN\u0000' }, admin),
      'symbol',
    ],
    [
      'a symbol filter longer than any symbol',
      () => server.gql('query($s: String) { orders(symbol: $s) { edges { node { id } } } }', { s: 'X'.repeat(65) }, admin),
      'symbol',
    ],
    [
      'a lone surrogate deep in a list of a nested input',
      () => server.gql(LINK, { input: { masterId, followerId, factor: 1, symbolsAllow: ['SBIN-EQ', '\uDC00'] } }, admin),
      'input.symbolsAllow[1]',
    ],
    [
      'maxLossPerDay 1e308 (paise overflow bigint)',
      () => server.gql(UPDATE_ACCOUNT, { id: masterId, input: { maxLossPerDay: 1e308 } }, admin),
      'input.maxLossPerDay',
    ],
    [
      'maxLossPerDay one paisa above ₹10 crore',
      () => server.gql(UPDATE_ACCOUNT, { id: masterId, input: { maxLossPerDay: 100_000_000.01 } }, admin),
      'input.maxLossPerDay',
    ],
    [
      'maxLossPerDay with a third decimal',
      () => server.gql(UPDATE_ACCOUNT, { id: masterId, input: { maxLossPerDay: 500.005 } }, admin),
      'input.maxLossPerDay',
    ],
    [
      'maxOrderValue 1e308',
      () => server.gql(LINK, { input: { masterId, followerId, factor: 1, maxOrderValue: 1e308 } }, admin),
      'input.maxOrderValue',
    ],
    [
      'a factor of 1e-12 (it was stored as 0)',
      () => server.gql(LINK, { input: { masterId, followerId, factor: 1e-12 } }, admin),
      'input.factor',
    ],
    ['a factor of -0.0009', () => server.gql(LINK, { input: { masterId, followerId, factor: -0.0009 } }, admin), 'input.factor'],
    [
      'fixedLots of 2^31 - 1',
      () => server.gql(LINK, { input: { masterId, followerId, mode: 'FIXED_LOTS', fixedLots: 2 ** 31 - 1 } }, admin),
      'input.fixedLots',
    ],
    [
      'an exchange that does not exist',
      () => server.gql(LINK, { input: { masterId, followerId, factor: 1, exchanges: ['NSE', 'MOON'] } }, admin),
      'input.exchanges',
    ],
    ['instruments(first: -1)', () => server.gql('{ instruments(first: -1) { symbol } }', {}, admin), 'first'],
    ['instruments(first: 0)', () => server.gql('{ instruments(first: 0) { symbol } }', {}, admin), 'first'],
    ['instruments(first: 501)', () => server.gql('{ instruments(first: 501) { symbol } }', {}, admin), 'first'],
    [
      'a date PostgreSQL cannot hold',
      () => server.gql('query($s: DateTime) { replicationStats(since: $s) { copied } }', { s: '-271821-04-20T00:00:00Z' }, admin),
      'since',
    ],
  ])('%s', async (_name, send, field) => {
    await refusedAt(field, send);
  });

  it('over GET, SSE and graphql-ws alike', async () => {
    await refusedAt('symbol', () =>
      net.get('query($s: String) { orders(symbol: $s) { edges { node { id } } } }', { s: 'SBIN\u0001' }, admin),
    );
    await refusedAt('accountId', () => net.sse('subscription($a: ID) { accountStatus(accountId: $a) { status } }', { a: '\u0000' }, admin));
    await refusedAt('input.label', () => net.ws(UPDATE_ACCOUNT, { id: masterId, input: { label: 'tab\there' } }));
    await refusedAt('after', () => net.ws('subscription { orderEvents(after: "0\\u0000") { cursor } }'));
  });

  it('reports every bad string of a request together', async () => {
    const response = await server.gql(
      LINK,
      { input: { masterId, followerId, factor: 1, symbolsAllow: ['A\u0000'], symbolsDeny: ['B\u0007'] } },
      admin,
    );
    expect(response.errors?.[0]?.extensions?.problems).toEqual([
      { field: 'input.symbolsAllow[0]', message: 'contains the control character U+0000; send printable text only' },
      { field: 'input.symbolsDeny[0]', message: 'contains the control character U+0007; send printable text only' },
    ]);
  });

  it('accepts the bounds themselves, stored exactly', async () => {
    const account = await server.gql(UPDATE_ACCOUNT, { id: masterId, input: { maxLossPerDay: 100_000_000 } }, admin);
    expect(account.data?.updateAccount).toMatchObject({ maxLossPerDay: 100_000_000 });
    const links = await server.gql<{ multipliers: { id: string }[] }>(
      'query($m: ID, $f: ID) { multipliers(masterId: $m, followerId: $f) { id } }',
      { m: masterId, f: followerId },
      admin,
    );
    const updated = await server.gql(
      'mutation($id: ID!) { updateMultiplier(id: $id, input: { factor: -0.001, exchanges: ["nse", "MCX"] }) { factor exchanges } }',
      { id: links.data!.multipliers[0]!.id },
      admin,
    );
    expect(updated.data?.updateMultiplier).toEqual({ factor: -0.001, exchanges: ['NSE', 'MCX'] });
    const instruments = await server.gql('{ instruments(first: 500) { symbol } }', {}, admin);
    expect(instruments.errors).toBeUndefined();
  });
});

describe('an unexpected error', () => {
  /** A schema the code does not expect, as after a botched manual change: every statement on that table fails. */
  async function withColumnRenamed<T>(table: string, column: string, run: () => Promise<T>): Promise<T> {
    const connection = server.tandem.services.orm.em.fork().getConnection();
    await connection.execute(`alter table ${table} rename column ${column} to ${column}_gone`);
    try {
      return await run();
    } finally {
      await connection.execute(`alter table ${table} rename column ${column}_gone to ${column}`);
    }
  }

  /** INTERNAL_SERVER_ERROR with an id, nothing of the statement or its values, and one log line with that id and the cause. */
  function expectMasked(response: GraphQLResponse | 'quiet', leaks: RegExp, where: Record<string, unknown>): void {
    expect(response).not.toBe('quiet');
    const { errors, status } = response as GraphQLResponse;
    expect(status).toBeLessThan(500);
    expect(errors, JSON.stringify(response)).toHaveLength(1);
    const errorId = errors![0]!.extensions?.errorId as string;
    expect(errors![0]).toMatchObject({
      message: `Unexpected error; it has been logged (id ${errorId})`,
      extensions: { code: 'INTERNAL_SERVER_ERROR' },
    });
    expect(errorId).toMatch(/^[0-9a-f-]{36}$/);
    expect(JSON.stringify(response)).not.toMatch(leaks);
    expect(JSON.stringify(response)).not.toMatch(/ at .*\.ts:\d+|stack/);
    const logged = logLines.filter((line) => line.errorId === errorId);
    expect(logged).toHaveLength(1);
    expect(logged[0]).toMatchObject({ level: 50, ...where });
    expect(logged[0]!.err?.message).toMatch(leaks);
    expect(logged[0]!.err?.stack).toBeTruthy();
  }

  it('from a mutation over POST: no statement, no values, rows untouched, the id logged with the operation and the cause', async () => {
    const before = await rowFingerprint(server);
    const response = await withColumnRenamed('api_tokens', 'prefix', () =>
      net.post(
        'mutation MakeWallboardToken($n: String!) { createApiToken(name: $n, scopes: [ORDERS_READ]) { token } }',
        { n: 'wallboard-7f3a' },
        admin,
      ),
    );
    expectMasked(response, /api_tokens|wallboard-7f3a|insert into/i, { operation: 'mutation MakeWallboardToken', path: 'createApiToken' });
    expect(await rowFingerprint(server)).toEqual(before);
  });

  it('from a query over GET and over graphql-ws', async () => {
    await withColumnRenamed('api_tokens', 'user_id', async () => {
      expectMasked(await net.get('query Tokens { apiTokens { id name } }', undefined, admin), /api_tokens|select /i, {
        operation: 'query Tokens',
        path: 'apiTokens',
      });
      expectMasked(await net.ws('query TokensOverWs { apiTokens { id name } }'), /api_tokens|select /i, {
        operation: 'query TokensOverWs',
        path: 'apiTokens',
      });
    });
  });

  it("from a subscription's stream over SSE and over graphql-ws", async () => {
    await withColumnRenamed('order_events', 'cursor', async () => {
      const query = 'subscription Replay { orderEvents(after: "0") { cursor } }';
      expectMasked(await net.sse(query, undefined, admin), /order_events|select /i, { operation: 'subscription Replay' });
      expectMasked(await net.ws(query), /order_events|select /i, { operation: 'subscription Replay' });
    });
  });
});
