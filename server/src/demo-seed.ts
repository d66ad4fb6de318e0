import { randomBytes } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/core';
import { hashPassword } from './auth/passwords.ts';
import { Account } from './persistence/entities/account.entity.ts';
import { Multiplier } from './persistence/entities/multiplier.entity.ts';
import { User } from './persistence/entities/user.entity.ts';

export interface DemoSeed {
  adminEmail: string;
  /** Set only when Tandem generated it: shown once on the terminal, never logged. */
  generatedPassword: string | null;
  masterId: string;
}

const FOLLOWERS = [
  { clientCode: 'DEMO-F1', label: 'Follower x1', factor: '1' },
  { clientCode: 'DEMO-F2', label: 'Follower x2.5', factor: '2.5' },
  { clientCode: 'DEMO-F3', label: 'Follower reverse x1', factor: '-1' },
];

/** First run on an empty database: an admin, one paper master and three paper followers (x1, x2.5, reverse). */
export async function seedDemo(em: EntityManager, admin: { email?: string; password?: string }): Promise<DemoSeed | null> {
  if ((await em.count(User, {})) > 0) return null;
  const generatedPassword = admin.password ? null : randomBytes(12).toString('base64url');
  const email = (admin.email ?? 'admin@tandem.local').toLowerCase();
  const now = new Date();
  const user = em.create(User, {
    email,
    passwordHash: await hashPassword(admin.password ?? generatedPassword!),
    role: 'ADMIN',
    createdAt: now,
  });
  const paper = {
    broker: 'PAPER' as const,
    ownerId: user.id,
    createdById: user.id,
    status: 'CONNECTED' as const,
    statusReason: 'paper exchange',
    createdAt: now,
    updatedAt: now,
  };
  const master = em.create(Account, { ...paper, label: 'Demo master', role: 'MASTER', clientCode: 'DEMO-MASTER' });
  for (const follower of FOLLOWERS) {
    const account = em.create(Account, { ...paper, label: follower.label, role: 'FOLLOWER', clientCode: follower.clientCode });
    em.create(Multiplier, {
      masterId: master.id,
      followerId: account.id,
      mode: 'MULTIPLY',
      factor: follower.factor,
      createdAt: now,
      updatedAt: now,
    });
  }
  await em.flush();
  return { adminEmail: email, generatedPassword, masterId: master.id };
}
