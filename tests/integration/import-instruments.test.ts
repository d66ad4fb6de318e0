import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { initOrm } from '../../server/src/persistence/db.ts';
import { Instrument } from '../../server/src/persistence/entities/instrument.entity.ts';
import { scratchDatabase } from '../support/database.ts';

const row = (fields: Record<string, string>) => ({
  token: '',
  symbol: '',
  name: '',
  expiry: '',
  strike: '-1.000000',
  lotsize: '1',
  instrumenttype: '',
  exch_seg: 'NSE',
  tick_size: '5.000000',
  ...fields,
});

// The command a user runs on a downloaded OpenAPIScripMaster.json, against a database of its own.
describe('npm run instruments:import', () => {
  const cleanups: (() => Promise<void>)[] = [];
  afterAll(async () => {
    for (const cleanup of cleanups) await cleanup();
  });

  it('loads a scrip master, reports what it skipped, and keeps existing reference prices', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'tandem-import-'));
    const file = path.join(dir, 'OpenAPIScripMaster.json');
    writeFileSync(
      file,
      JSON.stringify([
        row({ token: '3045', symbol: 'SBIN-EQ', name: 'SBIN', tick_size: '10.000000' }),
        row({ token: '99999', symbol: 'NEWCO-EQ', name: 'NEWCO' }),
        row({
          token: '61093',
          symbol: 'NIFTY28JUL26FUT',
          name: 'NIFTY',
          expiry: '28JUL2026',
          lotsize: '65',
          instrumenttype: 'FUTIDX',
          exch_seg: 'NFO',
          tick_size: '10.000000',
        }),
        row({ token: '', symbol: 'BROKEN-EQ', name: 'BROKEN' }),
      ]),
    );
    const database = await scratchDatabase();
    cleanups.push(() => database.drop());
    const target = database.url ? database.target : { kind: 'pglite' as const, dataDir: dir };
    // The shipped set first, as a running Tandem would have it.
    const before = await initOrm(target);
    await before.orm.em.fork().insert(Instrument, {
      token: '3045',
      symbol: 'SBIN-EQ',
      name: 'SBIN',
      exchange: 'NSE',
      instrumentType: 'EQ',
      lotSize: 1,
      tickSize: 5,
      referencePrice: 80_000,
    });
    await before.close();

    const env: Record<string, string | undefined> = { PATH: process.env.PATH, DATA_DIR: dir };
    if (database.url) Object.assign(env, { DATABASE_URL: database.url, SECRET_KEY: 'x'.repeat(40) });
    const result = spawnSync(process.execPath, ['--import', 'tsx', 'server/scripts/import-instruments.ts', file], {
      env,
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/parsed 3 instruments, skipped 1/);
    expect(result.stdout).toMatch(/wrote 3\/3 \(100%\)/);

    const after = await initOrm(target);
    const em = after.orm.em.fork();
    const sbin = await em.findOneOrFail(Instrument, { exchange: 'NSE', token: '3045' });
    expect(sbin).toMatchObject({ tickSize: 10, referencePrice: 80_000 });
    expect(await em.findOneOrFail(Instrument, { exchange: 'NFO', token: '61093' })).toMatchObject({ lotSize: 65, expiry: '2026-07-28' });
    expect(await em.count(Instrument, { symbol: 'NEWCO-EQ' })).toBe(1);
    await after.close();
  });

  it('says how to call it when the file is missing', () => {
    const result = spawnSync(process.execPath, ['--import', 'tsx', 'server/scripts/import-instruments.ts'], {
      env: { PATH: process.env.PATH },
      encoding: 'utf8',
      timeout: 30_000,
    });
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('usage: npm run instruments:import -- <OpenAPIScripMaster.json>');
  });
});
