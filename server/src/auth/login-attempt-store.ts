/**
 * Waits, in ms, by failures counted so far: entry n - 1 applies after the n-th failure and the
 * last entry after every later one. `forgetAfterMs` after its last failure a counter starts over.
 */
export interface LoginDelays {
  email: readonly number[];
  pair: readonly number[];
  forgetAfterMs: number;
}

/**
 * Where sign-in attempts are counted: in this process, or in Redis for every instance. Both
 * keep a counter per email and one per (email, address), and follow the same rules:
 * - an attempt waits while its pair's or its email's delay runs;
 * - an address that has not failed on the email, kept waiting by the email's delay alone, is
 *   given a turn at the moment it was told, which later failures elsewhere cannot take back;
 *   so attackers on other addresses delay the owner by one email delay (30 s) at most. An
 *   attacker's address gets one such turn per email: once it fails there it has had it;
 * - an attempt let through counts as a failure at once, so guesses sent in parallel cannot
 *   all slip through while the first is checked; a success clears both counters.
 */
export interface LoginAttemptStore {
  /** 0 when the attempt may go ahead (and is counted), else the ms to wait. */
  admit(email: string, ip: string, nowMs: number, delays: LoginDelays): Promise<number>;
  clear(email: string, ip: string): Promise<void>;
}

export const emailKey = (email: string) => `email:${email}`;
/** An address has no spaces, so the first one ends it whatever the email holds. */
export const pairKey = (email: string, ip: string) => `pair:${ip} ${email}`;

type Counter = { failures: number; nextAtMs: number; lastMs: number; turnAtMs?: number };

const delayAfter = (schedule: readonly number[], failures: number) => schedule[Math.min(failures, schedule.length) - 1] ?? 0;

/** The counters of this process alone: for one instance, or while Redis cannot be reached. */
export class MemoryLoginAttemptStore implements LoginAttemptStore {
  // Insertion order is last-write order, so the oldest counters go first when the map is full.
  private readonly counters = new Map<string, Counter>();

  constructor(private readonly maxCounters = 100_000) {}

  async admit(email: string, ip: string, nowMs: number, delays: LoginDelays): Promise<number> {
    const onEmail = this.read(emailKey(email), nowMs, delays);
    const onPair = this.read(pairKey(email, ip), nowMs, delays);
    if (nowMs < onPair.nextAtMs) return onPair.nextAtMs - nowMs;
    if (nowMs < onEmail.nextAtMs) {
      if (onPair.failures > 0) return onEmail.nextAtMs - nowMs;
      if (onPair.turnAtMs === undefined) this.write(pairKey(email, ip), { ...onPair, lastMs: nowMs, turnAtMs: onEmail.nextAtMs });
      const turnAtMs = onPair.turnAtMs ?? onEmail.nextAtMs;
      if (nowMs < turnAtMs) return Math.min(turnAtMs, onEmail.nextAtMs) - nowMs;
    }
    this.count(emailKey(email), onEmail, delays.email, nowMs);
    this.count(pairKey(email, ip), onPair, delays.pair, nowMs);
    return 0;
  }

  async clear(email: string, ip: string): Promise<void> {
    this.counters.delete(emailKey(email));
    this.counters.delete(pairKey(email, ip));
  }

  private read(key: string, nowMs: number, delays: LoginDelays): Counter {
    const counter = this.counters.get(key);
    if (!counter || nowMs - counter.lastMs >= delays.forgetAfterMs) return { failures: 0, nextAtMs: 0, lastMs: nowMs };
    return counter;
  }

  private count(key: string, counter: Counter, schedule: readonly number[], nowMs: number): void {
    const failures = counter.failures + 1;
    this.write(key, { failures, nextAtMs: nowMs + delayAfter(schedule, failures), lastMs: nowMs });
  }

  private write(key: string, counter: Counter): void {
    this.counters.delete(key);
    this.counters.set(key, counter);
    for (const oldest of this.counters.keys()) {
      if (this.counters.size <= this.maxCounters) break;
      this.counters.delete(oldest);
    }
  }
}
