import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initOrm, type Database } from '../../server/src/persistence/db.ts';
import { OrderTagPool } from '../../server/src/persistence/repositories/sequences.ts';
import { scratchDatabase } from '../support/database.ts';

// Tags are taken from the sequence a block at a time; every tag is still handed out once.
describe('OrderTagPool', () => {
  let database: Awaited<ReturnType<typeof scratchDatabase>>;
  let db: Database;

  beforeAll(async () => {
    database = await scratchDatabase();
    db = await initOrm(database.target, { migrate: true });
  });

  afterAll(async () => {
    await db.close();
    await database.drop();
  });

  it('never hands out a tag twice, across pools (instances) taking at once and takes larger than a block', async () => {
    const em = () => db.orm.em.fork();
    const first = new OrderTagPool('AB12', em);
    const second = new OrderTagPool('AB12', em);
    const taken = await Promise.all([
      ...Array.from({ length: 30 }, (_, index) => (index % 2 ? first : second).take(90)),
      first.take(2500),
      second.take(0),
    ]);
    const tags = taken.flat();
    expect(tags).toHaveLength(30 * 90 + 2500);
    expect(new Set(tags).size).toBe(tags.length);
    for (const tag of tags) expect(tag).toMatch(/^TAB12[0-9A-Z]+$/);
    expect(Math.max(...tags.map((t) => t.length))).toBeLessThanOrEqual(20);
  });

  it('asks the database only when its block runs out, and has the next block ready for a take of the same size', async () => {
    let asked = 0;
    const pool = new OrderTagPool('CD34', () => {
      asked += 1;
      return db.orm.em.fork();
    });
    const [a] = await pool.take(1);
    expect(asked).toBe(1);
    const rest = await pool.take(998);
    const next = Number.parseInt(a!.slice(5), 36);
    // One block of 1000 consecutive numbers from the sequence, in order.
    expect(rest.map((t) => Number.parseInt(t.slice(5), 36))).toEqual(Array.from({ length: 998 }, (_, i) => next + i + 1));
    // One left, less than the 998 just taken: the next block is being fetched already.
    expect(asked).toBe(2);
    const more = await pool.take(998);
    expect(more).toHaveLength(998);
    expect(asked).toBe(2);
  });
});
