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
    const found = problems({
      PORT: 'abc',
      DATABASE_URL: 'mysql://x',
      REDIS_URL: 'http://x',
      ROLE: 'both',
      JWT_TTL: 'soon',
      PAPER_MARKET_HOURS: 'lse',
    });
    expect(found.map((p) => p.split(':')[0]).sort()).toEqual([
      'DATABASE_URL',
      'JWT_TTL',
      'PAPER_MARKET_HOURS',
      'PORT',
      'REDIS_URL',
      'ROLE',
    ]);
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

  it('bounds every order at 100,000 shares and ₹5 crore unless told otherwise, and refuses bounds no order could hold', () => {
    expect(loadConfig({})).toMatchObject({ MAX_ORDER_QUANTITY: 100_000, MAX_ORDER_VALUE: 50_000_000 });
    expect(loadConfig({ MAX_ORDER_QUANTITY: '2000000000', MAX_ORDER_VALUE: '1000000000000' })).toMatchObject({
      MAX_ORDER_QUANTITY: 2_000_000_000,
      MAX_ORDER_VALUE: 1_000_000_000_000,
    });
    expect(
      problems({ MAX_ORDER_QUANTITY: '2147483648', MAX_ORDER_VALUE: '0' })
        .map((p) => p.split(':')[0])
        .sort(),
    ).toEqual(['MAX_ORDER_QUANTITY', 'MAX_ORDER_VALUE']);
  });

  it('reads CORS_ORIGINS as a list of exact origins, empty by default, naming each bad entry', () => {
    expect(loadConfig({}).CORS_ORIGINS).toEqual([]);
    expect(loadConfig({ CORS_ORIGINS: 'https://desk.example.com, http://localhost:5173' }).CORS_ORIGINS).toEqual([
      'https://desk.example.com',
      'http://localhost:5173',
    ]);
    const found = problems({
      CORS_ORIGINS: 'https://desk.example.com/, *, https://ok.example.com, desk.example.com, https://Desk.example.com',
    });
    expect(found.map((p) => p.split(' must')[0])).toEqual([
      'CORS_ORIGINS: entry 1',
      'CORS_ORIGINS: entry 2',
      'CORS_ORIGINS: entry 4',
      'CORS_ORIGINS: entry 5',
    ]);
  });

  it('trusts no proxy by default, reads TRUSTED_PROXIES as addresses and ranges, naming each bad entry', () => {
    expect(loadConfig({}).TRUSTED_PROXIES).toEqual([]);
    expect(loadConfig({ TRUSTED_PROXIES: '10.0.0.0/8, 192.168.1.5,fd00::/8' }).TRUSTED_PROXIES).toEqual([
      '10.0.0.0/8',
      '192.168.1.5',
      'fd00::/8',
    ]);
    const found = problems({ TRUSTED_PROXIES: '10.0.0.0/8, lb.internal, 10.0.0.0/40' });
    expect(found.map((p) => p.split(' must')[0])).toEqual(['TRUSTED_PROXIES: entry 2', 'TRUSTED_PROXIES: entry 3']);
  });

  it('parses durations', () => {
    expect(parseDuration('15m')).toBe(900);
    expect(parseDuration('12h')).toBe(43_200);
    expect(Number.isNaN(parseDuration('12'))).toBe(true);
  });
});
