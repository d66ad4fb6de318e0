import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { OrderEvent } from '../../server/src/persistence/entities/order-event.entity.ts';
import { Order } from '../../server/src/persistence/entities/order.entity.ts';
import { startTestServer, waitFor, type TestServer } from '../support/harness.ts';
import { startWebhook } from '../support/webhook.ts';

// The write-ahead of a master's copies is made to fail for real: a constraint added here makes
// the database refuse the rows. The failure must be said once and as it is (an alert, the
// master's event, each follower's row), never retried into "copy would go out N s late".

const PLACE = 'mutation($i: PlaceOrderInput!) { placeOrder(input: $i) { id } }';
const ORDER = 'query($id: ID!) { order(id: $id) { status children { account { clientCode } quantity status reason } } }';
type OrderAnswer = {
  order: {
    status: string;
    children: { account: { clientCode: string }; quantity: number; status: string; reason: string | null }[];
  } | null;
};
const REASON = /^copying failed: could not record the copies \(error id ([0-9a-f]{8})\); see the server log$/;

describe('a write-ahead the database refuses', () => {
  let hook: Awaited<ReturnType<typeof startWebhook>>;
  const alerts: { text: string; severity: string; orderId: string }[] = [];
  let server: TestServer;
  let token: string;
  let masterAccountId: string;

  const sql = (statement: string) => server.tandem.services.orm.em.fork().getConnection().execute(statement);

  beforeAll(async () => {
    hook = await startWebhook(alerts);
    server = await startTestServer({ env: { ALERT_WEBHOOK_URL: hook.url } });
    token = await server.login();
    masterAccountId = (await server.account('DEMO-MASTER')).id;
  });
  afterEach(async () => {
    await sql('alter table orders drop constraint if exists test_refuses_copies');
    await sql('alter table orders drop constraint if exists test_refuses_children');
    alerts.length = 0;
  });
  afterAll(async () => {
    await server?.close();
    hook?.close();
  });

  async function placeOnMaster(quantity: number): Promise<string> {
    const placed = await server.gql<{ placeOrder: { id: string } }>(
      PLACE,
      {
        i: {
          accountId: masterAccountId,
          exchange: 'NSE',
          symbol: 'SBIN-EQ',
          side: 'BUY',
          quantity,
          orderType: 'MARKET',
          productType: 'INTRADAY',
        },
      },
      token,
    );
    expect(placed.errors).toBeUndefined();
    return placed.data!.placeOrder.id;
  }

  /** What the master's event feed shows: its events, oldest first. */
  async function masterEvents(id: string): Promise<{ kind: string; message: string | null }[]> {
    const events = await server.tandem.services.orm.em.fork().find(OrderEvent, { orderId: id }, { orderBy: { cursor: 'asc' } });
    return events.map((e) => ({ kind: e.kind, message: e.message }));
  }

  /** What the periodic sweep does: plan every accepted master no one planned. */
  async function sweep(): Promise<number> {
    const planned = await server.tandem.engine.replicator.replicateUnplanned([masterAccountId]);
    await server.tandem.engine.idle();
    return planned;
  }

  it('rows the database refuses: every follower gets a FAILED row naming the error id, the master an event, people one alert', async () => {
    // Copies carry an order tag; the rows that record a failure carry none.
    await sql('alter table orders add constraint test_refuses_copies check (master_order_id is null or order_tag is null) not valid');
    const id = await placeOnMaster(10);

    const children = await waitFor(
      async () => {
        const found = (await server.gql<OrderAnswer>(ORDER, { id }, token)).data?.order?.children;
        return found && found.length === 3 ? found : undefined;
      },
      10_000,
      "the followers' rows",
    );
    const errorId = REASON.exec(children[0]!.reason ?? '')?.[1];
    expect(errorId).toBeDefined();
    for (const child of children)
      expect(child).toMatchObject({
        status: 'FAILED',
        quantity: 0,
        reason: `copying failed: could not record the copies (error id ${errorId}); see the server log`,
      });
    expect(children.map((c) => c.account.clientCode).sort()).toEqual(['DEMO-F1', 'DEMO-F2', 'DEMO-F3']);
    expect(await masterEvents(id)).toContainEqual({
      kind: 'COPY_FAILED',
      message: `copying failed: could not record the copies (error id ${errorId}); see the server log; no copy was sent`,
    });

    await waitFor(() => alerts.length >= 1, 5_000, 'the alert');
    expect(alerts).toEqual([
      expect.objectContaining({
        severity: 'critical',
        orderId: id,
        text: `Copying of SBIN-EQ failed: could not record the copies (error id ${errorId}); no copy was sent; see the server log`,
      }),
    ]);

    // Nothing tries again, so nothing turns into "too late" later, and nobody is alerted twice.
    expect(await sweep()).toBe(0);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(alerts).toHaveLength(1);
    const rows = await server.tandem.services.orm.em.fork().find(Order, { masterOrderId: id });
    expect(rows).toHaveLength(3);
    for (const row of rows) expect(row.reason).not.toMatch(/late|would go out/);

    // The next master, once the database takes copies again, is copied as usual.
    await sql('alter table orders drop constraint test_refuses_copies');
    const next = await placeOnMaster(5);
    const copies = await waitFor(
      async () => {
        const found = (await server.gql<OrderAnswer>(ORDER, { id: next }, token)).data?.order?.children;
        return found && found.length === 3 && found.every((c) => c.status === 'FILLED') ? found : undefined;
      },
      10_000,
      "the next master's copies to fill",
    );
    expect(copies).toHaveLength(3);
  });

  it("when not even the followers' rows can be written, the master alone says so and people get one alert", async () => {
    await sql('alter table orders add constraint test_refuses_children check (master_order_id is null) not valid');
    const id = await placeOnMaster(7);

    const failed = await waitFor(
      async () => (await masterEvents(id)).find((e) => e.kind === 'COPY_FAILED'),
      10_000,
      "the master's COPY_FAILED event",
    );
    expect(failed.message).toMatch(
      /^copying failed: could not record the copies \(error id [0-9a-f]{8}\); see the server log; no copy was sent, and the followers' rows could not be written either$/,
    );
    await waitFor(() => alerts.length >= 1, 5_000, 'the alert');
    expect(alerts).toEqual([
      expect.objectContaining({
        severity: 'critical',
        orderId: id,
        text: expect.stringMatching(/^Copying of SBIN-EQ failed: could not record the copies/),
      }),
    ]);

    expect(await sweep()).toBe(0);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(alerts).toHaveLength(1);
    expect(await server.tandem.services.orm.em.fork().count(Order, { masterOrderId: id })).toBe(0);
  });
});
