import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';

// The real entry point with a bad environment: every problem listed, exit code 1, nothing started.
describe('npm start with bad configuration', () => {
  it('stops with exit code 1 and lists every problem', () => {
    const result = spawnSync(process.execPath, ['--import', 'tsx', 'server/src/main.ts'], {
      env: {
        PATH: process.env.PATH,
        PORT: '70000',
        DATABASE_URL: 'mysql://db/x',
        REDIS_URL: 'localhost:6379',
        ROLE: 'everything',
        LOG_LEVEL: 'loud',
      },
      encoding: 'utf8',
      timeout: 20_000,
    });
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('Invalid configuration');
    for (const variable of ['PORT', 'DATABASE_URL', 'REDIS_URL', 'ROLE', 'LOG_LEVEL']) expect(result.stderr).toContain(`- ${variable}:`);
    expect(result.stdout).not.toContain('Tandem is running');
  });
});
