// Generates a migration from the difference between the entities and a scratch database
// that has every committed migration applied, and lists it in migrations/index.ts.
// Usage: npm run migration:create
import { readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { initOrm } from '../src/persistence/db.ts';

const folder = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../src/persistence/migrations');
const initial = process.argv.includes('--initial');
const db = await initOrm({ kind: 'memory' }, { migrate: !initial });
const migrator = db.orm.getMigrator();
const result = initial ? await migrator.createInitialMigration() : await migrator.createMigration();
await db.close();
if (!result.fileName) {
  console.log('no changes: the entities match the migrations');
} else {
  const names = readdirSync(folder)
    .filter((f) => /^Migration\d+\.ts$/.test(f))
    .map((f) => f.replace(/\.ts$/, ''))
    .sort();
  writeFileSync(
    path.join(folder, 'index.ts'),
    [
      ...names.map((name) => `import { ${name} } from './${name}.ts';`),
      '',
      '// Listed here rather than discovered from the folder, so migrations load the same way under',
      '// tsx, vitest and a bundler. `npm run migration:create` regenerates this list.',
      'export const migrationsList = [',
      ...names.map((name) => `  { name: '${name}', class: ${name} },`),
      '];',
      '',
    ].join('\n'),
  );
  console.log(`created ${result.fileName} and listed it in migrations/index.ts`);
}
