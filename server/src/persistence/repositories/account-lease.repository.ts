import type { EntityManager } from '@mikro-orm/core';
import { execute, toNumber } from '../db.ts';

// Every statement that locks several lease rows locks them in account_id order, so renewing,
// taking and the fences of claims and writes ahead can never deadlock one another.
const ownRowsInOrder = (condition = 'true') =>
  `select account_id from account_leases where holder = ? and ${condition} order by account_id for update`;

type LeaseRow = { account_id: string; epoch: unknown };
const epochs = (rows: LeaseRow[]) => new Map(rows.map((row) => [row.account_id, toNumber(row.epoch)]));

/** Expires every lease `holder` has now, epochs kept, so the next holder's epoch is still higher. */
export async function handBackLeases(em: EntityManager, holder: string): Promise<void> {
  await execute(
    em,
    `update account_leases set expires_at = now() - interval '1 millisecond'
    where account_id in (${ownRowsInOrder()})`,
    [holder],
  );
}

/**
 * The epochs of the unexpired leases `holder` has among `accountIds`, with their rows locked
 * FOR SHARE until the transaction ends: a takeover waits for the writes they fence.
 */
export async function lockHeldLeases(tx: EntityManager, holder: string, accountIds: string[]): Promise<Map<string, number>> {
  if (accountIds.length === 0) return new Map();
  return epochs(
    await execute<LeaseRow[]>(
      tx,
      `select account_id, epoch from account_leases
      where account_id in (${accountIds.map(() => '?').join(', ')}) and holder = ? and expires_at > now() order by account_id for share`,
      [...accountIds, holder],
    ),
  );
}

/** Extends by `ttlMs` every lease `holder` has that has not run out; returns their epochs. */
export async function renewLeases(em: EntityManager, holder: string, ttlMs: number): Promise<Map<string, number>> {
  return epochs(
    await execute<LeaseRow[]>(
      em,
      `update account_leases set expires_at = now() + ?::interval
      where account_id in (${ownRowsInOrder('expires_at > now()')}) returning account_id, epoch`,
      [`${ttlMs} milliseconds`, holder],
    ),
  );
}

/**
 * Takes for `holder` every watched account (every master, every SmartAPI account) that nobody
 * holds or whose holder let its lease run out, with the next epoch; returns what it took.
 */
export async function takeFreeLeases(em: EntityManager, holder: string, ttlMs: number): Promise<Map<string, number>> {
  return epochs(
    await execute<LeaseRow[]>(
      em,
      `insert into account_leases (account_id, holder, epoch, expires_at)
     select id, ?, 1, now() + ?::interval from accounts where role = 'MASTER' or broker = 'SMARTAPI' order by id
     on conflict (account_id) do update set holder = excluded.holder, epoch = account_leases.epoch + 1, expires_at = excluded.expires_at
      where account_leases.expires_at <= now()
     returning account_id, epoch`,
      [holder, `${ttlMs} milliseconds`],
    ),
  );
}

/** Milliseconds until the first lease held by another instance runs out (negative: already out); null when there is none. */
export async function nextForeignExpiryMs(em: EntityManager, holder: string): Promise<number | null> {
  const rows = await execute<{ ms: unknown }[]>(
    em,
    'select extract(epoch from (min(expires_at) - now())) * 1000 as ms from account_leases where holder <> ?',
    [holder],
  );
  const ms = rows[0]?.ms;
  return ms === null || ms === undefined ? null : toNumber(ms);
}
