import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BrokerCallError, type Broker } from '../../server/src/brokers/port.ts';
import { Account } from '../../server/src/persistence/entities/account.entity.ts';
import { AlertDelivery } from '../../server/src/persistence/entities/alert-delivery.entity.ts';
import { Order } from '../../server/src/persistence/entities/order.entity.ts';
import { createSmartApiSim, type SmartApiSim } from '../../sim/smartapi/index.ts';
import type { SimAccountInput } from '../../sim/smartapi/types.ts';
import { signatureVerifies, startAlertReceiver, type AlertReceiver, type ReceivedAlert } from '../support/alert-receiver.ts';
import { startTestServer, waitFor, type TestServer } from '../support/harness.ts';
import { capturedLog } from '../support/log-capture.ts';

// A whole Tandem with ALERT_WEBHOOK_URL and ALERT_WEBHOOK_SECRET; a real HTTP endpoint stands
// in for the team's webhook, and the SmartAPI simulator for Angel One.

const SECRET = 'alerts-webhook-secret-of-32-characters-or-more';
const SBIN = '3045';
const WRONG_TOTP: SimAccountInput = {
  clientcode: 'W300',
  pin: '3333',
  totpSecret: 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ',
  apiKey: 'key-wrong',
};
// Registered for another address: Angel One refuses this server's order writes (AG7002).
const FENCED: SimAccountInput = {
  clientcode: 'S400',
  pin: '4444',
  totpSecret: 'KRSXG5CTMVRXEZLUKRSXG5CTMVRXEZLU',
  apiKey: 'key-fenced',
  staticIp: '203.0.113.7',
};

const CREATE_ACCOUNT = 'mutation($i: CreateAccountInput!) { createAccount(input: $i) { id } }';
const PLACE = 'mutation($i: PlaceOrderInput!) { placeOrder(input: $i) { id } }';
const SBIN_BUY = { exchange: 'NSE', symbol: 'SBIN-EQ', side: 'BUY', orderType: 'MARKET', productType: 'INTRADAY' };

describe('alerts posted to ALERT_WEBHOOK_URL', () => {
  let receiver: AlertReceiver;
  let sim: SmartApiSim;
  let server: TestServer;
  let token: string;

  beforeAll(async () => {
    receiver = await startAlertReceiver();
    sim = await createSmartApiSim({ accounts: [WRONG_TOTP, FENCED], instruments: { [SBIN]: { pricePaise: 800_00 } } });
    server = await startTestServer({
      env: { ALERT_WEBHOOK_URL: receiver.url, ALERT_WEBHOOK_SECRET: SECRET, SMARTAPI_ROOT_URL: sim.url, SMARTAPI_ORDER_WS_URL: sim.wsUrl },
    });
    token = await server.login();
  });
  afterAll(async () => {
    await server?.close();
    await sim?.close();
    await receiver?.down();
  });

  const postsOf = (kind: string) => receiver.posts.filter((post) => post.body.kind === kind);

  async function createSmartApiAccount(account: SimAccountInput, totpSecret = account.totpSecret): Promise<string> {
    const created = await server.gql<{ createAccount: { id: string } }>(
      CREATE_ACCOUNT,
      {
        i: {
          label: `Desk ${account.clientcode}`,
          broker: 'SMARTAPI',
          role: 'FOLLOWER',
          clientCode: account.clientcode,
          credentials: { apiKey: account.apiKey, pin: account.pin, totpSecret },
        },
      },
      token,
    );
    expect(created.errors).toBeUndefined();
    return created.data!.createAccount.id;
  }

  it('tells people when a copy fails and when a follower is halted, and only then: signed, one delivery each', async () => {
    const refusing = await server.account('DEMO-F2');
    server.tandem.services.brokers.wrap(
      refusing,
      (inner): Broker => ({
        ...inner,
        clientCode: inner.clientCode,
        placeOrder: async () => {
          throw new BrokerCallError('rejected', 'Insufficient funds in DEMO-F2');
        },
      }),
    );
    const halted = await server.account('DEMO-F3');
    expect(
      (await server.gql('mutation($id: ID!) { setKillSwitch(accountId: $id, engaged: true) { engaged } }', { id: halted.id }, token))
        .errors,
    ).toBeUndefined();

    const master = await server.account('DEMO-MASTER');
    const placed = await server.gql(PLACE, { i: { accountId: master.id, ...SBIN_BUY, quantity: 10 } }, token);
    expect(placed.errors).toBeUndefined();

    await waitFor(() => receiver.posts.length >= 2, 10_000, 'two alerts');
    await server.tandem.engine.idle();
    await server.tandem.engine.alerts!.idle();
    expect(receiver.posts).toHaveLength(2);
    const bodies = receiver.posts.map((post) => post.body);
    expect(bodies).toContainEqual(
      expect.objectContaining({
        kind: 'order.failed',
        severity: 'critical',
        status: 'FAILED',
        accountId: refusing.id,
        text: 'Copy of SBIN-EQ failed: Insufficient funds in DEMO-F2',
      }),
    );
    expect(bodies).toContainEqual(
      expect.objectContaining({
        kind: 'copy.skipped',
        severity: 'warning',
        status: 'SKIPPED',
        accountId: halted.id,
        text: expect.stringMatching(/^Copy of SBIN-EQ skipped: .*kill switch/),
      }),
    );
    for (const post of receiver.posts) {
      expect(signatureVerifies(post, SECRET)).toBe(true);
      expect(post.deliveryId).toBe(post.body.id);
    }
    const rows = await server.tandem.services.orm.em.fork().find(AlertDelivery, { id: { $in: receiver.posts.map((p) => p.deliveryId) } });
    expect(rows.map((row) => row.state)).toEqual(['DELIVERED', 'DELIVERED']);
  });

  it("writes an order change's alert in the change's own transaction: there when it commits, absent when it rolls back", async () => {
    const master = await server.account('DEMO-MASTER');
    const placed = await server.gql<{ placeOrder: { id: string } }>(
      PLACE,
      { i: { ...SBIN_BUY, accountId: master.id, quantity: 1 } },
      token,
    );
    const orderId = placed.data!.placeOrder.id;
    const journal = server.tandem.services.journal;
    const alertsAbout = () =>
      server.tandem.services.orm.em
        .fork()
        .find(AlertDelivery, {})
        .then((rows) => rows.filter((row) => row.payload.orderId === orderId && String(row.payload.text).includes('outbox test')));
    const fail =
      (reason: string) =>
      async (em: Parameters<Parameters<typeof journal.record>[0]>[0], emit: Parameters<Parameters<typeof journal.record>[0]>[1]) => {
        const row = await em.findOneOrFail(Order, { id: orderId });
        emit(row, 'FAILED', { message: reason });
      };
    await expect(
      journal.record(async (em, emit) => {
        await fail('outbox test: rolled back')(em, emit);
        throw new Error('the change is abandoned');
      }),
    ).rejects.toThrow('the change is abandoned');
    expect(await alertsAbout()).toEqual([]);
    await journal.record(fail('outbox test: committed'));
    // In the outbox as soon as the change is recorded: nothing was left to write after the commit.
    expect((await alertsAbout()).map((row) => row.payload.text)).toEqual(['Order of SBIN-EQ failed: outbox test: committed']);
  });

  it('alerts when a broker refuses the login (AUTH_FAILED), in words a person can act on and without the credentials', async () => {
    const wrongTotp = 'MFRGGZDFMZTWQ2LKNNWG23TPOBYXE43U';
    const id = await createSmartApiAccount(WRONG_TOTP, wrongTotp);
    const connected = await server.gql<{ connectAccount: { status: string } }>(
      'mutation($id: ID!) { connectAccount(id: $id) { status } }',
      { id },
      token,
    );
    expect(connected.data?.connectAccount.status).toBe('AUTH_FAILED');

    const post = await waitFor(() => postsOf('session.auth_failed').find((p) => p.body.accountId === id), 10_000, 'the AUTH_FAILED alert');
    expect(post.body).toMatchObject({
      severity: 'critical',
      status: 'AUTH_FAILED',
      text: expect.stringMatching(/^Broker login refused for Desk W300 \(SMARTAPI W300\): .*TOTP secret.*AB1050/),
    });
    expect(signatureVerifies(post, SECRET)).toBe(true);
    for (const secret of [WRONG_TOTP.pin, WRONG_TOTP.apiKey!, wrongTotp]) expect(post.rawBody).not.toContain(secret);
  });

  it("alerts when Angel One refuses an order for this server's IP (AG7002), saying what to do", async () => {
    const id = await createSmartApiAccount(FENCED);
    await waitFor(
      async () => (await server.tandem.services.orm.em.fork().findOneOrFail(Account, { id })).status === 'CONNECTED',
      20_000,
      'the account to log in (logins are not held to the static IP)',
    );
    const placed = await server.gql<{ placeOrder: { id: string } }>(PLACE, { i: { accountId: id, ...SBIN_BUY, quantity: 1 } }, token);
    expect(placed.errors).toBeUndefined();

    const post: ReceivedAlert = await waitFor(
      () => postsOf('order.static_ip').find((p) => p.body.orderId === placed.data!.placeOrder.id),
      10_000,
      'the AG7002 alert',
    );
    expect(post.body).toMatchObject({
      severity: 'critical',
      accountId: id,
      status: 'FAILED',
      text: expect.stringMatching(/^Order of SBIN-EQ failed: .*register this server's static IP.*\(AG7002 /),
    });
    expect(postsOf('order.failed').filter((p) => p.body.orderId === placed.data!.placeOrder.id)).toEqual([]);
  });
});

describe('ALERT_WEBHOOK_URL without ALERT_WEBHOOK_SECRET', () => {
  it('warns at start-up and posts alerts unsigned', async () => {
    const receiver = await startAlertReceiver();
    const { log, lines } = capturedLog('warn');
    const server = await startTestServer({ env: { ALERT_WEBHOOK_URL: receiver.url }, log });
    try {
      expect(lines).toContainEqual(
        expect.objectContaining({ level: 40, msg: expect.stringMatching(/^ALERT_WEBHOOK_SECRET not set: alerts are posted unsigned/) }),
      );
      const token = await server.login();
      const follower = await server.account('DEMO-F1');
      await server.gql('mutation($id: ID!) { setKillSwitch(accountId: $id, engaged: true) { engaged } }', { id: follower.id }, token);
      const master = await server.account('DEMO-MASTER');
      await server.gql(PLACE, { i: { accountId: master.id, ...SBIN_BUY, quantity: 1 } }, token);
      const post = await waitFor(() => receiver.posts[0], 10_000, 'the alert');
      expect(post.body.kind).toBe('copy.skipped');
      expect(post.headers['x-tandem-signature']).toBeUndefined();
      expect(post.headers['x-tandem-delivery']).toBe(post.body.id);
    } finally {
      await server.close();
      await receiver.down();
    }
  });
});
