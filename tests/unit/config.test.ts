import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig, parseDuration } from '../../server/src/config.ts';

function problems(env: Record<string, string>): string[] {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  return [];
}

describe('configuration', () => {
  it('runs on embedded defaults with no variables at all', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({ PORT: 4000, DATA_DIR: './data', ROLE: 'all', PAPER_MARKET_HOURS: 'always', MAX_COPY_DELAY_S: 30 });
    expect(config.DATABASE_URL).toBeUndefined();
    expect(config.REDIS_URL).toBeUndefined();
  });

  it('lists every problem at once, naming each variable', () => {
    const found = problems({ PORT: 'abc', DATABASE_URL: 'mysql://x', REDIS_URL: 'http://x', ROLE: 'both', JWT_TTL: 'soon', PAPER_MARKET_HOURS: 'lse' });
    expect(found.map((p) => p.split(':')[0]).sort()).toEqual(['DATABASE_URL', 'JWT_TTL', 'PAPER_MARKET_HOURS', 'PORT', 'REDIS_URL', 'ROLE']);
  });

  it('requires SECRET_KEY with DATABASE_URL, and ADMIN_EMAIL with ADMIN_PASSWORD', () => {
    expect(problems({ DATABASE_URL: 'postgres://u@h/db' })).toEqual(['SECRET_KEY: is required when DATABASE_URL is set']);
    expect(problems({ ADMIN_EMAIL: 'a@b.co' })[0]).toMatch(/^ADMIN_PASSWORD: /);
  });

  it('never echoes a secret value in its messages', () => {
    const found = problems({ SECRET_KEY: 'short-secret', ADMIN_EMAIL: 'a@b.co', ADMIN_PASSWORD: 'pw' });
    expect(found.join('\n')).not.toMatch(/short-secret|\bpw\b/);
    expect(found).toHaveLength(2);
  });

  it('parses durations', () => {
    expect(parseDuration('15m')).toBe(900);
    expect(parseDuration('12h')).toBe(43_200);
    expect(Number.isNaN(parseDuration('12'))).toBe(true);
  });
});
