import type { EntityManager } from '@mikro-orm/core';
import { execute } from '../db.ts';
import { Order } from '../entities/order.entity.ts';

/**
 * Marks a master planned at `at`, only if no one planned it yet, and returns it as it is now (in
 * the caller's transaction, locked until commit); null when it was planned already. One round
 * trip for what a read and a conditional update would take two for.
 */
export async function claimMasterForPlanning(tx: EntityManager, masterId: string, at: Date): Promise<Order | null> {
  const rows = await execute<Record<string, unknown>[]>(
    tx,
    'update orders set copy_planned_at = ? where id = ? and copy_planned_at is null returning *',
    [at, masterId],
  );
  return rows[0] ? tx.map(Order, rows[0]) : null;
}
