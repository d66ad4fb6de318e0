import { RateLog, type RateWindow } from '../core/rate-windows.ts';
import type { RateStore, StoreTake } from './rate-store.ts';

/** Calls counted in this process alone: one instance, or a Redis store's stand-in while Redis is away. */
export class InProcessRateStore implements RateStore {
  private readonly logs = new Map<string, RateLog>();

  async take(key: string, windows: readonly RateWindow[], nowMs: number, holdMs: number): Promise<StoreTake> {
    let log = this.logs.get(key);
    if (!log) {
      log = new RateLog();
      this.logs.set(key, log);
    }
    const result = log.tryTake(windows, nowMs, holdMs);
    if (!result.ok) return result;
    return { ok: true, answered: async (answeredMs) => result.answered(answeredMs) };
  }
}
