// The schema a deployment gets is the one the committed migrations build, not the one the
// entities describe: an entity changed without a migration would reach production as a column
// the code writes and the database lacks. So every committed migration is applied to a fresh
// database and the entities must then need no more SQL.
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { initOrm, type DatabaseTarget } from '../../server/src/persistence/db.ts';
import { migrationsList } from '../../server/src/persistence/migrations/index.ts';
import { scratchDatabase, usingPostgres } from '../support/database.ts';

const MIGRATIONS = fileURLToPath(new URL('../../server/src/persistence/migrations', import.meta.url));

/** The SQL the entities still need once every committed migration has run: empty when they agree. */
async function sqlStillNeeded(target: DatabaseTarget): Promise<string> {
  const db = await initOrm(target, { migrate: true });
  try {
    // What `npm run migration:create` would write into a new migration, without writing it.
    const diff = await db.orm.getSchemaGenerator().getUpdateSchemaMigrationSQL({ wrap: false });
    return diff.up.trim();
  } finally {
    await db.close();
  }
}

const drift = 'the entities need SQL no committed migration has: run `npm run migration:create` and commit the migration it writes';

describe('the committed migrations', () => {
  const databases: Awaited<ReturnType<typeof scratchDatabase>>[] = [];
  afterAll(async () => {
    for (const database of databases) await database.drop();
  });

  it('are every migration in the folder, each listed once in migrations/index.ts', () => {
    const files = readdirSync(MIGRATIONS)
      .filter((file) => /^Migration\d+\.ts$/.test(file))
      .map((file) => path.basename(file, '.ts'))
      .sort();
    expect(
      migrationsList.map((migration) => migration.name),
      'a migration index.ts does not list never runs: `npm run migration:create` lists them',
    ).toEqual(files);
  });

  it('build the schema the entities describe on PGlite', async () => {
    expect(await sqlStillNeeded({ kind: 'memory' }), drift).toBe('');
  });

  it.skipIf(!usingPostgres)(
    `build the schema the entities describe on PostgreSQL${usingPostgres ? '' : ' (skipped: needs DATABASE_URL)'}`,
    async () => {
      const database = await scratchDatabase();
      databases.push(database);
      expect(await sqlStillNeeded(database.target), drift).toBe('');
    },
  );
});
