import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { PGlite } from '@electric-sql/pglite';
import { MikroORM, type EntityManager, type Options } from '@mikro-orm/core';
import { Migrator } from '@mikro-orm/migrations';
import { PostgreSqlDriver } from '@mikro-orm/postgresql';
import { PGliteDriver } from 'mikro-orm-pglite';
import { entities } from './entities/index.ts';
import { migrationsList } from './migrations/index.ts';

export type Orm = MikroORM;

export type DatabaseTarget = { kind: 'postgres'; url: string } | { kind: 'pglite'; dataDir: string } | { kind: 'memory' };

const migrationsPath = path.join(path.dirname(fileURLToPath(import.meta.url)), 'migrations');

function baseOptions(): Options {
  return {
    entities,
    extensions: [Migrator],
    debug: false,
    allowGlobalContext: false,
    forceUtcTimezone: true,
    migrations: {
      path: migrationsPath,
      pathTs: migrationsPath,
      migrationsList,
      emit: 'ts',
      transactional: true,
      allOrNothing: true,
      snapshot: false,
      silent: true,
    },
  };
}

/** The ORM plus whatever it borrowed (an embedded PGlite), closed together. */
export interface Database {
  orm: Orm;
  embedded: boolean;
  close(): Promise<void>;
}

/** Builds the ORM on PostgreSQL or on embedded PGlite; the same entities and migrations serve both. */
export async function initOrm(target: DatabaseTarget, options: { migrate?: boolean } = {}): Promise<Database> {
  let orm: Orm;
  let pglite: PGlite | null = null;
  if (target.kind === 'postgres') {
    orm = await MikroORM.init({
      ...baseOptions(),
      driver: PostgreSqlDriver,
      clientUrl: target.url,
      pool: { min: 0, max: 10 },
      driverOptions: { connection: { application_name: applicationName(target.url) } },
    });
  } else {
    let dir: string | undefined;
    if (target.kind === 'pglite') {
      dir = path.resolve(target.dataDir, 'pglite');
      mkdirSync(dir, { recursive: true });
    }
    const embedded = new PGlite(dir);
    pglite = embedded;
    orm = await MikroORM.init({
      ...baseOptions(),
      driver: PGliteDriver,
      dbName: 'postgres',
      driverOptions: { connection: { pglite: () => embedded } },
    });
  }
  if (options.migrate !== false) await migrate(orm, target.kind === 'postgres');
  return {
    orm,
    embedded: pglite !== null,
    async close() {
      await orm.close(true);
      await pglite?.close();
    },
  };
}

/**
 * Tandem's connections say whose they are in pg_stat_activity, for an operator (or a test) to
 * find them: `tandem` unless the URL names them (the ORM reads no other parameter of the URL).
 */
function applicationName(url: string): string {
  return new URL(url).searchParams.get('application_name') ?? 'tandem';
}

/** Any constant shared by every Tandem process; it names the lock in pg_locks. */
const MIGRATION_LOCK = 7_315_002_601;

/**
 * Replicas that start together on an empty PostgreSQL database would each create the tables,
 * and all but one would crash. The first to take this lock migrates while the others wait,
 * then finds nothing left to do. The lock's transaction only holds it: the migrator runs on
 * connections of its own. PGlite is one process with one connection and needs no lock.
 */
async function migrate(orm: Orm, shared: boolean): Promise<void> {
  if (!shared) {
    await orm.getMigrator().up();
    return;
  }
  await orm.em.fork().transactional(async (em) => {
    await execute(em, `select pg_advisory_xact_lock(${MIGRATION_LOCK})`);
    await orm.getMigrator().up();
  });
}

/** Raw counts come back as numbers from PGlite and as strings from pg; normalise once. */
export function toNumber(value: unknown): number {
  return typeof value === 'number' ? value : Number(value);
}

/**
 * Raw SQL on the EntityManager's own transaction when it has one. Without the context the
 * query would wait for a second connection: with PGlite's single one, forever.
 */
export function execute<T = Record<string, unknown>[]>(em: EntityManager, query: string, params: unknown[] = []): Promise<T> {
  return em.getConnection().execute<T>(query, params, 'all', em.getTransactionContext()) as Promise<T>;
}

/** One round trip to the database, for readiness checks. */
export async function pingDatabase(orm: Orm): Promise<void> {
  await orm.em.fork().getConnection().execute('select 1');
}
