// Imports Angel One's scrip master (OpenAPIScripMaster.json, downloaded by the user) into
// the instruments table. Usage: npm run instruments:import -- path/to/OpenAPIScripMaster.json
// Uses DATABASE_URL when set, else the embedded database in DATA_DIR (stop the server first).
import { readFileSync } from 'node:fs';
import { ConfigError, loadConfig } from '../src/config.ts';
import { upsertInstruments } from '../src/instruments/catalog.ts';
import { parseScripMaster, shippedFreezeTable } from '../src/instruments/scrip-master.ts';
import { lockDataDir } from '../src/persistence/data-dir.ts';
import { initOrm } from '../src/persistence/db.ts';

const file = process.argv[2];
if (!file) {
  console.error('usage: npm run instruments:import -- <OpenAPIScripMaster.json>');
  process.exit(1);
}

try {
  const config = loadConfig();
  const started = Date.now();
  console.log(`reading ${file}`);
  const rows: unknown = JSON.parse(readFileSync(file, 'utf8'));
  const { instruments, skipped } = parseScripMaster(rows, shippedFreezeTable());
  console.log(`parsed ${instruments.length} instruments, skipped ${skipped.length}`);
  const reasons = new Map<string, number>();
  for (const row of skipped) reasons.set(row.reason, (reasons.get(row.reason) ?? 0) + 1);
  for (const [reason, count] of [...reasons].sort((a, b) => b[1] - a[1]).slice(0, 10)) console.log(`  skipped ${count}: ${reason}`);

  const release = config.DATABASE_URL ? () => undefined : lockDataDir(config.DATA_DIR);
  const db = await initOrm(
    config.DATABASE_URL ? { kind: 'postgres', url: config.DATABASE_URL } : { kind: 'pglite', dataDir: config.DATA_DIR },
  );
  try {
    let lastReport = 0;
    await upsertInstruments(
      db.orm.em.fork(),
      instruments.map((i) => ({ ...i, referencePrice: null })),
      (done, total) => {
        if (done === total || Date.now() - lastReport > 1000) {
          lastReport = Date.now();
          console.log(`  wrote ${done}/${total} (${Math.round((done / total) * 100)}%)`);
        }
      },
    );
  } finally {
    await db.close();
    release();
  }
  console.log(`done in ${((Date.now() - started) / 1000).toFixed(1)} s; restart Tandem to load them`);
} catch (error) {
  console.error(error instanceof ConfigError ? error.message : `import failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
}
