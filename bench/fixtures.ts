import type { EntityManager } from '@mikro-orm/core';
import { Account } from '../server/src/persistence/entities/account.entity.ts';
import { Multiplier } from '../server/src/persistence/entities/multiplier.entity.ts';
import { User } from '../server/src/persistence/entities/user.entity.ts';

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
