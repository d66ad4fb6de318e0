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

/** How many tag numbers a pool takes from the sequence at a time, at least. */
const TAG_BLOCK = 1000;

/**
 * Order tags taken from the sequence a block at a time, so a fan-out's write-ahead does not
 * wait for them: a take that leaves less than it took starts the next block in the background,
 * so a steady stream of fan-outs of one size never waits. Unique all the same (each number is
 * handed out once, by the sequence, then by this pool); numbers a process never used are simply
 * skipped, as a rolled-back nextval's are.
 */
export class OrderTagPool {
  private numbers: number[] = [];
  private refilling: Promise<void> | null = null;

  constructor(
    private readonly installId: string,
    private readonly em: () => EntityManager,
  ) {}

  async take(count: number): Promise<string[]> {
    while (this.numbers.length < count) await this.refill(count);
    const taken = this.numbers.splice(0, count);
    if (this.numbers.length < count) this.refill(count).catch(() => undefined);
    return taken.map((n) => `T${this.installId}${n.toString(36).toUpperCase()}`);
  }

  /** One block at a time, shared by every take waiting for it. */
  private refill(count: number): Promise<void> {
    this.refilling ??= (async () => {
      const rows = await execute<{ id: unknown }[]>(this.em(), "select nextval('order_tag_seq') as id from generate_series(1, ?)", [
        Math.max(TAG_BLOCK, 2 * count),
      ]);
      this.numbers.push(...rows.map((row) => toNumber(row.id)));
    })().finally(() => {
      this.refilling = null;
    });
    return this.refilling;
  }
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
