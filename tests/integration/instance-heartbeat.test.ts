// The instances alive, as the heartbeat table counts them: what each instance divides a broker
// limit by while Redis is unreachable.
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Database, initOrm } from '../../server/src/persistence/db.ts';
import { InstanceHeartbeat } from '../../server/src/persistence/instance-heartbeat.ts';
import { scratchDatabase } from '../support/database.ts';

describe('instance heartbeats', () => {
  let database: Awaited<ReturnType<typeof scratchDatabase>>;
  let db: Database;
  beforeAll(async () => {
    database = await scratchDatabase();
    db = await initOrm(database.target);
  });
  afterAll(async () => {
    await db?.close();
    await database?.drop();
  });

  it('counts every instance that beat recently, and stops counting one that stopped', async () => {
    const log = pino({ level: 'silent' });
    const [a, b, c] = ['a', 'b', 'c'].map((id) => new InstanceHeartbeat(db.orm, `test:${id}`, 'all', log, 60_000));
    await a!.start();
    expect(a!.liveInstances()).toBe(1);
    await b!.start();
    await c!.start();
    expect(c!.liveInstances()).toBe(3);
    await b!.stop();
    await c!.stop();
    await a!.stop();
    const again = new InstanceHeartbeat(db.orm, 'test:d', 'api', log, 60_000);
    await again.start();
    expect(again.liveInstances()).toBe(1);
    await again.stop();
  });

  it('does not count an instance silent for longer than it may be', async () => {
    const log = pino({ level: 'silent' });
    const quiet = new InstanceHeartbeat(db.orm, 'test:quiet', 'all', log, 60_000, 200);
    await quiet.start();
    const live = new InstanceHeartbeat(db.orm, 'test:live', 'all', log, 60_000, 200);
    await new Promise((resolve) => setTimeout(resolve, 400));
    await live.start();
    expect(live.liveInstances()).toBe(1);
    await quiet.stop();
    await live.stop();
  });
});
