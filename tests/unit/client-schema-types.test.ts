// The dashboard's GraphQL types come from schema.graphql through a generated file
// (client/src/graphql/graphql-env.d.ts, `npm run client:schema-types`). A schema change that is
// not carried into it would let the client type-check against the old API: these fail first.
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const cli = join(createRequire(import.meta.url).resolve('gql.tada/package.json'), '..', 'bin', 'cli.js');
const TSCONFIG = 'client/tsconfig.json';
const COMMITTED = 'client/src/graphql/graphql-env.d.ts';
const scratch = mkdtempSync(join(tmpdir(), 'tandem-schema-types-'));

afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe("the dashboard's GraphQL types", () => {
  it('are generated from the committed schema.graphql (else run `npm run client:schema-types`)', async () => {
    const fresh = join(scratch, 'graphql-env.d.ts');
    await run(process.execPath, [cli, 'generate-output', '-c', TSCONFIG, '-o', fresh]);
    expect(
      readFileSync(COMMITTED, 'utf8') === readFileSync(fresh, 'utf8'),
      `${COMMITTED} is stale: run \`npm run client:schema-types\` and commit it`,
    ).toBe(true);
  }, 120_000);

  it('accept every document in client/src: each field, argument and variable exists in the schema', async () => {
    const checked = await run(process.execPath, [cli, 'check', '-c', TSCONFIG, '--fail-on-warn']).then(
      () => 'no problems',
      (error: { stdout?: string; stderr?: string }) => `${error.stdout ?? ''}${error.stderr ?? ''}`,
    );
    expect(checked).toBe('no problems');
  }, 120_000);
});
