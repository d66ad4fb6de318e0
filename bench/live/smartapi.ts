// Scenario 3: the fan-out over HTTP. A SmartAPI master copied by N SmartAPI followers, all at
// the SmartAPI simulator (a process of its own, every route answering after R), Tandem on the
// benchmark's PostgreSQL (+ Redis); master orders placed through placeOrder one at a time.
// Beside it, a bare client firing the same N placeOrder calls at the same simulator, one per
// follower's session, over warm keep-alive sockets: the floor of the same work over HTTP.
import { randomBytes } from 'node:crypto';
import http from 'node:http';
import { generate, generateSecret } from 'otplib';
import pg from 'pg';
import type { SimAccountInput } from '../../sim/smartapi/types.ts';
import { redisUrl, scratchDatabase } from '../../tests/support/database.ts';
import { gqlAt, loginAt, ok } from '../../tests/support/gql.ts';
import { orderBody } from '../../tests/support/smartapi-app.ts';
import { startSimProcess } from '../../tests/support/smartapi-sim-process.ts';
import { stopServerProcess } from '../../tests/support/spawn-server.ts';
import { waitFor } from '../../tests/support/wait-for.ts';
import { post, timedRounds } from './bare-http.ts';
import { ms, type RunOptions, type Scenario, type ScenarioResult, skipped } from './scenario.ts';
import { allSettled, childTimes, fanOutTimes, startTimed } from './session.ts';

const FOLLOWERS = 100;
const ADMIN = { email: 'bench-smartapi@tandem.local', password: 'bench-smartapi-password-1' };
const ORDER_BODY = orderBody();

const account = (clientcode: string): SimAccountInput => ({
  clientcode,
  pin: '4321',
  totpSecret: generateSecret(),
  apiKey: `key-${clientcode}`,
});

export const smartApi: Scenario = {
  id: 3,
  title: `fan-out over HTTP to the SmartAPI simulator, ${FOLLOWERS} followers, vs a bare client`,
  async run(options: RunOptions): Promise<ScenarioResult> {
    if (!process.env.DATABASE_URL) return skipped(this, 'needs DATABASE_URL');
    const R = options.latencyMs;
    const orders = options.quick ? 10 : 30;
    const master = account('BM000');
    const followers = Array.from({ length: FOLLOWERS }, (_, i) => account(`BF${String(i).padStart(3, '0')}`));
    const sim = await startSimProcess({ accounts: [master, ...followers], instruments: { '3045': { price: '1010.00' } } });
    const database = await scratchDatabase();
    const db = new pg.Pool({ connectionString: database.url!, max: 2, application_name: 'tandem-bench' });
    const { server, url } = await startTimed({
      SECRET_KEY: 'bench-smartapi-secret-key-with-32-characters',
      ADMIN_EMAIL: ADMIN.email,
      ADMIN_PASSWORD: ADMIN.password,
      DEMO_DATA: 'false',
      DATABASE_URL: database.url!,
      SMARTAPI_ROOT_URL: sim.url,
      SMARTAPI_ORDER_WS_URL: sim.wsUrl,
      ...(redisUrl ? { REDIS_URL: redisUrl, REDIS_PREFIX: `bench-${randomBytes(4).toString('hex')}:` } : {}),
    });
    try {
      const token = await loginAt(url, ADMIN.email, ADMIN.password);
      const gql = async <T>(query: string, variables: Record<string, unknown>) => ok(await gqlAt<T>(url, query, variables, token));
      const create = async (who: SimAccountInput, role: 'MASTER' | 'FOLLOWER') =>
        (
          await gql<{ createAccount: { id: string } }>('mutation($i: CreateAccountInput!) { createAccount(input: $i) { id } }', {
            i: {
              label: who.clientcode,
              broker: 'SMARTAPI',
              role,
              clientCode: who.clientcode,
              credentials: { apiKey: who.apiKey, pin: who.pin, totpSecret: who.totpSecret },
            },
          })
        ).createAccount.id;
      options.progress(`  creating a SmartAPI master and ${FOLLOWERS} followers through the API`);
      const masterId = await create(master, 'MASTER');
      for (const follower of followers) {
        const followerId = await create(follower, 'FOLLOWER');
        await gql('mutation($i: CreateMultiplierInput!) { createMultiplier(input: $i) { id } }', {
          i: { masterId, followerId, factor: 1 },
        });
      }
      await waitFor(
        async () => {
          const { accounts } = await gql<{ accounts: { statusReason: string | null }[] }>('{ accounts { statusReason } }', {});
          return accounts.filter((a) => a.statusReason?.includes('order updates live')).length === FOLLOWERS + 1;
        },
        180_000,
        'every SmartAPI account to log in and open its order socket',
      );
      await sim.faults({ latencyMs: R });
      options.progress(`  ${orders} master orders at the simulator through Tandem (R = ${R} ms on every route)`);
      const PLACE = 'mutation($i: PlaceOrderInput!) { placeOrder(input: $i) { id } }';
      const measured: string[] = [];
      for (let index = -2; index < orders; index += 1) {
        const input = {
          accountId: masterId,
          exchange: 'NSE',
          symbol: 'SBIN-EQ',
          side: index % 2 === 0 ? 'BUY' : 'SELL',
          quantity: 1,
          orderType: 'MARKET',
          productType: 'INTRADAY',
        };
        const { id } = (await gql<{ placeOrder: { id: string } }>(PLACE, { i: input })).placeOrder;
        await allSettled(db, [id], FOLLOWERS);
        if (index >= 0) measured.push(id);
      }
      const times = await childTimes(db, measured);
      const { overheadMs, lastAckMs, lastAckFromRequestMs } = fanOutTimes(times);
      options.progress(`  bare client: ${FOLLOWERS} placeOrder calls at once, one per follower session`);
      const bareMs = await bareClient(sim.url, followers, options.quick ? 10 : 30);
      const F = options.floor.get(FOLLOWERS) ?? null;
      return {
        id: this.id,
        title: this.title,
        status: 'ran',
        rows: [
          { measure: `overhead, master accepted -> last child sent, p50/p99/max (${orders} orders)`, value: ms(overheadMs) },
          {
            measure: 'last ack, master accepted -> last child ack, p50/p99/max',
            value: `${ms(lastAckMs)} (p99 / R = ${((lastAckMs.p99 ?? 0) / R).toFixed(2)})`,
          },
          { measure: "last ack from the master's request (adds its own round trip), p50/p99/max", value: ms(lastAckFromRequestMs) },
          { measure: `bare client, ${FOLLOWERS} placeOrder calls at the simulator at once, p50/p99/max`, value: ms(bareMs) },
        ],
        targets: [
          {
            what: `SmartAPI over HTTP, last ack <= bare-HTTP floor + F + 5 ms`,
            value: lastAckMs.p99,
            limit: F === null || bareMs.p99 === null ? null : Math.round(bareMs.p99 + F + 5),
            relation: '<=',
            unit: 'ms',
            basis: `bare client p99 ${bareMs.p99}, F = ${F}`,
          },
        ],
        data: { followers: FOLLOWERS, orders, brokerRoundTripMs: R, overheadMs, lastAckMs, bareClientMs: bareMs },
      };
    } finally {
      await stopServerProcess(server);
      await sim.stop();
      await db.end();
      await database.drop();
    }
  },
};

/** Each follower logged in once, then rounds of one placeOrder per follower at once over warm sockets. */
async function bareClient(simUrl: string, followers: SimAccountInput[], rounds: number) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: Number.POSITIVE_INFINITY, maxFreeSockets: followers.length });
  const headers = (who: SimAccountInput, jwt?: string) => ({
    Accept: 'application/json',
    'X-UserType': 'USER',
    'X-SourceID': 'WEB',
    'X-ClientLocalIP': '127.0.0.1',
    'X-ClientPublicIP': '127.0.0.1',
    'X-MACAddress': '00:00:00:00:00:00',
    'X-PrivateKey': who.apiKey!,
    ...(jwt ? { Authorization: `Bearer ${jwt}` } : {}),
  });
  try {
    const jwts: string[] = [];
    for (const who of followers) {
      const body = JSON.stringify({ clientcode: who.clientcode, password: who.pin, totp: await generate({ secret: who.totpSecret }) });
      const answer = JSON.parse(await post(agent, `${simUrl}/rest/auth/angelbroking/user/v1/loginByPassword`, body, headers(who))) as {
        data?: { jwtToken: string };
      };
      if (!answer.data) throw new Error(`the simulator refused to log ${who.clientcode} in: ${JSON.stringify(answer)}`);
      jwts.push(answer.data.jwtToken);
    }
    return await timedRounds(
      followers.length,
      rounds,
      async (i) => {
        const text = await post(
          agent,
          `${simUrl}/rest/secure/angelbroking/order/v1/placeOrder`,
          JSON.stringify(ORDER_BODY),
          headers(followers[i]!, jwts[i]),
        );
        if (!(JSON.parse(text) as { status?: boolean }).status) throw new Error(`placeOrder refused: ${text}`);
      },
      // SmartAPI allows each account 9 order calls a second: a round every 300 ms stays under it.
      300,
    );
  } finally {
    agent.destroy();
  }
}
