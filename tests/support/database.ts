import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import type { DatabaseTarget } from '../../server/src/persistence/db.ts';

export const usingPostgres = Boolean(process.env.DATABASE_URL);
export const redisUrl = process.env.REDIS_URL ?? null;

/** A database of its own for one test file: a fresh PostgreSQL database when DATABASE_URL is set, else in-memory PGlite. */
export async function scratchDatabase(): Promise<{ target: DatabaseTarget; url: string | null; drop(): Promise<void> }> {
  const base = process.env.DATABASE_URL;
  if (!base) return { target: { kind: 'memory' }, url: null, drop: async () => undefined };
  const name = `tandem_test_${process.pid}_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: base });
  await admin.connect();
  await admin.query(`create database "${name}"`);
  await admin.end();
  const url = new URL(base);
  url.pathname = `/${name}`;
  return {
    target: { kind: 'postgres', url: url.toString() },
    url: url.toString(),
    async drop() {
      const client = new pg.Client({ connectionString: base });
      await client.connect();
      await client.query(`drop database if exists "${name}" with (force)`);
      await client.end();
    },
  };
}

/**
 * A database that several Tandems can open one after another (a restart, a successor): a fresh
 * PostgreSQL database when DATABASE_URL is set, else PGlite in a folder of its own.
 */
export async function reopenableDatabase(): Promise<Awaited<ReturnType<typeof scratchDatabase>>> {
  if (usingPostgres) return scratchDatabase();
  const dataDir = mkdtempSync(path.join(tmpdir(), 'tandem-db-'));
  return { target: { kind: 'pglite', dataDir }, url: null, drop: async () => rmSync(dataDir, { recursive: true, force: true }) };
}
