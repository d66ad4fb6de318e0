import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { DatabaseHealth, isConnectionLoss } from '../../server/src/persistence/connection-loss.ts';

const lost = (message: string, code?: string) => Object.assign(new Error(message), code ? { code } : {});

describe('a lost database connection', () => {
  it('is told apart from a statement that is wrong, by SQLSTATE, socket code or driver words, also when wrapped', () => {
    expect(isConnectionLoss(lost('terminating connection due to administrator command', '57P01'))).toBe(true);
    expect(isConnectionLoss(lost('read ECONNRESET', 'ECONNRESET'))).toBe(true);
    expect(isConnectionLoss(lost('Connection terminated unexpectedly'))).toBe(true);
    expect(isConnectionLoss(lost('Transaction query already complete, run with DEBUG=knex:tx for more info'))).toBe(true);
    expect(isConnectionLoss(new Error('wrapped', { cause: lost('connect ECONNREFUSED 127.0.0.1:5432', 'ECONNREFUSED') }))).toBe(true);
    expect(isConnectionLoss(lost('duplicate key value violates unique constraint "orders_pkey"', '23505'))).toBe(false);
    expect(isConnectionLoss(lost('value too long for type character varying(64)', '22001'))).toBe(false);
    expect(isConnectionLoss('ECONNRESET as a string is not an error')).toBe(false);
  });

  it('is retried until the work completes, logged once when it starts and once when it ends; other errors are thrown at once', async () => {
    const lines: { level: number; msg: string }[] = [];
    const health = new DatabaseHealth(pino({ level: 'warn' }, { write: (line: string) => void lines.push(JSON.parse(line)) }));
    const attempts: number[] = [];
    const result = await health.whileUnreachable('a test write', async (attempt) => {
      attempts.push(attempt);
      if (attempt < 3) throw lost('Connection terminated unexpectedly');
      return 'done';
    });
    expect(result).toBe('done');
    expect(attempts).toEqual([0, 1, 2, 3]);
    expect(lines.map((l) => l.msg)).toEqual([
      expect.stringMatching(/^database unreachable: replication paused/),
      'database reachable again: replication resumed',
    ]);
    expect(health.reachable).toBe(true);
    expect(health.lossCount).toBe(3);
    await expect(health.whileUnreachable('a bad statement', async () => Promise.reject(lost('syntax error', '42601')))).rejects.toThrow(
      'syntax error',
    );
    expect(lines).toHaveLength(2);
  });

  it('gives up after its patience with the last loss, and stays unreachable until something succeeds', async () => {
    const health = new DatabaseHealth(pino({ level: 'silent' }));
    await expect(
      health.whileUnreachable('a write that keeps failing', async () => Promise.reject(lost('read ECONNRESET', 'ECONNRESET')), 60),
    ).rejects.toThrow('ECONNRESET');
    expect(health.reachable).toBe(false);
    await health.whileUnreachable('a read', async () => 1);
    expect(health.reachable).toBe(true);
  });
});
