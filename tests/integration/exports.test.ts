// The CSV downloads over a real port: who gets which rows (the rules of `orders` and
// `auditEntries`), how refusals look (the JSON errors /graphql gives, with 401/403/400), what
// a spreadsheet makes of the cells, CORS, and a file of 100,000 orders streamed by a server
// process whose memory stays flat.
import { readFileSync } from 'node:fs';
import { mkdtempSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initOrm, type DatabaseTarget } from '../../server/src/persistence/db.ts';
import { Order } from '../../server/src/persistence/entities/index.ts';
import { insertFilledOrders, userWithAccount } from '../support/bulk-orders.ts';
import { scratchDatabase, usingPostgres } from '../support/database.ts';
import { gqlAt, loginAt, ok } from '../support/gql.ts';
import { signUp, startTestServer, type TestServer } from '../support/harness.ts';
import { listen, type Listening } from '../support/listening.ts';
import { killServerProcesses, startServerProcess, stopServerProcess } from '../support/spawn-server.ts';

const DESK = 'https://desk.example.com';
const PASSWORD = 'a-long-password-1';
const ORDER_HEADER =
  'time (IST +05:30),account,client code,order id,master order id,symbol,side,quantity,filled,average price (rupees),status,reason';
const AUDIT_HEADER = 'time (IST +05:30),actor,action,entity,entity id,before,after';
/** A label a spreadsheet would run as a formula, were it not neutralised. */
const FORMULA_LABEL = '=HYPERLINK("https://evil.example","Click")';
const TRICKY_REASON = 'broker said: "price, band" hit\nretry later';

/** RFC 4180 as a spreadsheet reads it: quoted fields may hold commas, quotes ("") and line breaks; records end with CRLF. */
function parseCsv(text: string): string[][] {
  const records: string[][] = [];
  let record: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c !== '"') field += c;
      else if (text[i + 1] === '"') {
        field += '"';
        i++;
      } else quoted = false;
    } else if (c === '"' && field === '') quoted = true;
    else if (c === ',') {
      record.push(field);
      field = '';
    } else if (c === '\r' && text[i + 1] === '\n') {
      record.push(field);
      records.push(record);
      record = [];
      field = '';
      i++;
    } else if (c === '\n' || c === '\r' || c === '"') throw new Error(`a bare ${JSON.stringify(c)} outside quotes at ${i}`);
    else field += c;
  }
  if (field !== '' || record.length > 0 || quoted) throw new Error('the file does not end with CRLF');
  return records;
}

interface Download {
  status: number;
  headers: Headers;
  text: string;
  errors?: { message: string; extensions: Record<string, unknown> }[];
}

let server: TestServer;
let http: Listening;
const tokens = {} as Record<'admin' | 'trader' | 'client' | 'ordersToken' | 'accountsToken', string>;
const ids = {} as { traderMaster: string; clientFollower: string; adminMaster: string };
const written: Order[] = [];

async function download(path: string, credential: string | null, headers: Record<string, string> = {}): Promise<Download> {
  const response = await fetch(`${http.base}${path}`, {
    headers: { ...(credential ? { authorization: `Bearer ${credential}` } : {}), ...headers },
  });
  const text = await response.text();
  const json = response.headers.get('content-type')?.startsWith('application/json');
  return { status: response.status, headers: response.headers, text, ...(json ? (JSON.parse(text) as object) : {}) };
}

/** The data rows of a CSV answer, by column name, after checking the heading. */
function rowsOf(answer: Download, header: string): Record<string, string>[] {
  expect(answer.status, answer.text.slice(0, 300)).toBe(200);
  const [head, ...rows] = parseCsv(answer.text);
  expect(head!.join(','), 'the heading').toBe(header);
  for (const row of rows) expect(row.length).toBe(head!.length);
  return rows.map((row) => Object.fromEntries(head!.map((name, i) => [name, row[i]!])));
}

/** The ids `orders` gives the same caller, newest first. */
async function orderIdsFromGraphQL(token: string, accountId?: string): Promise<string[]> {
  const data = ok(
    await gqlAt<{ orders: { edges: { node: { id: string } }[] } }>(
      http.base,
      // `first` as a variable: the cost limit counts a literal one (docs/api.md, section 6).
      'query($a: ID, $first: Int) { orders(first: $first, accountId: $a) { edges { node { id } } } }',
      { a: accountId, first: 500 },
      token,
    ),
  );
  return data.orders.edges.map((e) => e.node.id);
}

function expectRefused(answer: Download, status: number, code: string, extensions: Record<string, unknown> = {}): void {
  expect(answer.status, answer.text).toBe(status);
  expect(answer.headers.get('content-type')).toMatch(/^application\/json/);
  expect(answer.errors?.[0]?.extensions).toMatchObject({ code, ...extensions });
  expect(answer.errors?.[0]?.message).toBeTruthy();
}

beforeAll(async () => {
  server = await startTestServer({ env: { CORS_ORIGINS: DESK } });
  http = await listen(server);
  tokens.admin = await server.login();
  const trader = await signUp(server, tokens.admin, 'trader@exports.test', 'TRADER', PASSWORD);
  const client = await signUp(server, tokens.admin, 'client@exports.test', 'CLIENT', PASSWORD);
  tokens.trader = trader.token;
  tokens.client = client.token;
  const open = async (token: string, label: string, code: string, role: 'MASTER' | 'FOLLOWER', ownerId?: string) =>
    ok(
      await server.gql<{ createAccount: { id: string } }>(
        'mutation($i: CreateAccountInput!) { createAccount(input: $i) { id } }',
        { i: { label, broker: 'PAPER', role, clientCode: code, ownerId } },
        token,
      ),
    ).createAccount.id;
  ids.traderMaster = await open(tokens.trader, 'Trader desk', 'EX-MASTER', 'MASTER');
  ids.clientFollower = await open(tokens.trader, FORMULA_LABEL, 'EX-CLIENT-F', 'FOLLOWER', client.id);
  ids.adminMaster = await open(tokens.admin, 'Admin desk, Mumbai', 'EX-ADMIN-M', 'MASTER');
  const link = ok(
    await server.gql<{ createMultiplier: { id: string } }>(
      'mutation($i: CreateMultiplierInput!) { createMultiplier(input: $i) { id } }',
      { i: { masterId: ids.traderMaster, followerId: ids.clientFollower, factor: 1 } },
      tokens.trader,
    ),
  ).createMultiplier.id;
  for (const [name, scopes] of [
    ['ordersToken', '[ORDERS_READ]'],
    ['accountsToken', '[ACCOUNTS_READ]'],
  ] as const) {
    const made = ok(
      await server.gql<{ createApiToken: { token: string } }>(
        `mutation { createApiToken(name: "${name}", scopes: ${scopes}) { token } }`,
        {},
        tokens.trader,
      ),
    );
    tokens[name] = made.createApiToken.token;
  }

  // Orders at chosen times (IST days 2026-01-05 and 2026-01-06), written straight to the table.
  const em = server.tandem.services.orm.em.fork();
  const write = (accountId: string, at: string, extra: Partial<Order> = {}, master?: Order) => {
    const when = new Date(at);
    const order = em.create(Order, {
      accountId,
      exchange: 'NSE',
      symbol: 'SBIN-EQ',
      token: '3045',
      side: 'BUY',
      quantity: 10,
      orderType: 'MARKET',
      productType: 'INTRADAY',
      status: 'FILLED',
      filledQuantity: 10,
      averagePrice: 95490,
      origin: master ? 'replicator' : 'broker',
      masterOrderId: master?.id ?? null,
      multiplierId: master ? link : null,
      brokerOrderId: `EX-${written.length}`,
      copyPlannedAt: master ? null : when,
      detectedAt: when,
      createdAt: when,
      updatedAt: when,
      ...extra,
    });
    written.push(order);
    return order;
  };
  const first = write(ids.traderMaster, '2026-01-05T03:50:00.000Z');
  write(ids.clientFollower, '2026-01-05T03:50:00.120Z', { reason: TRICKY_REASON }, first);
  const second = write(ids.traderMaster, '2026-01-05T18:29:59.999Z', {
    side: 'SELL',
    averagePrice: null,
    status: 'CANCELLED',
    filledQuantity: 0,
  });
  write(
    ids.clientFollower,
    '2026-01-05T18:30:00.000Z',
    { side: 'SELL', status: 'SKIPPED', quantity: 0, filledQuantity: 0, averagePrice: null, reason: '-5% band: copy skipped' },
    second,
  );
  write(ids.adminMaster, '2026-01-05T04:00:00.000Z', { averagePrice: 5 });
  write(ids.adminMaster, '2026-01-06T05:00:00.000Z', { side: 'SELL' });
  await em.flush();
}, 60_000);

afterAll(async () => {
  await http?.close();
  await server?.close();
  await killServerProcesses();
});

describe('GET /export/orders.csv', () => {
  it('gives the file as an attachment, one row per order, with the rows `orders` gives the same caller', async () => {
    const answer = await download('/export/orders.csv', tokens.admin);
    expect(answer.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(answer.headers.get('content-disposition')).toMatch(/^attachment; filename="orders-\d{4}-\d{2}-\d{2}\.csv"$/);
    expect(answer.text.startsWith(`${ORDER_HEADER}\r\n`)).toBe(true);
    const rows = rowsOf(answer, ORDER_HEADER);
    expect(rows.map((r) => r['order id'])).toEqual(await orderIdsFromGraphQL(tokens.admin));
    expect(rows.length).toBeGreaterThanOrEqual(written.length);
  });

  it('writes each cell as a spreadsheet should read it: IST times, rupees, figures as figures, formulas neutralised', async () => {
    const rows = rowsOf(await download('/export/orders.csv', tokens.admin), ORDER_HEADER);
    const byId = new Map(rows.map((r) => [r['order id'], r]));
    const [first, copy, , skipped, adminOrder] = written;
    expect(byId.get(first!.id)).toEqual({
      'time (IST +05:30)': '2026-01-05 09:20:00',
      account: 'Trader desk',
      'client code': 'EX-MASTER',
      'order id': first!.id,
      'master order id': '',
      symbol: 'SBIN-EQ',
      side: 'BUY',
      quantity: '10',
      filled: '10',
      'average price (rupees)': '954.90',
      status: 'FILLED',
      reason: '',
    });
    expect(byId.get(copy!.id)).toMatchObject({
      account: `'${FORMULA_LABEL}`,
      'master order id': first!.id,
      reason: TRICKY_REASON,
    });
    expect(byId.get(skipped!.id)).toMatchObject({ reason: "'-5% band: copy skipped", quantity: '0', 'average price (rupees)': '' });
    expect(byId.get(adminOrder!.id)).toMatchObject({ account: 'Admin desk, Mumbai', 'average price (rupees)': '0.05' });
  });

  it('gives a TRADER and a CLIENT only the orders they may read, a token with ORDERS_READ its owner’s', async () => {
    for (const who of ['trader', 'client', 'ordersToken'] as const) {
      const rows = rowsOf(await download('/export/orders.csv', tokens[who]), ORDER_HEADER);
      const owner = who === 'ordersToken' ? tokens.trader : tokens[who];
      expect(
        rows.map((r) => r['order id']),
        who,
      ).toEqual(await orderIdsFromGraphQL(owner));
    }
    const client = rowsOf(await download('/export/orders.csv', tokens.client), ORDER_HEADER);
    expect(new Set(client.map((r) => r['client code']))).toEqual(new Set(['EX-CLIENT-F']));
    const trader = rowsOf(await download('/export/orders.csv', tokens.trader), ORDER_HEADER);
    expect(trader.some((r) => r['client code'] === 'EX-ADMIN-M')).toBe(false);
  });

  it("filters by account as `orders` does: a master's orders with its copies", async () => {
    const rows = rowsOf(await download(`/export/orders.csv?accountId=${ids.traderMaster}`, tokens.trader), ORDER_HEADER);
    expect(rows.map((r) => r['order id'])).toEqual(await orderIdsFromGraphQL(tokens.trader, ids.traderMaster));
    expect(rows).toHaveLength(4);
    // An account the client may not see gives them nothing.
    expect(rowsOf(await download(`/export/orders.csv?accountId=${ids.adminMaster}`, tokens.client), ORDER_HEADER)).toEqual([]);
  });

  it('takes from and to as IST days or instants, both inclusive', async () => {
    const times = async (query: string) =>
      rowsOf(await download(`/export/orders.csv?${query}`, tokens.admin), ORDER_HEADER).map((r) => r['time (IST +05:30)']);
    // 5 January in IST ends at 18:30 UTC: the order at 18:29:59.999Z is in it, the one at 18:30Z is not.
    expect(await times('from=2026-01-05&to=2026-01-05')).toEqual([
      '2026-01-05 23:59:59',
      '2026-01-05 09:30:00',
      '2026-01-05 09:20:00',
      '2026-01-05 09:20:00',
    ]);
    expect(await times('from=2026-01-06')).toEqual(expect.arrayContaining(['2026-01-06 00:00:00', '2026-01-06 10:30:00']));
    expect(await times(`from=${encodeURIComponent('2026-01-05T09:30:00+05:30')}&to=2026-01-05T18:29:59.999Z`)).toEqual([
      '2026-01-05 23:59:59',
      '2026-01-05 09:30:00',
    ]);
  });

  it('refuses a bad date or account with 400 and a JSON error naming the parameter', async () => {
    expectRefused(await download('/export/orders.csv?from=yesterday', tokens.admin), 400, 'BAD_USER_INPUT', { field: 'from' });
    expectRefused(await download('/export/orders.csv?to=2026-02-30', tokens.admin), 400, 'BAD_USER_INPUT', { field: 'to' });
    expectRefused(await download('/export/orders.csv?from=2026-01-06&to=2026-01-05', tokens.admin), 400, 'BAD_USER_INPUT', {
      field: 'to',
    });
    expectRefused(await download('/export/orders.csv?accountId=42', tokens.admin), 400, 'BAD_USER_INPUT', { field: 'accountId' });
    expectRefused(await download('/export/orders.csv?status=FILLED', tokens.admin), 400, 'BAD_USER_INPUT', { field: 'status' });
  });

  it('refuses without a credential (401), with a token lacking ORDERS_READ (403), and never reads a token from the URL', async () => {
    expectRefused(await download('/export/orders.csv', null), 401, 'UNAUTHENTICATED');
    expectRefused(await download('/export/orders.csv', 'tdm_notARealTokenAtAll000000000000000'), 401, 'UNAUTHENTICATED');
    expectRefused(await download('/export/orders.csv', tokens.accountsToken), 403, 'FORBIDDEN', { requiredScope: 'ORDERS_READ' });
    for (const name of ['token', 'access_token', 'authorization']) {
      const inUrl = await download(`/export/orders.csv?${name}=${encodeURIComponent(tokens.ordersToken)}`, null);
      expectRefused(inUrl, 400, 'BAD_USER_INPUT', { field: name });
      expect(inUrl.text).not.toContain('order id');
    }
    const post = await fetch(`${http.base}/export/orders.csv`, { method: 'POST', headers: { authorization: `Bearer ${tokens.admin}` } });
    expect(post.status).toBe(405);
  });

  it('answers anything unexpected with 500 and an error id, never the SQL', async () => {
    const failing = await listen(server, {
      services: {
        ...server.tandem.services,
        orm: {
          em: {
            fork: () => {
              throw new Error('relation "orders" does not exist: select password_hash from users where email = \'admin@test.local\'');
            },
          },
        } as never,
      },
    });
    try {
      for (const path of ['/export/orders.csv', '/export/audit.csv']) {
        const response = await fetch(`${failing.base}${path}`, { headers: { authorization: `Bearer ${tokens.admin}` } });
        const body = (await response.json()) as { errors: { message: string; extensions: { code: string; errorId: string } }[] };
        expect(response.status).toBe(500);
        expect(body.errors[0]!.extensions.code).toBe('INTERNAL_SERVER_ERROR');
        expect(body.errors[0]!.message).toContain(body.errors[0]!.extensions.errorId);
        expect(JSON.stringify(body)).not.toMatch(/select|password|relation/);
      }
    } finally {
      await failing.close();
    }
  });
});

describe('GET /export/audit.csv', () => {
  it('gives each session the entries auditEntries gives it, before and after as JSON text', async () => {
    for (const who of ['admin', 'trader', 'client'] as const) {
      const rows = rowsOf(await download('/export/audit.csv', tokens[who]), AUDIT_HEADER);
      const data = ok(
        await gqlAt<{ auditEntries: { totalCount: number; edges: { node: Record<string, unknown> }[] } }>(
          http.base,
          'query($first: Int) { auditEntries(first: $first) { totalCount edges { node { actor action entityId before after } } } }',
          { first: 500 },
          tokens[who],
        ),
      ).auditEntries;
      expect(rows.length, who).toBe(data.totalCount);
      expect(
        rows.map((r) => ({
          actor: r.actor,
          action: r.action,
          entityId: r['entity id'] || null,
          before: r.before ? JSON.parse(r.before) : null,
          after: r.after ? JSON.parse(r.after) : null,
        })),
        who,
      ).toEqual(data.edges.map((e) => e.node));
    }
    const client = rowsOf(await download('/export/audit.csv', tokens.client), AUDIT_HEADER);
    expect(client.map((r) => r['entity id'])).not.toContain(ids.traderMaster);
  });

  it('filters by account and names the file', async () => {
    const answer = await download(`/export/audit.csv?accountId=${ids.adminMaster}`, tokens.admin);
    expect(answer.headers.get('content-disposition')).toMatch(/^attachment; filename="audit-\d{4}-\d{2}-\d{2}\.csv"$/);
    const rows = rowsOf(answer, AUDIT_HEADER);
    expect(rows.map((r) => `${r.action} ${r['entity id']}`)).toEqual([`account.create ${ids.adminMaster}`]);
    // The label holds a comma: the JSON cell is quoted, and reads back whole.
    expect(JSON.parse(rows[0]!.after!)).toMatchObject({ label: 'Admin desk, Mumbai' });
  });

  it('refuses API tokens (403, a session is needed) and callers without a credential (401)', async () => {
    expectRefused(await download('/export/audit.csv', tokens.ordersToken), 403, 'FORBIDDEN', { requiredCredential: 'SESSION' });
    expectRefused(await download('/export/audit.csv', null), 401, 'UNAUTHENTICATED');
  });
});

describe('the exports from another origin (CORS_ORIGINS)', () => {
  it('let a listed origin read the file and its name, and tell any other origin nothing', async () => {
    const listed = await download('/export/orders.csv', tokens.admin, { origin: DESK });
    expect(listed.status).toBe(200);
    expect(listed.headers.get('access-control-allow-origin')).toBe(DESK);
    expect(listed.headers.get('access-control-allow-credentials')).toBeNull();
    expect(listed.headers.get('access-control-expose-headers')).toMatch(/Content-Disposition/i);
    const other = await download('/export/orders.csv', tokens.admin, { origin: 'https://evil.example.net' });
    expect(other.headers.get('access-control-allow-origin')).toBeNull();
    const refused = await download('/export/audit.csv', null, { origin: DESK });
    expect(refused.status).toBe(401);
    expect(refused.headers.get('access-control-allow-origin')).toBe(DESK);
  });

  it('answer the preflight for the Authorization header for a listed origin only', async () => {
    const preflight = (origin: string) =>
      fetch(`${http.base}/export/orders.csv`, {
        method: 'OPTIONS',
        headers: { origin, 'access-control-request-method': 'GET', 'access-control-request-headers': 'authorization' },
      });
    const listed = await preflight(DESK);
    expect(listed.status).toBe(204);
    expect(listed.headers.get('access-control-allow-origin')).toBe(DESK);
    expect(listed.headers.get('access-control-allow-headers')).toMatch(/authorization/i);
    const other = await preflight('https://evil.example.net');
    expect(other.headers.get('access-control-allow-origin')).toBeNull();
    expect(other.headers.get('access-control-allow-headers')).toBeNull();
  });
});

const STREAM_ROWS = 100_000;
/** Each order's reason: about 1 kB a row, so the file is over 100 MB and holding it would show. */
const REASON_LENGTH = 1000;
/**
 * The file is ~110 MB of text and its rows as objects would take more; one page (1000 rows, ~1 MB
 * of text) plus the socket's buffers and the garbage collector's slack is what streaming costs.
 * 80 MB over where the process stood before the download allows for that slack with room to
 * spare, and is still below what holding the file (let alone its rows) would need.
 */
const RSS_RISE_LIMIT = 80 * 1024 * 1024;

function rssOf(pid: number): number {
  const kilobytes = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
  if (!kilobytes) throw new Error(`no VmRSS for process ${pid}`);
  return Number(kilobytes) * 1024;
}

/** Reads a response, counting its bytes and lines, taking a long pause part-way (a slow client). */
function readSlowly(url: string, token: string): Promise<{ status: number; bytes: number; lines: number; head: string; tail: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { headers: { authorization: `Bearer ${token}` } }, async (res) => {
      let bytes = 0;
      let lines = 0;
      let head = '';
      let tail = '';
      let paused = false;
      try {
        for await (const chunk of res as AsyncIterable<Buffer>) {
          bytes += chunk.length;
          for (let at = chunk.indexOf(10); at !== -1; at = chunk.indexOf(10, at + 1)) lines++;
          if (head.length < 2000) head += chunk.toString('utf8', 0, 2000);
          tail = (tail + chunk.toString('utf8', Math.max(0, chunk.length - 2000))).slice(-2000);
          // Stop reading for a while once under way: a server that ignored back-pressure would
          // go on reading the database into its socket's buffer meanwhile, the whole file in the end.
          if (!paused && bytes > 5_000_000) {
            paused = true;
            await sleep(3000);
          }
        }
        resolve({ status: res.statusCode ?? 0, bytes, lines, head, tail });
      } catch (error) {
        reject(error);
      }
    });
    req.on('error', reject);
    req.end();
  });
}

describe('100,000 orders in one file', () => {
  it('streams every row from a server process whose memory stays within 80 MB of where it started', async () => {
    const email = 'bulk@exports.test';
    const password = 'a-long-password-1';
    const dataDir = mkdtempSync(join(tmpdir(), 'tandem-export-'));
    const postgres = usingPostgres ? await scratchDatabase() : null;
    const target: DatabaseTarget = postgres ? postgres.target : { kind: 'pglite', dataDir };
    let proc: ReturnType<typeof startServerProcess> | undefined;
    try {
      const db = await initOrm(target, { migrate: true });
      try {
        const em = db.orm.em.fork();
        const { accountId } = await userWithAccount(em, { email, password, role: 'ADMIN' }, { label: 'Bulk', clientCode: 'BULK-1' });
        await insertFilledOrders(em, {
          accountId,
          count: STREAM_ROWS,
          reasonLength: REASON_LENGTH,
          newest: new Date('2026-01-05T10:00:00Z'),
        });
      } finally {
        await db.close();
      }
      proc = startServerProcess({
        DATA_DIR: dataDir,
        ...(postgres ? { DATABASE_URL: postgres.url! } : {}),
        SECRET_KEY: 'export-test-secret-key-with-32-characters-or-more',
        DEMO_DATA: 'false',
      });
      const base = await proc.url;
      const token = await loginAt(base, email, password);
      // A first, small export loads every module the big one runs, so the baseline includes them.
      const warm = await fetch(`${base}/export/orders.csv?from=2026-01-05T09:59:59Z`, { headers: { authorization: `Bearer ${token}` } });
      expect((await warm.text()).split('\r\n').length).toBeGreaterThan(100);

      const pid = proc.child.pid!;
      const baseline = rssOf(pid);
      let peak = baseline;
      const sampler = setInterval(() => {
        peak = Math.max(peak, rssOf(pid));
      }, 25);
      const started = Date.now();
      let read: Awaited<ReturnType<typeof readSlowly>>;
      try {
        read = await readSlowly(`${base}/export/orders.csv`, token);
      } finally {
        clearInterval(sampler);
      }
      const rise = peak - baseline;
      console.info(
        `[exports] ${STREAM_ROWS} rows, ${(read.bytes / 1e6).toFixed(1)} MB in ${((Date.now() - started) / 1000).toFixed(1)} s on ${postgres ? 'PostgreSQL' : 'PGlite'}: RSS ${(baseline / 2 ** 20).toFixed(0)} MB before, peak ${(peak / 2 ** 20).toFixed(0)} MB (+${(rise / 2 ** 20).toFixed(1)} MB)`,
      );
      expect(read.status).toBe(200);
      expect(read.lines).toBe(STREAM_ROWS + 1);
      expect(read.bytes).toBeGreaterThan(STREAM_ROWS * REASON_LENGTH);
      // Newest first: the last order written first, the first one last.
      expect(read.head.split('\r\n')[1]).toContain(',row 1 x');
      expect(read.tail.trimEnd().split('\r\n').at(-1)).toContain(`,row ${STREAM_ROWS} x`);
      expect(rise).toBeLessThan(RSS_RISE_LIMIT);
    } finally {
      if (proc) await stopServerProcess(proc);
      await postgres?.drop();
      rmSync(dataDir, { recursive: true, force: true });
    }
  }, 600_000);
});
