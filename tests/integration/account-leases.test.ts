// Each master is replicated by the one instance holding its lease: an order placed through
// any instance is copied once, by the holder; a holder that stops renewing is taken over and
// its unfinished work completed; a stale holder is fenced out inside its own transaction.
import { randomBytes } from 'node:crypto';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { execute } from '../../server/src/persistence/db.ts';
import { AccountLease } from '../../server/src/persistence/entities/account-lease.entity.ts';
import { Order } from '../../server/src/persistence/entities/order.entity.ts';
import { Account } from '../../server/src/persistence/entities/account.entity.ts';
import { createSmartApiSim } from '../../sim/smartapi/index.ts';
import type { SimAccountInput } from '../../sim/smartapi/types.ts';
import { redisUrl, reopenableDatabase, scratchDatabase, usingPostgres } from '../support/database.ts';
import { startTestServer, waitFor, type TestServer } from '../support/harness.ts';
import { settledChildRows } from '../support/orders.ts';
import { AngelApp } from '../support/smartapi-app.ts';

const PLACE = `mutation($i: PlaceOrderInput!) { placeOrder(input: $i) { id } }`;
/** The copies of a demo master order: one per demo follower. */
const DEMO_COPIES = { count: 3, timeoutMs: 15_000 };
const started: TestServer[] = [];
const databases: Awaited<ReturnType<typeof scratchDatabase>>[] = [];

afterEach(async () => {
  for (const server of started.splice(0).reverse()) await server.close();
});
afterAll(async () => {
  for (const database of databases) await database.drop();
});

async function placeOnDemoMaster(server: TestServer, quantity: number): Promise<string> {
  const token = await server.login();
  const masterId = (await server.account('DEMO-MASTER')).id;
  const placed = await server.gql<{ placeOrder: { id: string } }>(
    PLACE,
    {
      i: { accountId: masterId, exchange: 'NSE', symbol: 'SBIN-EQ', side: 'BUY', quantity, orderType: 'MARKET', productType: 'INTRADAY' },
    },
    token,
  );
  expect(placed.errors).toBeUndefined();
  return placed.data!.placeOrder.id;
}

async function leaseOf(server: TestServer, accountId: string): Promise<AccountLease | null> {
  return server.tandem.services.orm.em.fork().findOne(AccountLease, { accountId });
}

describe('master leases on one instance', () => {
  it('fences out a holder whose lease was taken, then finishes the copy when it holds the lease again', async () => {
    const server = await startTestServer({ env: { MASTER_LEASE_TTL_S: '1' } });
    started.push(server);
    const master = await server.account('DEMO-MASTER');
    const held = await leaseOf(server, master.id);
    expect(held).toMatchObject({ holder: server.tandem.engine.leases.holder });

    // Another holder takes the lease (as after a long pause of this one): this instance still
    // believes it holds it, but its write-ahead checks the row and writes nothing.
    const em = server.tandem.services.orm.em.fork();
    await execute(
      em,
      `update account_leases set holder = 'another-instance', epoch = epoch + 1, expires_at = now() + interval '2 seconds' where account_id = ?`,
      [master.id],
    );
    const id = await placeOnDemoMaster(server, 5);
    await server.tandem.engine.idle();
    expect(await server.tandem.services.orm.em.fork().count(Order, { masterOrderId: id })).toBe(0);
    expect((await server.tandem.services.orm.em.fork().findOneOrFail(Order, { id })).copyPlannedAt).toBeNull();

    // The other holder goes quiet; once its lease runs out this instance takes it, with the next
    // epoch, and plans the master no one copied.
    const children = await settledChildRows(server, id, DEMO_COPIES);
    expect(children.map((c) => c.quantity).sort((a, b) => a - b)).toEqual([5, 5, 12]);
    const retaken = await leaseOf(server, master.id);
    expect(retaken).toMatchObject({ holder: server.tandem.engine.leases.holder, epoch: held!.epoch + 2 });
  });

  it('hands its leases back when it stops, so a successor takes over at once', async () => {
    const database = await reopenableDatabase();
    databases.push(database);
    const first = await startTestServer({ database, env: { MASTER_LEASE_TTL_S: '60' } });
    const masterId = (await first.account('DEMO-MASTER')).id;
    expect((await leaseOf(first, masterId))?.holder).toBe(first.tandem.engine.leases.holder);
    await first.close();
    const second = await startTestServer({ database, env: { MASTER_LEASE_TTL_S: '60' } });
    started.push(second);
    // A 60 s lease left behind would keep the successor waiting; a handed-back one does not.
    expect((await leaseOf(second, masterId))?.holder).toBe(second.tandem.engine.leases.holder);
    const children = await settledChildRows(second, await placeOnDemoMaster(second, 4), DEMO_COPIES);
    expect(children.map((c) => c.status)).toEqual(['FILLED', 'FILLED', 'FILLED']);
  });
});

describe.skipIf(!usingPostgres || !redisUrl)('master leases across instances (needs DATABASE_URL and REDIS_URL)', () => {
  it('copies an order placed through an API-only instance once, on the instance holding the lease, and moves on when it leaves', async () => {
    const database = await scratchDatabase();
    databases.push(database);
    const redisPrefix = `tandem-test-${randomBytes(4).toString('hex')}:`;
    const replicator = await startTestServer({ database, redisPrefix, env: { ROLE: 'replicator', MASTER_LEASE_TTL_S: '1' } });
    const api = await startTestServer({ database, redisPrefix, env: { ROLE: 'api' } });
    const standby = await startTestServer({ database, redisPrefix, env: { ROLE: 'all', MASTER_LEASE_TTL_S: '1' } });
    started.push(api, standby);
    const masterId = (await api.account('DEMO-MASTER')).id;
    expect((await leaseOf(api, masterId))?.holder).toBe(replicator.tandem.engine.leases.holder);

    // Placed through the API instance, which replicates nothing; the holder hears it through Redis.
    const first = await settledChildRows(api, await placeOnDemoMaster(api, 6), DEMO_COPIES);
    expect(first.map((c) => c.quantity).sort((a, b) => a - b)).toEqual([6, 6, 15]);
    const duplicates = await execute(
      api.tandem.services.orm.em.fork(),
      'select multiplier_id, leg, count(*) as n from orders where master_order_id is not null group by master_order_id, multiplier_id, leg having count(*) > 1',
    );
    expect(duplicates).toEqual([]);

    // The holder leaves; the standby takes the master over and copies the next order.
    await replicator.close();
    await waitFor(
      async () => (await leaseOf(api, masterId))?.holder === standby.tandem.engine.leases.holder,
      10_000,
      'the standby to take the lease',
    );
    const second = await settledChildRows(api, await placeOnDemoMaster(api, 2), DEMO_COPIES);
    expect(second.map((c) => c.quantity).sort((a, b) => a - b)).toEqual([2, 2, 5]);
  });

  it("opens each SmartAPI account's order socket on one instance only, and on another when that one leaves", async () => {
    const master: SimAccountInput = { clientcode: 'LM1', pin: '1111', totpSecret: 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP', apiKey: 'key-m' };
    const follower: SimAccountInput = { clientcode: 'LF1', pin: '2222', totpSecret: 'KRSXG5CTMVRXEZLUKRSXG5CTMVRXEZLU', apiKey: 'key-f' };
    const sim = await createSmartApiSim({ accounts: [master, follower], instruments: { '3045': { pricePaise: 1010_00 } } });
    try {
      const database = await scratchDatabase();
      databases.push(database);
      const redisPrefix = `tandem-test-${randomBytes(4).toString('hex')}:`;
      const env = { MASTER_LEASE_TTL_S: '1', SMARTAPI_ROOT_URL: sim.url, SMARTAPI_ORDER_WS_URL: sim.wsUrl };
      const first = await startTestServer({ database, redisPrefix, env });
      const second = await startTestServer({ database, redisPrefix, env });
      started.push(first, second);
      const token = await first.login();
      const ids: string[] = [];
      for (const [account, role] of [
        [master, 'MASTER'],
        [follower, 'FOLLOWER'],
      ] as const) {
        const created = await first.gql<{ createAccount: { id: string } }>(
          `mutation($i: CreateAccountInput!) { createAccount(input: $i) { id } }`,
          {
            i: {
              label: account.clientcode,
              broker: 'SMARTAPI',
              role,
              clientCode: account.clientcode,
              credentials: { apiKey: account.apiKey, pin: account.pin, totpSecret: account.totpSecret },
            },
          },
          token,
        );
        expect(created.errors).toBeUndefined();
        ids.push(created.data!.createAccount.id);
      }
      const linked = await first.gql(
        `mutation($i: CreateMultiplierInput!) { createMultiplier(input: $i) { id } }`,
        { i: { masterId: ids[0], followerId: ids[1], factor: 2 } },
        token,
      );
      expect(linked.errors).toBeUndefined();
      const live = (server: TestServer) =>
        waitFor(
          async () => {
            const accounts = await server.tandem.services.orm.em.fork().find(Account, { id: { $in: ids } });
            return accounts.length === 2 && accounts.every((a) => a.statusReason?.includes('order updates live'));
          },
          20_000,
          'both SmartAPI accounts to be followed',
        );
      await live(first);

      // Each account is leased to one instance (either may win a new account), and each socket
      // is open once: a few renewals later no instance has opened a second one.
      const servers = [first, second];
      const leases = await first.tandem.services.orm.em.fork().find(AccountLease, { accountId: { $in: ids } });
      expect(leases).toHaveLength(2);
      for (const lease of leases) expect(servers.map((s) => s.tandem.engine.leases.holder)).toContain(lease.holder);
      await new Promise((resolve) => setTimeout(resolve, 1_500));
      expect(sim.counters().wsConnections).toBe(2);

      // The master's holder leaves: the other instance takes what it held, reopens those sockets and copies.
      const leaving = servers.find((s) => s.tandem.engine.leases.holder === leases.find((l) => l.accountId === ids[0])!.holder)!;
      const staying = servers.find((s) => s !== leaving)!;
      started.splice(started.indexOf(leaving), 1);
      await leaving.close();
      await waitFor(
        async () =>
          (
            await staying.tandem.services.orm.em
              .fork()
              .find(AccountLease, { accountId: { $in: ids }, holder: staying.tandem.engine.leases.holder })
          ).length === 2,
        10_000,
        'the staying instance to take both leases',
      );
      // Only the staying instance is left: every socket the simulator drops now comes back from it alone.
      sim.faults.dropSockets();
      await waitFor(() => sim.counters().wsConnections === 2, 20_000, 'both sockets to reopen from the staying instance');
      const placed = await new AngelApp(sim, master).place({ quantity: '3', ordertag: 'lease-handover' });
      const copy = await waitFor(
        async () => {
          const masterOrder = await staying.tandem.services.orm.em
            .fork()
            .findOne(Order, { accountId: ids[0], brokerOrderId: placed.orderid });
          const children = masterOrder ? await staying.tandem.services.orm.em.fork().find(Order, { masterOrderId: masterOrder.id }) : [];
          return children.length === 1 && children[0]!.status === 'FILLED' ? children[0] : undefined;
        },
        20_000,
        'the master order to be copied by the staying instance',
      );
      expect(copy.quantity).toBe(6);
      expect(sim.orders.list('LF1').filter((o) => o.ordertag === copy.orderTag)).toHaveLength(1);
    } finally {
      await sim.close();
    }
  });
});
