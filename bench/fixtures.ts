import os from 'node:os';
import type { EntityManager } from '@mikro-orm/core';
import pino from 'pino';
import { bootTandem, type BootOverrides } from '../server/src/bootstrap.ts';
import { loadConfig } from '../server/src/config.ts';
import type { OrderJournal } from '../server/src/events/order-journal.ts';
import { Account } from '../server/src/persistence/entities/account.entity.ts';
import { Multiplier } from '../server/src/persistence/entities/multiplier.entity.ts';
import { User } from '../server/src/persistence/entities/user.entity.ts';
import { scratchDatabase } from '../tests/support/database.ts';

/**
 * A Tandem booted in this process on a scratch database (PostgreSQL with DATABASE_URL, else
 * PGlite) with a paper round trip of `latencyMs`, no demo data and no price ticks to disturb
 * the timings; `close` drops the database too.
 */
export async function benchTandem(latencyMs: number, overrides: Pick<BootOverrides, 'fanOut'> = {}) {
  const database = await scratchDatabase();
  const config = loadConfig({
    SECRET_KEY: 'bench-secret-key-with-at-least-32-characters',
    LOG_LEVEL: 'silent',
    DEMO_DATA: 'false',
    PAPER_LATENCY_MS: String(latencyMs),
    PAPER_TICK_MS: '5000',
    DATA_DIR: os.tmpdir(),
  });
  const tandem = await bootTandem(config, {
    database: database.target,
    log: pino({ level: process.env.BENCH_LOG ?? 'silent' }),
    ...overrides,
  });
  return {
    tandem,
    async close() {
      await tandem.close();
      await database.drop();
    },
  };
}

/** One paper master and `count` paper followers copying it 1:1, inserted in bulk. */
export async function seedFollowers(em: EntityManager, count: number): Promise<{ master: Account }> {
  const now = new Date();
  const owner = em.create(User, {
    email: `bench-${now.getTime()}@tandem.local`,
    passwordHash: 'not-a-login',
    role: 'ADMIN',
    createdAt: now,
  });
  const paper = { broker: 'PAPER' as const, ownerId: owner.id, status: 'CONNECTED' as const, createdAt: now, updatedAt: now };
  const master = em.create(Account, { ...paper, label: 'Bench master', role: 'MASTER', clientCode: 'BENCH-MASTER' });
  for (let index = 0; index < count; index += 1) {
    const follower = em.create(Account, { ...paper, label: `Bench follower ${index}`, role: 'FOLLOWER', clientCode: `BENCH-F${index}` });
    em.create(Multiplier, { masterId: master.id, followerId: follower.id, factor: '1', createdAt: now, updatedAt: now });
  }
  await em.flush();
  return { master };
}

/**
 * Resolves once `expected` children of one master order are acknowledged, counting only the
 * followers `counts` accepts. The master is named by its broker order id (`of`) once the
 * placement returns; its detection and children may come before or after that.
 */
export function childAcknowledgements(
  journal: OrderJournal,
  expected: number,
  counts: (accountId: string) => boolean = () => true,
): { done: Promise<void>; of(brokerOrderId: string): void } {
  const masters = new Map<string, string>();
  const acks = new Map<string, number>();
  let brokerOrderId: string | null = null;
  let check: () => void = () => undefined;
  const done = new Promise<void>((resolve) => {
    check = () => {
      const masterId = brokerOrderId === null ? undefined : masters.get(brokerOrderId);
      if (masterId !== undefined && (acks.get(masterId) ?? 0) >= expected) {
        stop();
        resolve();
      }
    };
  });
  const stop = journal.onCommitted((events) => {
    for (const e of events) {
      if (e.kind === 'DETECTED') masters.set(String(e.snapshot.brokerOrderId), e.orderId);
      if (e.kind === 'ACKNOWLEDGED' && typeof e.snapshot.masterOrderId === 'string' && counts(e.accountId))
        acks.set(e.snapshot.masterOrderId, (acks.get(e.snapshot.masterOrderId) ?? 0) + 1);
    }
    check();
  });
  return {
    done,
    of(id) {
      brokerOrderId = id;
      check();
    },
  };
}
