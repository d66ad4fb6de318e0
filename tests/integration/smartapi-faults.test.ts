// Broker faults with real processes: the SmartAPI simulator (its CLI) and Tandem (main.ts), each
// a process of its own, a SmartAPI master copied at factor 1 by six SmartAPI followers. For each
// fault a trader places a burst of master orders at the simulator, as from the Angel One app,
// and the fault is pulled in the middle of it through the simulator's admin routes: 5xx answers,
// answers slower than Tandem's 7 s timeout, orders accepted and never answered, dropped and
// frozen order sockets, sessions expired. Then, through Tandem's API and the simulator's own
// book: one copy per master order and follower, each copy's tag in its follower's book at most
// once, every copy final and saying what the book says, and every failure shown with its reason.
import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { generateSecret } from 'otplib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SimAccountInput } from '../../sim/smartapi/types.ts';
import { redisUrl, reopenableDatabase } from '../support/database.ts';
import { gqlAt, loginAt, ok } from '../support/gql.ts';
import { waitFor } from '../support/wait-for.ts';
import { AngelApp, type AppOrder } from '../support/smartapi-app.ts';
import { freePort, startSimProcess, type SimFaultRequest, type SimOrderView, type SimProcess } from '../support/smartapi-sim-process.ts';
import { subscribeOverSse } from '../support/sse.ts';
import { killServerProcesses, START_TIMEOUT_MS, startServerProcess } from '../support/spawn-server.ts';

const FOLLOWER_COUNT = 6;
/** Master orders per fault, ORDER_GAP_MS apart. */
const BURST = 4;
const ORDER_GAP_MS = 250;
/** How often Tandem's API and the simulator's books are compared while waiting for them to agree. */
const CHECK_EVERY_MS = 300;
const ADMIN = { email: 'faults@test.local', password: 'faults-test-password-1' };
/** Tandem gives every SmartAPI call this long (server/src/brokers/smartapi/smartapi-broker.ts). */
const TANDEM_CALL_TIMEOUT_MS = 7_000;
const FINAL = new Set(['FILLED', 'CANCELLED', 'REJECTED', 'FAILED', 'SKIPPED']);
/** Tandem's status for each final word of the simulator's book. */
const FROM_BOOK: Record<string, string> = {
  complete: 'FILLED',
  rejected: 'REJECTED',
  cancelled: 'CANCELLED',
  'cancelled after market order': 'CANCELLED',
};

const account = (clientcode: string): SimAccountInput => ({
  clientcode,
  pin: '4321',
  totpSecret: generateSecret(),
  apiKey: `key-${clientcode}`,
});
const MASTER = account('FM100');
const FOLLOWERS = Array.from({ length: FOLLOWER_COUNT }, (_, i) => account(`FF${200 + i}`));

interface ChildView {
  id: string;
  status: string;
  reason: string | null;
  orderTag: string | null;
  brokerOrderId: string | null;
  filledQuantity: number;
  account: { clientCode: string };
}
interface MasterView {
  id: string;
  brokerOrderId: string | null;
  status: string;
  children: ChildView[];
}
interface EventView {
  kind: string;
  status: string;
  message: string | null;
  order: { id: string };
}
interface StatusView {
  accountId: string;
  status: string;
  statusReason: string | null;
}

const MASTERS = 'query($id: ID!) { orders(accountId: $id, mastersOnly: true, first: 50) { edges { node { id brokerOrderId status } } } }';
const CHILDREN =
  'query($id: ID!) { order(id: $id) { children { id status reason orderTag brokerOrderId filledQuantity account { clientCode } } } }';

let sim: SimProcess;
let tandem: string;
let token: string;
let masterId: string;
let dropDatabase: () => Promise<void> = async () => undefined;
let trader: AngelApp;
let events: EventView[];
let statuses: StatusView[];
const accountIds = new Map<string, string>();
/** Every copy's tag so far: an order in a follower's book with none of them was sent with no row behind it. */
const knownTags = new Set<string>();

const gql = async <T>(query: string, variables: Record<string, unknown> = {}) => ok(await gqlAt<T>(tandem, query, variables, token));
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

beforeAll(async () => {
  // Both processes start at once: Tandem needs the simulator only once accounts exist.
  const simPort = await freePort();
  const database = await reopenableDatabase();
  dropDatabase = () => database.drop();
  const server = startServerProcess({
    SECRET_KEY: 'faults-test-secret-key-with-32-characters-or-more',
    ADMIN_EMAIL: ADMIN.email,
    ADMIN_PASSWORD: ADMIN.password,
    DEMO_DATA: 'false',
    SMARTAPI_ROOT_URL: `http://127.0.0.1:${simPort}`,
    SMARTAPI_ORDER_WS_URL: `ws://127.0.0.1:${simPort}/smart-order-update`,
    // A copy whose look-ups by tag failed is looked up again by the settle sweep 2 to 5 s after it went quiet.
    SETTLE_AFTER_S: '2',
    ...(database.target.kind === 'postgres' ? { DATABASE_URL: database.target.url } : {}),
    ...(database.target.kind === 'pglite' ? { DATA_DIR: database.target.dataDir } : {}),
    ...(redisUrl ? { REDIS_URL: redisUrl, REDIS_PREFIX: `faults-${randomBytes(4).toString('hex')}:` } : {}),
  });
  sim = await startSimProcess({ accounts: [MASTER, ...FOLLOWERS], instruments: { '3045': { price: '1010.00' } }, port: simPort });
  tandem = await server.url;
  token = await loginAt(tandem, ADMIN.email, ADMIN.password);

  const create = async (who: SimAccountInput, role: 'MASTER' | 'FOLLOWER') => {
    const { createAccount } = await gql<{ createAccount: { id: string } }>(
      'mutation($i: CreateAccountInput!) { createAccount(input: $i) { id } }',
      {
        i: {
          label: who.clientcode,
          broker: 'SMARTAPI',
          role,
          clientCode: who.clientcode,
          credentials: { apiKey: who.apiKey, pin: who.pin, totpSecret: who.totpSecret },
        },
      },
    );
    accountIds.set(who.clientcode, createAccount.id);
    return createAccount.id;
  };
  masterId = await create(MASTER, 'MASTER');
  for (const follower of FOLLOWERS) {
    const followerId = await create(follower, 'FOLLOWER');
    await gql('mutation($i: CreateMultiplierInput!) { createMultiplier(input: $i) { id } }', { i: { masterId, followerId, factor: 1 } });
  }
  await waitFor(
    async () => {
      const { accounts } = await gql<{ accounts: { connectionStatus: string; statusReason: string | null }[] }>(
        '{ accounts { connectionStatus statusReason } }',
      );
      return accounts.length === FOLLOWER_COUNT + 1 && accounts.every((a) => a.statusReason?.includes('order updates live'));
    },
    30_000,
    'every SmartAPI account to log in and open its order socket',
  );
  events = subscribeOverSse<EventView>(
    tandem,
    token,
    `subscription { orderEvents(accountId: "${masterId}", after: "0") { kind status message order { id } } }`,
    'orderEvents',
  ).items;
  statuses = subscribeOverSse<StatusView>(
    tandem,
    token,
    'subscription { accountStatus { accountId status statusReason } }',
    'accountStatus',
  ).items;
  trader = new AngelApp(sim, MASTER);
}, START_TIMEOUT_MS + 60_000);

afterAll(async () => {
  await killServerProcesses();
  await sim?.stop();
  await dropDatabase();
});

interface Check {
  mastersDetected: number;
  childrenExpected: number;
  childrenFound: number;
  /** Copies beyond one per (master order, follower), and orders at a follower's broker beyond one per tag. */
  duplicates: number;
  /** Copies that should exist and do not: no row, or a row that says it is at the broker when the book has no such order. */
  lost: number;
  /** Orders in a follower's book with a tag no copy carries. */
  unknownAtBroker: number;
  /** Copies still moving in Tandem. */
  unsettled: number;
  /** Copies that ended FAILED or REJECTED, each with a reason. */
  failed: number;
  disagreements: string[];
}

/** Tandem's copies of these master orders (by broker order id) against the simulator's books. */
async function check(placed: AppOrder[]): Promise<{ check: Check; masters: MasterView[] }> {
  const { orders } = await gql<{ orders: { edges: { node: Omit<MasterView, 'children'> }[] } }>(MASTERS, { id: masterId });
  const ids = new Set(placed.map((p) => p.orderid));
  const masters: MasterView[] = [];
  for (const { node } of orders.edges.filter((e) => e.node.brokerOrderId !== null && ids.has(e.node.brokerOrderId)))
    masters.push({ ...node, children: (await gql<{ order: { children: ChildView[] } }>(CHILDREN, { id: node.id })).order.children });
  const books = new Map<string, SimOrderView[]>();
  for (const follower of FOLLOWERS) books.set(follower.clientcode, await sim.orders.list(follower.clientcode));
  const result: Check = {
    mastersDetected: new Set(masters.map((m) => m.brokerOrderId)).size,
    childrenExpected: placed.length * FOLLOWER_COUNT,
    childrenFound: 0,
    duplicates: masters.length - new Set(masters.map((m) => m.brokerOrderId)).size,
    lost: (placed.length - new Set(masters.map((m) => m.brokerOrderId)).size) * FOLLOWER_COUNT,
    unknownAtBroker: 0,
    unsettled: 0,
    failed: 0,
    disagreements: [],
  };
  for (const master of masters) {
    if (master.status !== 'FILLED') result.disagreements.push(`master ${master.brokerOrderId} is ${master.status}, the book says complete`);
    for (const follower of FOLLOWERS) {
      const copies = master.children.filter((c) => c.account.clientCode === follower.clientcode);
      if (copies.length === 0) result.lost += 1;
      result.duplicates += Math.max(0, copies.length - 1);
    }
    for (const child of master.children) {
      result.childrenFound += 1;
      if (child.orderTag) knownTags.add(child.orderTag);
      const atBroker = (books.get(child.account.clientCode) ?? []).filter((o) => o.ordertag === child.orderTag);
      const said = `${child.account.clientCode} ${child.orderTag}: Tandem ${child.status} (${child.reason ?? 'no reason'})`;
      if (!FINAL.has(child.status)) {
        result.unsettled += 1;
        result.disagreements.push(`${said}, not final`);
        continue;
      }
      if (child.status === 'FAILED' || child.status === 'REJECTED') {
        result.failed += 1;
        if (!child.reason?.trim()) {
          result.lost += 1;
          result.disagreements.push(`${said}, with no reason`);
        }
      }
      if (atBroker.length > 1) {
        result.duplicates += atBroker.length - 1;
        result.disagreements.push(`${said}, ${atBroker.length} orders at the broker`);
        continue;
      }
      const order = atBroker[0];
      if (!order) {
        if (child.status !== 'FAILED') {
          result.lost += 1;
          result.disagreements.push(`${said}, not in the book`);
        }
        continue;
      }
      const fromBook = FROM_BOOK[order.status];
      if (fromBook !== child.status || order.orderid !== child.brokerOrderId || order.filledQty !== child.filledQuantity)
        result.disagreements.push(
          `${said} ${child.brokerOrderId} filled ${child.filledQuantity}; book ${order.status} ${order.orderid} filled ${order.filledQty}`,
        );
    }
  }
  for (const [clientcode, book] of books)
    for (const order of book.filter((o) => !knownTags.has(o.ordertag))) {
      result.unknownAtBroker += 1;
      result.disagreements.push(`${clientcode} ${order.orderid} tagged "${order.ordertag}" has no copy in Tandem`);
    }
  return { check: result, masters };
}

const agrees = (c: Check) =>
  c.mastersDetected === BURST &&
  c.childrenFound === c.childrenExpected &&
  c.unsettled === 0 &&
  c.duplicates === 0 &&
  c.lost === 0 &&
  c.unknownAtBroker === 0 &&
  c.disagreements.length === 0;

interface FaultRun {
  /**
   * Pulled the moment master order `index` (0 .. BURST-1) is answered, before its copies go out:
   * the fault, or the fault again. Orders after which nothing is pulled go out without waiting.
   */
  after(index: number): SimFaultRequest[];
  /** How long the trader waits for an answer before looking its order up by tag. */
  traderTimeoutMs: number;
  /**
   * The fault is cleared once every copy has gone out at least once (so each meets it), or with
   * this as soon as the trader's orders are answered (the copies out by then meet it).
   */
  clearWhenOrdersAnswered?: boolean;
  /** Checked once more this long after the fault was pulled: calls left hanging at the broker have timed out by then. */
  checkAgainAfterPullMs?: number;
}

/**
 * One burst of master orders with the fault pulled in the middle of it, then cleared; then the
 * check, once everything is final and agrees with the books or after a minute: the copies, how
 * long agreeing took after the fault was cleared, and Tandem's events and account statuses.
 */
async function burst(fault: string, run: FaultRun) {
  const eventsBefore = events.length;
  const statusesBefore = statuses.length;
  const countersBefore = await sim.counters();
  const lostBefore = trader.lostAnswers;
  const tag = (index: number) => `${fault.replace(/[^A-Za-z0-9]/g, '')}${index}`;

  const orders: Promise<AppOrder>[] = [];
  let pulledAt = 0;
  for (let index = 0; index < BURST; index += 1) {
    const order = trader.placeCarefully({ ordertag: tag(index) }, run.traderTimeoutMs);
    orders.push(order);
    const pulls = run.after(index);
    if (pulls.length > 0) await order;
    pulledAt ||= pulls.length > 0 ? performance.now() : 0;
    for (const request of pulls) await sim.faults(request);
    await sleep(ORDER_GAP_MS);
  }
  const placed = await Promise.all(orders);
  if (!run.clearWhenOrdersAnswered)
    await waitFor(
      async () => {
        const { check: c, masters } = await check(placed);
        return (
          c.mastersDetected === BURST &&
          c.childrenFound === c.childrenExpected &&
          masters.every((m) => m.children.every((ch) => ch.status !== 'PENDING'))
        );
      },
      60_000,
      `every copy of the ${fault} burst to go out`,
    );
  await sim.faults({ reset: true });
  const clearedAt = performance.now();
  let latest = await check(placed);
  while (!agrees(latest.check) && performance.now() - clearedAt < 60_000) {
    await sleep(CHECK_EVERY_MS);
    latest = await check(placed);
  }
  const recoveryMs = agrees(latest.check) ? Math.round(performance.now() - clearedAt) : null;
  const children = latest.masters.flatMap((m) => m.children);
  let checkedAgain: Check | null = null;
  if (recoveryMs !== null && run.checkAgainAfterPullMs) {
    await sleep(pulledAt + run.checkAgainAfterPullMs - performance.now());
    checkedAgain = (await check(placed)).check;
  }
  // The event stream carries each copy's final status before the run is read from it.
  if (recoveryMs !== null)
    await waitFor(
      () => children.every((c) => events.slice(eventsBefore).some((e) => e.order.id === c.id && e.status === c.status)),
      20_000,
      'the event stream to catch up',
    );
  const childIds = new Set(children.map((c) => c.id));
  const counters = await sim.counters();
  return {
    check: latest.check,
    checkedAgain,
    children,
    recoveryMs,
    failureEvents: events
      .slice(eventsBefore)
      .filter((e) => childIds.has(e.order.id) && ['OUTCOME_UNKNOWN', 'FAILED', 'NOT_AT_BROKER'].includes(e.kind)),
    statuses: statuses.slice(statusesBefore),
    traderLostAnswers: trader.lostAnswers - lostBefore,
    served: {
      serverErrors: counters.serverErrors.placeOrder - countersBefore.serverErrors.placeOrder,
      unanswered: counters.unanswered.placeOrder - countersBefore.unanswered.placeOrder,
    },
  };
}

type Run = Awaited<ReturnType<typeof burst>>;

/**
 * One line per fault for the notes. `faultsMetByTandem`: Tandem's calls the fault answered, or
 * the sockets or sessions it hit; `failuresShown`: what the API showed of them with a reason
 * (copies' events, or accounts' statuses).
 */
function figures(fault: string, run: Run, faultsMetByTandem: number, failuresShown: number): void {
  console.log(
    '[fault-figures]',
    JSON.stringify({
      fault,
      ordersPlaced: BURST,
      childrenExpected: run.check.childrenExpected,
      childrenFound: run.check.childrenFound,
      duplicates: run.check.duplicates,
      lost: run.check.lost,
      failed: run.check.failed,
      faultsMetByTandem,
      failuresShown,
      recoveryMs: run.recoveryMs,
    }),
  );
}

/** One copy per master order and follower, each at its broker once, all final and agreeing with the books. */
function expectOneCopyEach(run: Run): void {
  expect(run.check).toEqual({
    mastersDetected: BURST,
    childrenExpected: BURST * FOLLOWER_COUNT,
    childrenFound: BURST * FOLLOWER_COUNT,
    duplicates: 0,
    lost: 0,
    unknownAtBroker: 0,
    unsettled: 0,
    failed: run.check.failed,
    disagreements: [],
  });
}

/** Every failure on a copy's record names what happened, in words. */
function expectReasons(run: Run): void {
  for (const event of run.failureEvents) expect(event.message?.trim(), JSON.stringify(event)).toBeTruthy();
  for (const child of run.children.filter((c) => c.status === 'FAILED' || c.status === 'REJECTED'))
    expect(child.reason?.trim(), JSON.stringify(child)).toBeTruthy();
}

const shownOnCopies = (run: Run) => run.failureEvents.filter((e) => e.kind !== 'NOT_AT_BROKER').length;

describe('SmartAPI broker faults, the simulator and Tandem each a process of their own', () => {
  it('5xx answers to placeOrder in the middle of a burst: each copy looked up by tag and sent once', async () => {
    const run = await burst('5xx', {
      traderTimeoutMs: 10_000,
      after: (index) =>
        index === 0
          ? [{ fail5xx: { count: FOLLOWER_COUNT, status: 500, routes: ['placeOrder'] } }]
          : index === 1
            ? [{ fail5xx: { count: FOLLOWER_COUNT, status: 503, routes: ['placeOrder'] } }]
            : [],
    });
    const met = run.served.serverErrors - run.traderLostAnswers;
    figures('5xx burst on placeOrder', run, met, shownOnCopies(run));
    expectOneCopyEach(run);
    expect(met).toBeGreaterThan(0);
    // Each 5xx Tandem met is on its copy's record, with the broker's HTTP status.
    const unknown = run.failureEvents.filter((e) => e.kind === 'OUTCOME_UNKNOWN');
    expect(unknown).toHaveLength(met);
    for (const event of unknown) expect(event.message).toMatch(/SmartAPI answered placeOrder with HTTP 50[03].*looking it up by tag/);
    expectReasons(run);
  }, 120_000);

  it('5xx answers to placeOrder and to the order book: look-ups fail too, and the settle sweep finds each copy', async () => {
    const run = await burst('5xxbook', {
      traderTimeoutMs: 10_000,
      after: (index) => (index === 0 ? [{ fail5xx: { count: 20, status: 503, routes: ['placeOrder', 'getOrderBook'] } }] : []),
    });
    const met = run.served.serverErrors - run.traderLostAnswers;
    figures('5xx burst on placeOrder and getOrderBook', run, met, shownOnCopies(run));
    expectOneCopyEach(run);
    expect(met).toBeGreaterThan(0);
    const unknown = run.failureEvents.filter((e) => e.kind === 'OUTCOME_UNKNOWN');
    expect(unknown).toHaveLength(met);
    for (const event of unknown) expect(event.message).toMatch(/SmartAPI answered placeOrder with HTTP 503.*looking it up by tag/);
    expectReasons(run);
  }, 120_000);

  it('answers slower than the timeout: a copy the broker places after Tandem gave up is found by its tag, not sent again', async () => {
    // The trader's own last order is slow too; the fault is cleared once it is answered.
    const run = await burst('slow', {
      traderTimeoutMs: 30_000,
      clearWhenOrdersAnswered: true,
      after: (index) => (index === 2 ? [{ latencyMs: TANDEM_CALL_TIMEOUT_MS + 1_000, latencyRoutes: ['placeOrder'] }] : []),
    });
    const timedOut = run.failureEvents.filter((e) => e.kind === 'OUTCOME_UNKNOWN');
    figures('placeOrder slower than the timeout', run, timedOut.length, shownOnCopies(run));
    expectOneCopyEach(run);
    expect(timedOut.length).toBeGreaterThan(0);
    for (const event of timedOut) expect(event.message).toMatch(/no answer from SmartAPI to placeOrder \(timeout or network error\)/);
    expectReasons(run);
  }, 120_000);

  it('orders accepted and never answered, the answer left hanging then cut: one order per copy at the broker', async () => {
    const run = await burst('lost', {
      traderTimeoutMs: 3_000,
      after: (index) =>
        index === 0
          ? [{ timeoutAfterAccept: { count: FOLLOWER_COUNT + 2, mode: 'hang', hangMs: TANDEM_CALL_TIMEOUT_MS + 3_000 } }]
          : index === 2
            ? [{ timeoutAfterAccept: { count: FOLLOWER_COUNT + 2, mode: 'reset' } }]
            : [],
      // Hanging calls end at Tandem's timeout, after the broker's own updates settled their copies: nothing may change then.
      checkAgainAfterPullMs: TANDEM_CALL_TIMEOUT_MS + 1_500,
    });
    const met = run.served.unanswered - run.traderLostAnswers;
    // A lost answer shows on its copy only when it came before the broker's own update, which settles the copy.
    figures('accepted, answer never sent (hang, then reset)', run, met, shownOnCopies(run));
    expectOneCopyEach(run);
    expect(run.checkedAgain).toEqual(run.check);
    expect(met).toBeGreaterThan(0);
    expectReasons(run);
  }, 120_000);

  it('order sockets dropped and frozen, master and followers: the book poll finds every order, each copied once', async () => {
    const [frozen, dropped] = [[MASTER, ...FOLLOWERS.slice(0, 3)], FOLLOWERS.slice(3)];
    const run = await burst('sockets', {
      traderTimeoutMs: 10_000,
      after: (index) =>
        index === 0
          ? [
              ...frozen.map((a): SimFaultRequest => ({ freezeSockets: a.clientcode })),
              ...dropped.map((a): SimFaultRequest => ({ dropSockets: a.clientcode })),
            ]
          : index === 1
            ? dropped.map((a) => ({ dropSockets: a.clientcode }))
            : [],
    });
    // A dropped socket shows on its account, with why and what Tandem does meanwhile; a frozen one
    // goes unnoticed until its 25 s of silence, while the book poll brings every order in.
    const reconnecting = run.statuses.filter((s) => s.status === 'RECONNECTING');
    figures('order sockets dropped and frozen', run, frozen.length + dropped.length, reconnecting.length);
    expectOneCopyEach(run);
    for (const follower of dropped)
      expect(reconnecting.filter((s) => s.accountId === accountIds.get(follower.clientcode)).length, follower.clientcode).toBeGreaterThan(
        0,
      );
    for (const status of reconnecting)
      expect(status.statusReason).toMatch(/order-update socket .*reconnecting \(the order book is polled every second meanwhile\)/);
    await waitFor(
      async () => {
        const { accounts } = await gql<{ accounts: { statusReason: string | null }[] }>('{ accounts { statusReason } }');
        return accounts.every((a) => a.statusReason?.includes('order updates live'));
      },
      30_000,
      'every order socket to be live again',
    );
    expectReasons(run);
  }, 120_000);

  it('sessions expired in the middle of a burst: Tandem logs in again, looks each copy up before placing it, and copies each once', async () => {
    const run = await burst('expired', {
      traderTimeoutMs: 10_000,
      after: (index) => (index === 0 || index === 2 ? [{ expireSessions: true }] : []),
    });
    const expired = run.statuses.filter((s) => s.status === 'SESSION_EXPIRED');
    figures('sessions expired mid-burst', run, expired.length, expired.filter((s) => s.statusReason?.trim()).length);
    expectOneCopyEach(run);
    // Every account found its session ended, and says so with SmartAPI's code.
    expect(new Set(expired.map((s) => s.accountId)).size).toBe(FOLLOWER_COUNT + 1);
    for (const status of expired) expect(status.statusReason).toMatch(/AG8001.*logging in again/);
    expectReasons(run);
  }, 120_000);
});
