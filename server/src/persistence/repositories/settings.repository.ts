import { randomBytes } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/core';
import { execute } from '../db.ts';
import { Setting } from '../entities/setting.entity.ts';

export async function readSetting(em: EntityManager, key: string): Promise<string | null> {
  const row = await em.findOne(Setting, { key });
  return row?.value ?? null;
}

export async function writeSetting(em: EntityManager, key: string, value: string): Promise<void> {
  await em.upsert(Setting, { key, value });
}

export async function isGlobalKillSwitchEngaged(em: EntityManager): Promise<boolean> {
  return (await readSetting(em, 'kill_switch')) === 'true';
}

/** A short id for this installation, the middle of every order tag; made once, kept forever. */
export async function installId(em: EntityManager): Promise<string> {
  const existing = await readSetting(em, 'install_id');
  if (existing) return existing;
  const fresh = BigInt(`0x${randomBytes(4).toString('hex')}`)
    .toString(36)
    .slice(0, 4)
    .padStart(4, '0');
  await execute(em, 'insert into settings (key, value) values (?, ?) on conflict (key) do nothing', ['install_id', fresh]);
  return (await readSetting(em.fork(), 'install_id')) ?? fresh;
}
