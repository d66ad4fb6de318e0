import type { EntityManager } from '@mikro-orm/core';
import { execute, toNumber } from '../db.ts';

/**
 * Records that instance `id` is alive now, forgets instances silent for an hour, and returns how
 * many instances were seen alive within `aliveWithinMs` (this one included). Time is the
 * database's clock, so instances on machines whose clocks disagree still agree on this.
 */
export async function beatAndCount(em: EntityManager, id: string, role: string, aliveWithinMs: number): Promise<number> {
  await execute(
    em,
    `insert into instances (id, role, started_at, seen_at) values (?, ?, now(), now())
     on conflict (id) do update set seen_at = now(), role = excluded.role`,
    [id, role],
  );
  await execute(em, "delete from instances where seen_at < now() - interval '1 hour'");
  const rows = await execute<{ n: unknown }[]>(em, 'select count(*) as n from instances where seen_at > now() - ?::interval', [
    `${aliveWithinMs} milliseconds`,
  ]);
  return toNumber(rows[0]?.n ?? 1);
}

/** An instance that stops says so, and is not counted any more. */
export async function forgetInstance(em: EntityManager, id: string): Promise<void> {
  await execute(em, 'delete from instances where id = ?', [id]);
}
