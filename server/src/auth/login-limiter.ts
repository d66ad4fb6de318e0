/**
 * Fixed-window failure counters per email and per IP. Only failures count, so a user who
 * types the password right is never locked out by their own earlier success.
 */
export class LoginLimiter {
  private readonly failures = new Map<string, { count: number; windowStart: number }>();

  constructor(
    private readonly maxFailures = 5,
    private readonly windowMs = 15 * 60_000,
    private readonly now: () => number = Date.now,
  ) {}

  /** Seconds until the caller may try again, or 0 when allowed. */
  retryAfter(email: string, ip: string): number {
    const at = this.now();
    let wait = 0;
    for (const key of this.keys(email, ip)) {
      const entry = this.failures.get(key);
      if (!entry) continue;
      if (at - entry.windowStart >= this.windowMs) {
        this.failures.delete(key);
        continue;
      }
      const limit = key.startsWith('ip:') ? this.maxFailures * 4 : this.maxFailures;
      if (entry.count >= limit) wait = Math.max(wait, Math.ceil((entry.windowStart + this.windowMs - at) / 1000));
    }
    return wait;
  }

  recordFailure(email: string, ip: string): void {
    const at = this.now();
    for (const key of this.keys(email, ip)) {
      const entry = this.failures.get(key);
      if (!entry || at - entry.windowStart >= this.windowMs) this.failures.set(key, { count: 1, windowStart: at });
      else entry.count += 1;
    }
  }

  recordSuccess(email: string): void {
    this.failures.delete(`email:${email.toLowerCase()}`);
  }

  private keys(email: string, ip: string): string[] {
    return [`email:${email.toLowerCase()}`, `ip:${ip}`];
  }
}
