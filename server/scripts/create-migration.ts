// Generates a migration from the difference between the entities and a scratch database
// that has every committed migration applied. Usage: npm run migration:create [-- --initial]
import { initOrm } from '../src/persistence/db.ts';

const db = await initOrm({ kind: 'memory' }, { migrate: !process.argv.includes('--initial') });
const migrator = db.orm.getMigrator();
const result = process.argv.includes('--initial') ? await migrator.createInitialMigration() : await migrator.createMigration();
console.log(result.fileName ? `created ${result.fileName}` : 'no changes: the entities match the migrations');
await db.close();
