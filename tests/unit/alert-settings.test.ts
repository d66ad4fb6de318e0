import { describe, expect, it } from 'vitest';
import { ALERT_GIVE_UP_AFTER_MS, ALERT_RETRY_DELAYS_MS, retryDelayMs } from '../../server/src/alerts/retry-schedule.ts';
import { ConfigError, loadConfig } from '../../server/src/config.ts';

function problems(env: Record<string, string>): string[] {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  return [];
}

describe('ALERT_WEBHOOK_SECRET', () => {
  it('is optional, and when set must be at least 32 characters: listed with the other problems, never echoed', () => {
    expect(loadConfig({ ALERT_WEBHOOK_URL: 'https://hooks.example.com/x' }).ALERT_WEBHOOK_SECRET).toBeUndefined();
    const secret = 'a'.repeat(32);
    expect(loadConfig({ ALERT_WEBHOOK_SECRET: secret }).ALERT_WEBHOOK_SECRET).toBe(secret);
    const found = problems({ ALERT_WEBHOOK_SECRET: 'short-alert-secret', PORT: 'abc' });
    expect(found.map((p) => p.split(':')[0]).sort()).toEqual(['ALERT_WEBHOOK_SECRET', 'PORT']);
    expect(found.join('\n')).not.toContain('short-alert-secret');
  });
});

describe('the retry schedule of an alert', () => {
  it('waits 5 s, 30 s, 2 min, 10 min, 30 min, then hourly, and gives up after a day: about 29 attempts', () => {
    expect([1, 2, 3, 4, 5, 6, 7, 20].map((attempt) => retryDelayMs(attempt) / 1000)).toEqual([5, 30, 120, 600, 1800, 3600, 3600, 3600]);
    let elapsed = 0;
    let attempts = 1;
    while (elapsed + retryDelayMs(attempts) <= ALERT_GIVE_UP_AFTER_MS) {
      elapsed += retryDelayMs(attempts);
      attempts += 1;
    }
    expect(attempts).toBe(29);
    expect(ALERT_RETRY_DELAYS_MS.at(-1)).toBe(3_600_000);
  });
});
