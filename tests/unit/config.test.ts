import { describe, expect, it } from 'vitest';
import { ConfigError, eventRetention, loadConfig, parseDuration } from '../../server/src/config.ts';

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

  it('limits each API token to 600 requests a minute by default, and refuses a limit that is not a whole number of at least 1', () => {
    expect(loadConfig({}).API_TOKEN_RATE_PER_MIN).toBe(600);
    expect(loadConfig({ API_TOKEN_RATE_PER_MIN: '5' }).API_TOKEN_RATE_PER_MIN).toBe(5);
    for (const value of ['0', '-1', '1.5', 'lots']) {
      expect(
        problems({ API_TOKEN_RATE_PER_MIN: value, PORT: 'abc' })
          .map((p) => p.split(':')[0])
          .sort(),
        value,
      ).toEqual(['API_TOKEN_RATE_PER_MIN', 'PORT']);
    }
  });

  it('waits 60 s of settled copies before a drift alert by default, and refuses a wait below 1 s', () => {
    expect(loadConfig({}).DRIFT_ALERT_AFTER_S).toBe(60);
    expect(loadConfig({ DRIFT_ALERT_AFTER_S: '300' }).DRIFT_ALERT_AFTER_S).toBe(300);
    for (const value of ['0', '2.5', 'soon']) {
      expect(
        problems({ DRIFT_ALERT_AFTER_S: value }).map((p) => p.split(':')[0]),
        value,
      ).toEqual(['DRIFT_ALERT_AFTER_S']);
    }
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

  it('keeps order events 30 days by default, pruned hourly, and reads EVENT_RETENTION_DAYS as before', () => {
    expect(eventRetention(loadConfig({}))).toEqual({ keepMs: 30 * 86_400_000, pruneEveryMs: 3_600_000 });
    expect(eventRetention(loadConfig({ EVENT_RETENTION_DAYS: '7' }))).toEqual({ keepMs: 7 * 86_400_000, pruneEveryMs: 3_600_000 });
  });

  it('reads EVENT_RETENTION as a duration down to seconds, pruning a tenth of it apart, from 1 s up to an hour', () => {
    const retention = (value: string) => eventRetention(loadConfig({ EVENT_RETENTION: value }));
    expect(retention('30d')).toEqual({ keepMs: 30 * 86_400_000, pruneEveryMs: 3_600_000 });
    expect(retention('12h')).toEqual({ keepMs: 43_200_000, pruneEveryMs: 3_600_000 });
    expect(retention('2m')).toEqual({ keepMs: 120_000, pruneEveryMs: 12_000 });
    expect(retention('90s')).toEqual({ keepMs: 90_000, pruneEveryMs: 9_000 });
    expect(retention('3s')).toEqual({ keepMs: 3_000, pruneEveryMs: 1_000 });
  });

  it('keeps a retention longer than anything could be old as a valid cut-off', () => {
    for (const env of [{ EVENT_RETENTION_DAYS: '100000000' }, { EVENT_RETENTION: '99999999999d' }]) {
      const { keepMs, pruneEveryMs } = eventRetention(loadConfig(env));
      expect(new Date(Date.now() - keepMs).getFullYear()).toBeLessThan(1950);
      expect(pruneEveryMs).toBe(3_600_000);
    }
  });

  it('refuses a retention that is not a duration of at least 1 s, or whole days of at least 1, naming the variable', () => {
    for (const value of ['30', '1.5h', '0s', '-5m', '10 minutes', 'forever']) {
      expect(problems({ EVENT_RETENTION: value }), value).toEqual([
        'EVENT_RETENTION: must be a duration of at least 1s, such as 90s, 10m, 12h or 30d',
      ]);
    }
    for (const value of ['0', '1.5', '2d']) {
      expect(
        problems({ EVENT_RETENTION_DAYS: value }).map((p) => p.split(':')[0]),
        value,
      ).toEqual(['EVENT_RETENTION_DAYS']);
    }
  });

  it('refuses EVENT_RETENTION with EVENT_RETENTION_DAYS, listed with the other problems', () => {
    expect(problems({ EVENT_RETENTION: '10m', EVENT_RETENTION_DAYS: '30' })).toEqual([
      'EVENT_RETENTION: set EVENT_RETENTION or EVENT_RETENTION_DAYS, not both',
    ]);
    expect(
      problems({ PORT: 'abc', EVENT_RETENTION: '10m', EVENT_RETENTION_DAYS: '30' })
        .map((p) => p.split(':')[0])
        .sort(),
    ).toEqual(['EVENT_RETENTION', 'PORT']);
  });

  it('parses durations', () => {
    expect(parseDuration('15m')).toBe(900);
    expect(parseDuration('12h')).toBe(43_200);
    expect(Number.isNaN(parseDuration('12'))).toBe(true);
  });
});
