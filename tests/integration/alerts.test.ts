import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BrokerCallError, type Broker } from '../../server/src/brokers/port.ts';
import { startTestServer, waitFor, type TestServer } from '../support/harness.ts';
import { startWebhook } from '../support/webhook.ts';

// A real HTTP endpoint stands in for the team's chat webhook.
describe('alerts posted to ALERT_WEBHOOK_URL', () => {
  let hook: Awaited<ReturnType<typeof startWebhook>>;
  const received: { text: string; severity: string; status: string }[] = [];
  let server: TestServer;
  let token: string;

  beforeAll(async () => {
    hook = await startWebhook(received);
    server = await startTestServer({ env: { ALERT_WEBHOOK_URL: hook.url } });
    token = await server.login();
  });
  afterAll(async () => {
    await server?.close();
    hook?.close();
  });

  it('tells people when a copy fails and when a follower is halted, and only then', async () => {
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
    const placed = await server.gql(
      'mutation($i: PlaceOrderInput!) { placeOrder(input: $i) { id } }',
      {
        i: {
          accountId: master.id,
          exchange: 'NSE',
          symbol: 'SBIN-EQ',
          side: 'BUY',
          quantity: 10,
          orderType: 'MARKET',
          productType: 'INTRADAY',
        },
      },
      token,
    );
    expect(placed.errors).toBeUndefined();

    await waitFor(() => received.length >= 2, 10_000, 'two alerts');
    await server.tandem.engine.idle();
    expect(received).toHaveLength(2);
    expect(received).toContainEqual(
      expect.objectContaining({ severity: 'critical', status: 'FAILED', text: 'Copy of SBIN-EQ failed: Insufficient funds in DEMO-F2' }),
    );
    expect(received).toContainEqual(
      expect.objectContaining({
        severity: 'warning',
        status: 'SKIPPED',
        text: expect.stringMatching(/^Copy of SBIN-EQ skipped: .*kill switch/),
      }),
    );
  });
});
