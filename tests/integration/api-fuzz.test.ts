// Every root field of the schema, called with arguments generated from their types: strings with
// NUL, control characters, lone surrogates and 10 KB, numbers far outside every column, fractions,
// wrong enum values, random and real IDs, missing required fields. Sent as POST variables, GET
// (queries), inline literals and over graphql-ws (subscriptions too), as an ADMIN. Whatever comes
// back, no error may be INTERNAL_SERVER_ERROR, no answer a 5xx, /health stays 200, and a refused
// request changes no row. A failure prints fast-check's seed and the shrunk arguments; run it again
// with FUZZ_SEED=<seed>.
import fc from 'fast-check';
import {
  getNamedType,
  isEnumType,
  isInputObjectType,
  isLeafType,
  isListType,
  isNonNullType,
  isObjectType,
  type GraphQLField,
  type GraphQLInputType,
  type GraphQLObjectType,
  type GraphQLOutputType,
} from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { schema } from '../../server/src/graphql/index.ts';
import { startTestServer, waitFor, type GraphQLResponse, type TestServer } from '../support/harness.ts';
import { rowFingerprint } from '../support/row-fingerprint.ts';
import { openTransports, type Transports } from '../support/transports.ts';

/** Runs per root field; argon2 makes every accepted sign-in and new user cost tens of milliseconds. */
const DEFAULT_RUNS = 100;
const RUNS: Record<string, number> = { login: 25, createUser: 40 };
/** These would delete or revoke the fixture the other fields need: they get IDs of nothing. */
const RANDOM_IDS_ONLY = new Set(['deleteAccount', 'deleteMultiplier', 'revokeApiToken']);
/** How long an accepted subscription is listened to before it is taken as accepted. */
const SUBSCRIPTION_QUIET_MS = 150;
const SEED = process.env.FUZZ_SEED === undefined ? undefined : Number(process.env.FUZZ_SEED);

let server: TestServer;
let net: Transports;
let admin: string;
/** Real IDs by kind, so arguments also get past "not found". */
const known = {
  accounts: [] as string[],
  orders: [] as string[],
  multipliers: [] as string[],
  users: [] as string[],
  tokens: [] as string[],
  cursors: [] as string[],
};
let unique = 0;

// ---- values ---------------------------------------------------------------------------------

type Mode = 'gentle' | 'hostile';
interface Scope {
  mode: Mode;
  root: string;
  randomIds: boolean;
}

/** What the database cannot store or a log should not hold: control characters (tab and line breaks too) and lone surrogates. */
const FORBIDDEN_CHARS = [
  '\u0000',
  '\u0001',
  '\u0007',
  '\t',
  '\n',
  '\r',
  '\u001b',
  '\u007f',
  '\u0085',
  '\u009f',
  '\uD800',
  '\uDBFF',
  '\uDC00',
  '\uDFFF',
];
/** Accepted, but easy to get wrong: quoting, escaping, LIKE and JSON specials, invisible and astral characters. */
const AWKWARD_CHARS = [
  '\u2028',
  '\u202E',
  '\uFEFF',
  '\uFFFF',
  '\u{1F600}',
  'é',
  '"',
  '\\',
  "'",
  '%',
  '_',
  '$',
  '{',
  '}',
  '|',
  '<',
  'a',
  'Z',
  '0',
  '-',
  ' ',
];
const evilChar = fc.oneof(
  { arbitrary: fc.constantFrom(...FORBIDDEN_CHARS), weight: 3 },
  { arbitrary: fc.constantFrom(...AWKWARD_CHARS), weight: 3 },
  { arbitrary: fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }), weight: 1 },
);
const evilString = fc.oneof(
  { arbitrary: fc.string({ unit: evilChar, minLength: 1, maxLength: 12 }), weight: 5 },
  {
    arbitrary: fc.constantFrom(
      '',
      ' ',
      'x'.repeat(101),
      'x'.repeat(255),
      'x'.repeat(1001),
      `${'a'.repeat(10_000)}@example.com`,
      "' or 1=1 --",
      '"; drop table users; --',
      'null',
      'NaN',
    ),
    weight: 2,
  },
);
const fresh = (prefix: string) => fc.constant(null).map(() => `${prefix}${++unique}`);

/** Values a careful caller would send, by argument or input field name. */
function sensible(name: string): fc.Arbitrary<unknown> | undefined {
  switch (name) {
    case 'exchange':
      return fc.constantFrom('NSE', 'NSE', 'NSE', 'NFO');
    case 'exchanges':
      return fc.subarray(['NSE', 'NFO', 'BSE', 'MCX']);
    case 'symbol':
      return fc.constantFrom('SBIN-EQ', 'RELIANCE-EQ', 'INFY-EQ', 'NIFTY28JUL26FUT');
    case 'search':
      return fc.constantFrom('SBIN', 'nifty', '');
    case 'symbolsAllow':
    case 'symbolsDeny':
      return fc.subarray(['SBIN-EQ', 'M&M-EQ', 'NIFTY28JUL26FUT']);
    case 'email':
      return fc.oneof(
        fc.constant('admin@test.local'),
        fresh('fuzz-').map((local) => `${local}@example.com`),
      );
    case 'password':
      return fc.constantFrom('admin-password-123', 'a-long-password-1');
    case 'label':
    case 'name':
      return fc.constantFrom('Fuzz label', 'é ✓ 漢字 😀', 'x'.repeat(100));
    case 'clientCode':
      return fresh('FZ-');
    case 'after':
    case 'before':
      return fc.constantFrom('0', ...known.cursors);
    case 'apiKey':
      return fc.constant('smartapi-key');
    case 'pin':
      return fc.constantFrom('1234', '123456');
    case 'totpSecret':
      return fc.constantFrom('JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP', 'jbsw y3dp ehpk 3pxp jbsw y3dp ehpk 3pxp');
    case 'since':
      return fc.constantFrom('2026-01-01T00:00:00Z', new Date().toISOString());
    case 'factor':
      return fc.constantFrom(1, 2.5, -1, 0.001, 1000);
    case 'maxLossPerDay':
    case 'maxOrderValue':
      return fc.constantFrom(1, 500.5, 100_000_000);
    case 'price':
    case 'triggerPrice':
      return fc.constantFrom(1, 820.1, 25000);
    case 'quantity':
      return fc.constantFrom(1, 10, 65);
    case 'first':
    case 'last':
      return fc.constantFrom(1, 50, 500);
    case 'maxOrdersPerDay':
    case 'fixedLots':
    case 'maxQuantity':
      return fc.constantFrom(1, 10, 1000);
    default:
      return undefined;
  }
}

/** Values just past what is accepted, by name: the boundaries the services check. */
function nearMiss(name: string): fc.Arbitrary<unknown> | undefined {
  switch (name) {
    case 'exchange':
      return fc.constantFrom('nse', 'MOON', 'CDS');
    case 'exchanges':
      return fc.array(fc.constantFrom('nfo', 'MOON', 'CDS', ''), { minLength: 1, maxLength: 3 });
    case 'symbol':
    case 'search':
      return fc.constantFrom('sbin-eq', 'NOSUCH-EQ', 'BAD SYMBOL', 'x'.repeat(65));
    case 'symbolsAllow':
    case 'symbolsDeny':
      return fc.array(fc.constantFrom('nifty28jul26fut', 'BAD SYMBOL', 'x'.repeat(65)), { minLength: 1, maxLength: 3 });
    case 'email':
      return fc.constantFrom('not-an-email', 'A@B.CO', `${'a'.repeat(243)}@example.com`);
    case 'password':
      return fc.constantFrom('short', 'x'.repeat(201));
    case 'label':
    case 'name':
      return fc.constantFrom('', '   ', 'x'.repeat(101));
    case 'clientCode':
      return fc.constantFrom('DEMO-MASTER', 'bad code', 'x'.repeat(33));
    case 'after':
    case 'before':
      return fc.constantFrom('1', '-1', '1e3', '99999999999999999999', 'garbage');
    case 'pin':
      return fc.constantFrom('12', 'abcd', '1234567');
    case 'totpSecret':
      return fc.constantFrom('TOO-SHORT', 'A'.repeat(129));
    case 'since':
      return fc.constantFrom('1969-12-31T23:59:59Z', '+275760-09-13T00:00:00Z', '-271821-04-20T00:00:00Z', 'yesterday', '2026-02-30');
    case 'factor':
      return fc.constantFrom(1000.000001, 0.0009, -0.0009, 1e-12, 0.1234567, 0, 1e308);
    case 'maxLossPerDay':
    case 'maxOrderValue':
      return fc.constantFrom(500.005, 100_000_000.01, 1e308, -1, 0);
    case 'price':
    case 'triggerPrice':
      return fc.constantFrom(820.15, 0.05, 0, -5, 1e308, 1e-7);
    case 'quantity':
      return fc.constantFrom(130, 1800, 1950, 100_000, 2 ** 31 - 1, 0, -1);
    case 'first':
    case 'last':
      return fc.constantFrom(501, 0, -1, 2 ** 31 - 1);
    case 'maxOrdersPerDay':
    case 'fixedLots':
    case 'maxQuantity':
      return fc.constantFrom(0, -1, 100_001, 10_001, 10_000_001, 2 ** 31 - 1);
    default:
      return undefined;
  }
}

/** IDs a careful caller would send: of the kind the name (or the root field) points at. */
function knownIdsFor(name: string, root: string): string[] {
  const about = `${name} ${name === 'id' ? root : ''}`.toLowerCase();
  if (about.includes('owner')) return known.users;
  if (about.includes('order')) return known.orders;
  if (about.includes('multiplier')) return known.multipliers;
  if (about.includes('token')) return known.tokens;
  if (about.includes('account') || about.includes('master') || about.includes('follower')) return known.accounts;
  return [...known.accounts, ...known.orders, ...known.multipliers, ...known.users, ...known.tokens];
}

const randomId = fc.oneof(
  fc.uuid(),
  fc.uuid().map((id) => id.toUpperCase()),
  fc.constantFrom('not-an-id', '', '1', '00000000-0000-0000-0000-000000000000'),
);

/** A value of no particular meaning for a scalar: the type's extremes and values of the wrong type. */
function hostileScalar(typeName: string): fc.Arbitrary<unknown> {
  switch (typeName) {
    case 'Int':
      return fc.oneof(fc.integer(), fc.constantFrom(2 ** 31 - 1, -(2 ** 31), 2 ** 31, 1.5, 1e20, -1e20, 'ten', true));
    case 'Float':
      return fc.oneof(fc.double(), fc.constantFrom(-0, 1e308, -1e308, 5e-324, 1e-12, 'cheap', false));
    case 'Boolean':
      return fc.constantFrom('yes', 1, 'false');
    case 'DateTime':
      return fc.oneof(
        fc.date({ noInvalidDate: true }).map((d) => d.toISOString()),
        fc.constantFrom('not a date', '', 0, 'Z'),
      );
    case 'ID':
      return fc.oneof(randomId, evilString);
    default:
      return fc.oneof({ arbitrary: evilString, weight: 5 }, { arbitrary: fc.integer(), weight: 1 });
  }
}

function gentleScalar(typeName: string): fc.Arbitrary<unknown> {
  switch (typeName) {
    case 'Int':
      return fc.integer({ min: 1, max: 100 });
    case 'Float':
      return fc.constantFrom(1, 2.5, 100);
    case 'Boolean':
      return fc.boolean();
    case 'DateTime':
      return fc.constant(new Date().toISOString());
    default:
      return fc.constantFrom('fuzz text', 'SBIN-EQ');
  }
}

/** One leaf: sensible most of the time in a gentle run, hostile most of the time in a hostile one. */
function leaf(name: string, typeName: string, scope: Scope): fc.Arbitrary<unknown> {
  const isId = typeName === 'ID' && (name === 'id' || name.endsWith('Id'));
  const pool = isId && !scope.randomIds ? knownIdsFor(name, scope.root) : [];
  const good = isId ? (pool.length > 0 ? fc.constantFrom(...pool) : randomId) : (sensible(name) ?? gentleScalar(typeName));
  const miss = nearMiss(name);
  const bad = miss ? fc.oneof({ arbitrary: miss, weight: 1 }, { arbitrary: hostileScalar(typeName), weight: 2 }) : hostileScalar(typeName);
  // A hostile run still uses real IDs mostly: a random one stops the request at "not found", before the rest is looked at.
  if (scope.mode === 'hostile') return fc.oneof({ arbitrary: good, weight: isId ? 2 : 1 }, { arbitrary: bad, weight: isId ? 1 : 3 });
  return fc.oneof({ arbitrary: good, weight: 12 }, { arbitrary: bad, weight: 1 });
}

/** A value for an input type; in a hostile run also null where null is not allowed, wrong shapes, missing fields. */
function valueFor(type: GraphQLInputType, name: string, scope: Scope): fc.Arbitrary<unknown> {
  const hostile = scope.mode === 'hostile';
  if (isNonNullType(type)) {
    const inner = valueFor(type.ofType, name, scope);
    return hostile ? fc.oneof({ arbitrary: inner, weight: 19 }, { arbitrary: fc.constant(null), weight: 1 }) : inner;
  }
  if (isListType(type)) {
    const named = getNamedType(type);
    const whole = sensible(name);
    const list = fc.array(valueFor(type.ofType, name, scope), { maxLength: 4 });
    if (!hostile && whole && !isEnumType(named)) return fc.oneof({ arbitrary: whole, weight: 5 }, { arbitrary: list, weight: 1 });
    return hostile ? fc.oneof({ arbitrary: list, weight: 3 }, { arbitrary: valueFor(type.ofType, name, scope), weight: 1 }) : list;
  }
  if (isInputObjectType(type)) {
    const record = Object.fromEntries(
      Object.values(type.getFields()).map((field) => {
        const value = valueFor(field.type, field.name, scope);
        // Required fields are left out now and then in a hostile run; optional ones often.
        if (isNonNullType(field.type)) return [field.name, hostile ? fc.option(value, { nil: undefined, freq: 20 }) : value];
        return [field.name, fc.oneof({ arbitrary: fc.constant(undefined), weight: hostile ? 1 : 2 }, { arbitrary: value, weight: 1 })];
      }),
    );
    return hostile
      ? fc.oneof({ arbitrary: fc.record(record), weight: 9 }, { arbitrary: fc.constantFrom('an object', 42), weight: 1 })
      : fc.record(record);
  }
  if (isEnumType(type)) {
    const valid = fc.constantFrom(...type.getValues().map((v) => v.name));
    return hostile ? fc.oneof({ arbitrary: valid, weight: 4 }, { arbitrary: fc.constantFrom('HOLD', 'buy', ''), weight: 1 }) : valid;
  }
  return leaf(name, type.name, scope);
}

/** The arguments of one root field: half the runs careful callers, half hostile ones. */
function argumentsFor(field: GraphQLField<unknown, unknown>, randomIds: boolean): fc.Arbitrary<Record<string, unknown>> {
  const build = (mode: Mode) =>
    fc.record(
      Object.fromEntries(
        field.args.map((arg) => {
          const value = valueFor(arg.type, arg.name, { mode, root: field.name, randomIds });
          const required = isNonNullType(arg.type);
          return [arg.name, required && mode === 'gentle' ? value : fc.option(value, { nil: undefined, freq: required ? 20 : 2 })];
        }),
      ),
    ) as fc.Arbitrary<Record<string, unknown>>;
  return fc.oneof(build('gentle'), build('hostile'));
}

// ---- documents ------------------------------------------------------------------------------

/** Every leaf a field's type offers, one level of objects below it (more would hit the cost limit). */
function selectionFor(type: GraphQLOutputType, depth: number): string {
  const named = getNamedType(type);
  if (isLeafType(named)) return '';
  if (!isObjectType(named)) return '{ __typename }';
  const parts = Object.values((named as GraphQLObjectType).getFields())
    .filter((field) => field.args.every((arg) => !isNonNullType(arg.type)))
    .flatMap((field) => {
      if (isLeafType(getNamedType(field.type))) return [field.name];
      return depth < 3 ? [`${field.name} ${selectionFor(field.type, depth + 1)}`] : [];
    });
  return `{ __typename ${parts.join(' ')} }`;
}

/** A value as a GraphQL literal of `type`: enums bare, strings quoted (JSON escapes are GraphQL's too). */
function literal(value: unknown, type: GraphQLInputType): string {
  const inner = isNonNullType(type) ? type.ofType : type;
  if (value === null || value === undefined || (typeof value === 'number' && !Number.isFinite(value))) return 'null';
  if (Array.isArray(value)) return `[${value.map((item) => literal(item, isListType(inner) ? inner.ofType : inner)).join(', ')}]`;
  if (typeof value === 'object') {
    const fields = isInputObjectType(inner) ? inner.getFields() : {};
    const entries = Object.entries(value).filter(([, v]) => v !== undefined);
    return `{ ${entries.map(([key, v]) => `${key}: ${literal(v, fields[key]?.type ?? inner)}`).join(', ')} }`;
  }
  if (typeof value === 'string' && isEnumType(getNamedType(inner)) && /^[_A-Za-z][_0-9A-Za-z]*$/.test(value)) return value;
  return JSON.stringify(value);
}

type Transport = 'post' | 'get' | 'inline' | 'ws' | 'ws-inline';
type Operation = 'query' | 'mutation' | 'subscription';

function documentFor(
  operation: Operation,
  field: GraphQLField<unknown, unknown>,
  args: Record<string, unknown>,
  inline: boolean,
): { query: string; variables: Record<string, unknown> } {
  // A required argument left out stays declared: its variable is then missing, a coercion error.
  const present = field.args.filter((arg) => args[arg.name] !== undefined || (!inline && isNonNullType(arg.type)));
  const selection = selectionFor(field.type, 1);
  if (inline) {
    const list = present.map((arg) => `${arg.name}: ${literal(args[arg.name], arg.type)}`).join(', ');
    return { query: `${operation} Fuzz { ${field.name}${list ? `(${list})` : ''} ${selection} }`, variables: {} };
  }
  const definitions = present.map((arg) => `$${arg.name}: ${String(arg.type)}`).join(', ');
  const list = present.map((arg) => `${arg.name}: $${arg.name}`).join(', ');
  const variables = Object.fromEntries(present.filter((arg) => args[arg.name] !== undefined).map((arg) => [arg.name, args[arg.name]]));
  return {
    query: `${operation} Fuzz${definitions ? `(${definitions})` : ''} { ${field.name}${list ? `(${list})` : ''} ${selection} }`,
    variables,
  };
}

// ---- one request ----------------------------------------------------------------------------

async function send(
  transport: Transport,
  operation: Operation,
  field: GraphQLField<unknown, unknown>,
  args: Record<string, unknown>,
): Promise<GraphQLResponse | 'quiet'> {
  const { query, variables } = documentFor(operation, field, args, transport === 'inline' || transport === 'ws-inline');
  const quietMs = operation === 'subscription' ? SUBSCRIPTION_QUIET_MS : 20_000;
  switch (transport) {
    case 'post':
    case 'inline':
      return net.post(query, variables, admin);
    case 'get':
      return net.get(query, variables, admin);
    case 'ws':
    case 'ws-inline':
      return net.ws(query, variables, quietMs);
  }
}

/** Until nothing changes for a while: copies, fills and status changes of an accepted request land after its answer. */
async function settle(quietMs: number): Promise<void> {
  let last = JSON.stringify(await rowFingerprint(server));
  await waitFor(
    async () => {
      await new Promise((resolve) => setTimeout(resolve, quietMs));
      const now = JSON.stringify(await rowFingerprint(server));
      const still = now === last;
      last = now;
      return still;
    },
    10_000,
    'the rows to stop changing',
  );
}

/** Puts back what an accepted request would leave the other runs without. */
async function restoreFixture(fieldName: string, args: Record<string, unknown>, data: Record<string, unknown>): Promise<void> {
  if (fieldName === 'setKillSwitch' && args.engaged === true) {
    const release = await server.gql(
      'mutation($a: ID) { setKillSwitch(accountId: $a, engaged: false) { engaged } }',
      { a: args.accountId ?? null },
      admin,
    );
    expect(release.errors, JSON.stringify(release.errors)).toBeUndefined();
  }
  // A SmartAPI account keeps trying to log in (at a closed port) and records each attempt in its row.
  const created = data.createAccount as { id: string; broker: string } | undefined;
  if (created?.broker === 'SMARTAPI') {
    const removed = await server.gql('mutation($id: ID!) { deleteAccount(id: $id) }', { id: created.id }, admin);
    expect(removed.errors, JSON.stringify(removed.errors)).toBeUndefined();
  }
}

async function expectHealthy(): Promise<void> {
  const health = await fetch(net.url.replace(/\/graphql$/, '/health'));
  expect(health.status).toBe(200);
}

async function checkOne(
  operation: Operation,
  field: GraphQLField<unknown, unknown>,
  transport: Transport,
  args: Record<string, unknown>,
): Promise<void> {
  const before = await rowFingerprint(server);
  const answer = await send(transport, operation, field, args);
  const response: GraphQLResponse = answer === 'quiet' ? { status: 200 } : answer;
  const shown = JSON.stringify(response).slice(0, 600);
  expect(response.status, shown).toBeLessThan(500);
  for (const error of response.errors ?? []) {
    expect(error.extensions?.code, shown).toBeDefined();
    expect(error.extensions?.code, shown).not.toBe('INTERNAL_SERVER_ERROR');
    expect(error.message, shown).not.toMatch(/\b(?:insert into|select .* from|update ".*" set|delete from)\b/i);
  }
  const data: Record<string, unknown> = response.data ?? {};
  const refused = (response.errors?.length ?? 0) > 0 && (data[field.name] ?? null) === null;
  if (refused) {
    expect(await rowFingerprint(server), `a refused ${field.name} changed rows: ${shown}`).toEqual(before);
  } else if (operation === 'mutation') {
    await restoreFixture(field.name, args, data);
    await settle(['placeOrder', 'modifyOrder', 'cancelOrder'].includes(field.name) ? 150 : 30);
  }
  await expectHealthy();
}

// ---- the run --------------------------------------------------------------------------------

beforeAll(async () => {
  // Prices stand still (a resting order never fills mid-run) so a refused request's rows can be compared.
  server = await startTestServer({ env: { PAPER_TICK_MS: '3600000' } });
  admin = await server.login();
  net = await openTransports(server, admin);
  const place = 'mutation($input: PlaceOrderInput!) { placeOrder(input: $input) { id } }';
  const follower = (await server.account('DEMO-F1')).id;
  for (const input of [
    { accountId: follower, exchange: 'NSE', symbol: 'SBIN-EQ', side: 'BUY', quantity: 1, orderType: 'MARKET', productType: 'INTRADAY' },
    {
      accountId: follower,
      exchange: 'NSE',
      symbol: 'SBIN-EQ',
      side: 'BUY',
      quantity: 1,
      orderType: 'LIMIT',
      price: 1,
      productType: 'DELIVERY',
    },
  ]) {
    const placed = await server.gql(place, { input }, admin);
    if (placed.errors) throw new Error(`placing a fixture order failed: ${JSON.stringify(placed.errors)}`);
  }
  await server.gql('mutation { createApiToken(name: "fuzz fixture", scopes: [ORDERS_READ]) { token } }', {}, admin);
  type Ids = { id: string }[];
  const ids = await server.gql<{
    me: { id: string };
    accounts: Ids;
    multipliers: Ids;
    apiTokens: Ids;
    orders: { edges: { cursor: string; node: { id: string } }[] };
  }>(
    `{
    me { id } accounts { id } multipliers { id } apiTokens { id }
    orders(first: 10) { edges { cursor node { id } } }
  }`,
    {},
    admin,
  );
  const d = ids.data!;
  Object.assign(known, {
    accounts: d.accounts.map((a) => a.id),
    orders: d.orders.edges.map((e) => e.node.id),
    multipliers: d.multipliers.map((m) => m.id),
    users: [d.me.id],
    tokens: d.apiTokens.map((t) => t.id),
    cursors: d.orders.edges.map((e) => e.cursor),
  });
  await settle(100);
});
afterAll(async () => {
  await net?.close();
  await server?.close();
});

const roots: [Operation, GraphQLObjectType | null | undefined][] = [
  ['query', schema.getQueryType()],
  ['mutation', schema.getMutationType()],
  ['subscription', schema.getSubscriptionType()],
];

describe.each(
  roots.flatMap(([operation, type]) =>
    Object.values(type?.getFields() ?? {}).map((field) => [`${operation} ${field.name}`, operation, field] as const),
  ),
)('%s', (_name, operation, field) => {
  const transports: Transport[] =
    operation === 'query' ? ['post', 'get', 'inline', 'ws', 'ws-inline'] : ['post', 'inline', 'ws', 'ws-inline'];
  const usable = operation === 'subscription' ? (['ws', 'ws-inline'] as Transport[]) : transports;
  const runs = RUNS[field.name] ?? DEFAULT_RUNS;

  it(`survives ${runs} generated calls`, async () => {
    // The generated selection itself must be valid, or every run would stop at validation.
    const baseline = await send(usable[0]!, operation, field, {});
    expect(baseline === 'quiet' ? [] : (baseline.errors ?? []).map((e) => e.extensions?.code), JSON.stringify(baseline)).not.toContain(
      'GRAPHQL_VALIDATION_FAILED',
    );
    const args = argumentsFor(field, RANDOM_IDS_ONLY.has(field.name));
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...usable), args, (transport, values) => checkOne(operation, field, transport, values)),
      { numRuns: runs, seed: SEED, endOnFailure: false },
    );
  }, 120_000);
});
