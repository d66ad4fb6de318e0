// Several real Tandem processes on one PostgreSQL database and one Redis (a private channel
// prefix): the accounts they share, and the checks every fault test makes afterwards, of
// Tandem's rows against the paper exchange's own book, read from the database itself.
import { randomBytes } from 'node:crypto';
import pino from 'pino';
import { bootTandem } from '../../server/src/bootstrap.ts';
import { loadConfig } from '../../server/src/config.ts';
import { TERMINAL_STATUSES } from '../../server/src/core/types.ts';
import { execute, initOrm, type Database } from '../../server/src/persistence/db.ts';
import { Account } from '../../server/src/persistence/entities/account.entity.ts';
import { Multiplier } from '../../server/src/persistence/entities/multiplier.entity.ts';
import { Order } from '../../server/src/persistence/entities/order.entity.ts';
import { PaperOrder } from '../../server/src/persistence/entities/paper-order.entity.ts';
import { User } from '../../server/src/persistence/entities/user.entity.ts';
import { redisUrl, scratchDatabase } from './database.ts';
import { waitFor } from './harness.ts';
import type { ServerProcess } from './spawn-server.ts';
import { gqlAt, ok } from './gql.ts';
import type { Side } from '../../server/src/core/types.ts';

export const FLEET_ADMIN = { email: 'fleet@test.local', password: 'fleet-test-password-1' };

export interface Fleet {
  /** The environment every process of the fleet starts with (add PORT-free extras per process). */
  env: Record<string, string>;
  masterId: string;
  masterCode: string;
  followerIds: string[];
  /** A connection of the test's own to the fleet's database. */
  db: Database;
  close(): Promise<void>;
}

/**
 * A fresh database with one paper master (`<prefix>-M`) copied at factor 1 by `followers` paper
 * followers (`<prefix>-F000`...), made by a Tandem booted in process and closed again.
 */
export async function prepareFleet(options: { followers: number; prefix: string; env?: Record<string, string> }): Promise<Fleet> {
  const database = await scratchDatabase();
  if (!database.url) throw new Error('a fleet of processes needs PostgreSQL (DATABASE_URL)');
  const env: Record<string, string> = {
    SECRET_KEY: 'fleet-test-secret-key-with-32-characters-or-more',
    ADMIN_EMAIL: FLEET_ADMIN.email,
    ADMIN_PASSWORD: FLEET_ADMIN.password,
    DATABASE_URL: database.url,
    PAPER_TICK_MS: '100',
    LOG_LEVEL: 'warn',
    ...(redisUrl ? { REDIS_URL: redisUrl, REDIS_PREFIX: `fleet-${randomBytes(4).toString('hex')}:` } : {}),
    ...options.env,
  };
  const masterCode = `${options.prefix}-M`;
  const { masterId, followerIds } = await seedCopyGroup(env, FLEET_ADMIN.email, options.prefix, options.followers);
  // Named apart from Tandem's own connections ("tandem"), which a fault test may cut.
  const db = await initOrm({ kind: 'postgres', url: `${database.url}?application_name=tandem-test` }, { migrate: false });
  return {
    env,
    masterId,
    masterCode,
    followerIds,
    db,
    async close() {
      await db.close();
      await database.drop();
    },
  };
}

/**
 * On the database `env` names, through a Tandem booted in process and closed again (as the demo
 * seed makes its own admin): a paper master `<prefix>-M` copied at factor 1 by `followers`
 * paper followers `<prefix>-F000`..., owned by `ownerEmail`.
 */
export async function seedCopyGroup(
  env: Record<string, string>,
  ownerEmail: string,
  prefix: string,
  followers: number,
): Promise<{ masterId: string; followerIds: string[] }> {
  const prepared = await bootTandem(loadConfig(env), { log: pino({ level: 'silent' }), seedDemo: true });
  try {
    const em = prepared.services.orm.em.fork();
    const owner = await em.findOneOrFail(User, { email: ownerEmail });
    const now = new Date();
    const account = (role: 'MASTER' | 'FOLLOWER', clientCode: string) =>
      em.create(Account, {
        label: clientCode,
        broker: 'PAPER',
        role,
        clientCode,
        ownerId: owner.id,
        status: 'CONNECTED',
        createdAt: now,
        updatedAt: now,
      });
    const masterId = account('MASTER', `${prefix}-M`).id;
    const followerIds: string[] = [];
    for (let i = 0; i < followers; i += 1) {
      const follower = account('FOLLOWER', `${prefix}-F${String(i).padStart(3, '0')}`);
      followerIds.push(follower.id);
      em.create(Multiplier, { masterId, followerId: follower.id, mode: 'MULTIPLY', factor: '1', createdAt: now, updatedAt: now });
    }
    await em.flush();
    return { masterId, followerIds };
  } finally {
    await prepared.close();
  }
}

/** The holder (host:pid:random) of an account's lease now, or null. */
export async function leaseHolder(fleet: Fleet, accountId: string): Promise<string | null> {
  const rows = await execute<{ holder: string }[]>(
    fleet.db.orm.em.fork(),
    'select holder from account_leases where account_id = ? and expires_at > now()',
    [accountId],
  );
  return rows[0]?.holder ?? null;
}

const PLACE = 'mutation($i: PlaceOrderInput!) { placeOrder(input: $i) { id } }';

/** A MARKET order of 1 SBIN-EQ on the fleet's master (`extra` changes any field), through the API at `url`. */
export async function placeMasterOrder(
  url: string,
  token: string,
  fleet: Fleet,
  side: Side,
  extra: Record<string, unknown> = {},
): Promise<string> {
  const input = {
    accountId: fleet.masterId,
    exchange: 'NSE',
    symbol: 'SBIN-EQ',
    side,
    quantity: 1,
    orderType: 'MARKET',
    productType: 'INTRADAY',
    ...extra,
  };
  return ok(await gqlAt<{ placeOrder: { id: string } }>(url, PLACE, { i: input }, token)).placeOrder.id;
}

/** Which of these processes holds the master's lease (its holder names its pid). */
export async function holderAmong(fleet: Fleet, processes: ServerProcess[]): Promise<ServerProcess> {
  return waitFor(
    async () => {
      const holder = await leaseHolder(fleet, fleet.masterId);
      return processes.find((p) => holder?.includes(`:${p.child.pid}:`));
    },
    20_000,
    "one process to hold the master's lease",
  );
}

export interface BookCheck {
  masters: number;
  childrenExpected: number;
  childrenFound: number;
  /** Children beyond one per (master order, multiplier, leg). */
  duplicates: number;
  /** (master order, follower) pairs with no child at all. */
  lost: number;
  /** Tags at the exchange more than once. */
  sentTwice: number;
  /** Children not FILLED in Tandem. */
  unsettled: number;
  /** Children whose row disagrees with the exchange's book (status, fill, broker id), with why. */
  disagreements: string[];
}

/**
 * Every master order given against every follower: one child each, each tag at the exchange
 * once, and Tandem's row saying what the exchange's book says. MARKET orders only (each child
 * is expected FILLED).
 */
export async function checkAgainstBook(fleet: Fleet, masterOrderIds: string[]): Promise<BookCheck> {
  const em = fleet.db.orm.em.fork();
  const children = await em.find(Order, { masterOrderId: { $in: masterOrderIds } });
  const book = await em.find(PaperOrder, { orderTag: { $in: children.map((c) => c.orderTag!).filter(Boolean) } });
  const byTag = new Map<string, PaperOrder[]>();
  for (const row of book) byTag.set(row.orderTag!, [...(byTag.get(row.orderTag!) ?? []), row]);
  const perPair = new Map<string, number>();
  for (const child of children)
    perPair.set(
      `${child.masterOrderId}|${child.accountId}|${child.leg}`,
      (perPair.get(`${child.masterOrderId}|${child.accountId}|${child.leg}`) ?? 0) + 1,
    );
  const disagreements: string[] = [];
  for (const child of children) {
    const at = byTag.get(child.orderTag!) ?? [];
    if (at.length !== 1) {
      disagreements.push(`${child.orderTag}: ${at.length} orders at the exchange, Tandem says ${child.status} (${child.reason})`);
      continue;
    }
    const exchange = at[0]!;
    if (child.brokerOrderId !== exchange.brokerOrderId)
      disagreements.push(`${child.orderTag}: broker id ${child.brokerOrderId} vs ${exchange.brokerOrderId}`);
    if ((child.status === 'FILLED') !== (exchange.status === 'complete'))
      disagreements.push(`${child.orderTag}: Tandem ${child.status}, exchange ${exchange.status}`);
    if (child.filledQuantity !== exchange.filledQuantity)
      disagreements.push(`${child.orderTag}: filled ${child.filledQuantity} vs ${exchange.filledQuantity}`);
  }
  const pairs = new Set(children.map((c) => `${c.masterOrderId}|${c.accountId}`));
  const expected = masterOrderIds.length * fleet.followerIds.length;
  return {
    masters: masterOrderIds.length,
    childrenExpected: expected,
    childrenFound: children.length,
    duplicates: [...perPair.values()].reduce((sum, n) => sum + (n - 1), 0),
    lost: expected - pairs.size,
    sentTwice: [...byTag.values()].filter((rows) => rows.length > 1).length,
    unsettled: children.filter((c) => c.status !== 'FILLED').length,
    disagreements,
  };
}

/** Whether every child of these masters has reached a final status. */
export async function allChildrenFinal(fleet: Fleet, masterOrderIds: string[]): Promise<boolean> {
  const children = await fleet.db.orm.em.fork().find(Order, { masterOrderId: { $in: masterOrderIds } }, { fields: ['status'] });
  return children.length === masterOrderIds.length * fleet.followerIds.length && children.every((c) => TERMINAL_STATUSES.has(c.status));
}
