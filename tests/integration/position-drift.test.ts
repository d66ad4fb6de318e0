// Drift as a trader reads it after real fan-outs on the paper exchange: each follower's position
// (the broker's word) beside what its multiplier makes of the master's fills since the link.
// A copy the kill switch skipped is drift; a fill from before a follower was linked is not owed.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAlertReceiver, type AlertReceiver } from '../support/alert-receiver.ts';
import { ok } from '../support/gql.ts';
import { startTestServer, waitFor, type TestServer } from '../support/harness.ts';
import { settledChildren } from '../support/orders.ts';

interface DriftView {
  follower: { label: string };
  exchange: string;
  symbol: string;
  productType: string;
  expected: number;
  actual: number;
  drift: number;
}

const DRIFT = `query($id: ID!, $all: Boolean) { positionDrift(masterId: $id, includeZero: $all) {
  follower { label } exchange symbol productType expected actual drift } }`;

let server: TestServer;
let token: string;
let masterId: string;

async function drift(includeZero: boolean): Promise<Record<string, Omit<DriftView, 'follower'>>> {
  const rows = ok(await server.gql<{ positionDrift: DriftView[] }>(DRIFT, { id: masterId, all: includeZero }, token)).positionDrift;
  return Object.fromEntries(rows.map(({ follower, ...row }) => [follower.label, row]));
}

/** Places a market order on the master, waits for its `copies` children to settle and for it to fill. */
async function masterFilled(side: 'BUY' | 'SELL', quantity: number, copies: number): Promise<void> {
  const { placeOrder } = ok(
    await server.gql<{ placeOrder: { id: string } }>(
      'mutation($i: PlaceOrderInput!) { placeOrder(input: $i) { id } }',
      { i: { accountId: masterId, exchange: 'NSE', symbol: 'SBIN-EQ', side, quantity, orderType: 'MARKET', productType: 'INTRADAY' } },
      token,
    ),
  );
  await settledChildren(server, token, placeOrder.id, { count: copies });
  await waitFor(
    async () =>
      ok(await server.gql<{ order: { status: string } }>('query($id: ID!) { order(id: $id) { status } }', { id: placeOrder.id }, token))
        .order.status === 'FILLED',
    10_000,
    'the master order to fill',
  );
}

const at = (expected: number, actual: number) => ({
  exchange: 'NSE',
  symbol: 'SBIN-EQ',
  productType: 'INTRADAY',
  expected,
  actual,
  drift: actual - expected,
});

let receiver: AlertReceiver;

beforeAll(async () => {
  receiver = await startAlertReceiver();
  server = await startTestServer({
    env: { ALERT_WEBHOOK_URL: receiver.url, ALERT_WEBHOOK_SECRET: 'drift-test-secret-of-at-least-32-characters', DRIFT_ALERT_AFTER_S: '1' },
  });
  token = await server.login();
  masterId = (await server.account('DEMO-MASTER')).id;
});

afterAll(async () => {
  await server?.close();
  await receiver?.down();
});

const driftAlerts = () => receiver.posts.filter((post) => post.body.kind === 'position.drift');

describe('positionDrift', () => {
  it('is zero for every follower whose copies all filled, and hidden unless asked for', async () => {
    await masterFilled('BUY', 10, 3);
    expect(await drift(true)).toEqual({
      'Follower x1': at(10, 10),
      'Follower x2.5': at(25, 25),
      'Follower reverse x1': at(-10, -10),
    });
    expect(await drift(false)).toEqual({});
    // No drift, nothing to say.
    await new Promise((resolve) => setTimeout(resolve, 1100));
    await server.tandem.engine.driftWatch.check();
    expect(driftAlerts()).toEqual([]);
  });

  it('shows the copy a kill switch skipped as drift, for that follower only', async () => {
    const f1 = (await server.account('DEMO-F1')).id;
    ok(await server.gql('mutation($id: ID!) { setKillSwitch(accountId: $id, engaged: true) { engaged } }', { id: f1 }, token));
    await masterFilled('BUY', 4, 3);
    expect(await drift(false)).toEqual({ 'Follower x1': at(14, 10) });
    // Once the master's order and its copies have been final for DRIFT_ALERT_AFTER_S, the drift is
    // said once, whichever check (the engine's own every few seconds, or this test's) sees it first.
    const watch = server.tandem.engine.driftWatch;
    await waitFor(
      async () => {
        await watch.check();
        return driftAlerts().length > 0;
      },
      15_000,
      'the drift alert',
    );
    await watch.check();
    await watch.check();
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(
      driftAlerts().map((post) => [post.body.followerId, post.body.symbol, post.body.expected, post.body.actual, post.body.drift]),
    ).toEqual([[(await server.account('DEMO-F1')).id, 'SBIN-EQ', 14, 10, -4]]);
    expect(driftAlerts()[0]!.body.text).toBe('Follower x1 holds 10 SBIN-EQ INTRADAY where its rules for Demo master make 14 (drift -4)');
    ok(await server.gql('mutation($id: ID!) { setKillSwitch(accountId: $id, engaged: false) { engaged } }', { id: f1 }, token));
  });

  it('owes a follower linked later nothing of what the master held before the link', async () => {
    const { createAccount } = ok(
      await server.gql<{ createAccount: { id: string } }>(
        'mutation { createAccount(input: { label: "Late follower", broker: PAPER, role: FOLLOWER, clientCode: "DRIFT-LATE" }) { id } }',
        {},
        token,
      ),
    );
    ok(
      await server.gql(
        'mutation($m: ID!, $f: ID!) { createMultiplier(input: { masterId: $m, followerId: $f, factor: 1 }) { id } }',
        { m: masterId, f: createAccount.id },
        token,
      ),
    );
    // The master sells all 14: every follower exits what it holds; the late one holds nothing and owes nothing.
    await masterFilled('SELL', 14, 4);
    const rows = await drift(true);
    expect(rows['Late follower']).toEqual(at(0, 0));
    expect(rows['Follower x2.5']).toEqual(at(0, 0));
    expect(rows['Follower reverse x1']).toEqual(at(0, 0));
    // Follower x1 missed the buy of 4, so its exit of 14 is capped at the 10 it held: flat, as owed.
    expect(rows['Follower x1']).toEqual(at(0, 0));
  });

  it('says once, as drift and as a mismatch, what a follower bought at its broker outside Tandem', async () => {
    await server.tandem.paper.broker('DEMO-F2').placeOrder({
      exchange: 'NSE',
      symbol: 'SBIN-EQ',
      token: '3045',
      side: 'BUY',
      quantity: 5,
      orderType: 'MARKET',
      productType: 'INTRADAY',
      variety: 'NORMAL',
      price: null,
      triggerPrice: null,
      orderTag: '',
    });
    // Filled before the master's next order, so the watch looks at it after that order in one state.
    await waitFor(async () => (await drift(false))['Follower x2.5']?.actual === 5, 10_000, 'the outside order to fill');
    await masterFilled('BUY', 2, 4);
    expect(await drift(false)).toEqual({ 'Follower x2.5': at(5, 10) });
    const f2 = (await server.account('DEMO-F2')).id;
    const mismatches = () => receiver.posts.filter((post) => post.body.kind === 'position.mismatch');
    const watch = server.tandem.engine.driftWatch;
    await waitFor(
      async () => {
        await watch.check();
        return driftAlerts().length > 1 && mismatches().length > 0;
      },
      15_000,
      'the drift and mismatch alerts',
    );
    await watch.check();
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(driftAlerts().map((post) => [post.body.followerId, post.body.drift])).toEqual([
      [(await server.account('DEMO-F1')).id, -4],
      [f2, 5],
    ]);
    expect(mismatches().map((post) => [post.body.accountId, post.body.brokerQuantity, post.body.tandemQuantity])).toEqual([[f2, 10, 5]]);
  });
});
