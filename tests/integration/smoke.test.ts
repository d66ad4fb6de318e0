import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, waitFor, type TestServer } from '../support/harness.ts';

describe('paper order end to end', () => {
  let server: TestServer;
  let token: string;
  beforeAll(async () => {
    server = await startTestServer();
    token = await server.login();
  });
  afterAll(async () => server?.close());

  it('places a MARKET order on a paper account that reaches FILLED', async () => {
    const master = await server.account('DEMO-MASTER');
    const placed = await server.gql<{ placeOrder: { id: string; status: string; orderTag: string } }>(
      `mutation($i: PlaceOrderInput!) { placeOrder(input: $i) { id status orderTag } }`,
      {
        i: {
          accountId: master.id,
          exchange: 'NSE',
          symbol: 'SBIN-EQ',
          side: 'BUY',
          quantity: 40,
          orderType: 'MARKET',
          productType: 'INTRADAY',
        },
      },
      token,
    );
    expect(placed.errors).toBeUndefined();
    const id = placed.data!.placeOrder.id;
    const filled = await waitFor(async () => {
      const r = await server.gql<{
        order: { status: string; filledQuantity: number; averagePrice: number | null; brokerOrderId: string | null };
      }>(`query($id: ID!) { order(id: $id) { status filledQuantity averagePrice brokerOrderId } }`, { id }, token);
      return r.data?.order.status === 'FILLED' ? r.data.order : undefined;
    });
    expect(filled.filledQuantity).toBe(40);
    expect(filled.averagePrice).toBeGreaterThan(0);
    expect(filled.brokerOrderId).toMatch(/^\d{15}$/);
  });
});
