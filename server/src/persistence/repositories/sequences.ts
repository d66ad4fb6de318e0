/** Numbers from the database's sequences: order tags and the paper exchange's order ids. */
import type { EntityManager } from '@mikro-orm/core';
import { execute, toNumber } from '../db.ts';

/**
 * 'T' + the install id + base36 of a database sequence: unique across processes and
 * restarts, at most 20 characters of [A-Za-z0-9] as SmartAPI requires.
 */
export async function nextOrderTag(em: EntityManager, installId: string): Promise<string> {
  const rows = await execute<{ id: unknown }[]>(em, "select nextval('order_tag_seq') as id");
  return `T${installId}${toNumber(rows[0]?.id).toString(36).toUpperCase()}`;
}

/** `count` tags in one round trip, for a fan-out's write-ahead. */
export async function nextOrderTags(em: EntityManager, installId: string, count: number): Promise<string[]> {
  if (count === 0) return [];
  const rows = await execute<{ id: unknown }[]>(em, "select nextval('order_tag_seq') as id from generate_series(1, ?)", [count]);
  return rows.map((row) => `T${installId}${toNumber(row.id).toString(36).toUpperCase()}`);
}

/** Orders carrying one of our tags were placed by Tandem: they are never taken for new master orders. */
export function isTandemTag(tag: string | null, installId: string): boolean {
  return tag?.startsWith(`T${installId}`) === true;
}

/** `count` numbers from the paper exchange's order sequence, shared by every process. */
export async function nextPaperOrderNumbers(em: EntityManager, count: number): Promise<number[]> {
  const rows = await execute<{ id: unknown }[]>(em, "select nextval('paper_order_seq') as id from generate_series(1, ?)", [count]);
  return rows.map((row) => toNumber(row.id));
}
