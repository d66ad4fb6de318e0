import type { Clock } from '../core/clock.ts';
import type { LoginAttemptStore, LoginDelays } from './login-attempt-store.ts';

/** After the `from`-th failure the next attempt waits `firstMs`; each further failure doubles it, up to `capMs`. */
export function doublingDelays(from: number, firstMs: number, capMs: number): number[] {
  const schedule: number[] = Array.from({ length: from - 1 }, () => 0);
  for (let wait = firstMs; wait < capMs; wait *= 2) schedule.push(wait);
  schedule.push(capMs);
  return schedule;
}

/**
 * OWASP's advice: slow guessing down without letting anyone lock an account out.
 * - One address at one email: after 5 failures 1 s, doubling with each failure up to 15 min.
 * - One email from any address: after 10 failures 1 s, doubling up to 30 s and no more, so an
 *   attacker with many addresses can hold the owner back 30 s at most.
 * - Nothing counts failures per address alone: guesses at other emails from a busy address (an
 *   office, a NAT, an attacker) never delay a correct password there.
 */
export const LOGIN_DELAYS: LoginDelays = {
  pair: doublingDelays(5, 1_000, 15 * 60_000),
  email: doublingDelays(10, 1_000, 30_000),
  forgetAfterMs: 24 * 3_600_000,
};

/** Sign-in limiting on the injected clock, over either store. */
export class LoginLimiter {
  constructor(
    private readonly store: LoginAttemptStore,
    private readonly clock: Clock,
    private readonly delays: LoginDelays = LOGIN_DELAYS,
  ) {}

  /** 0 when `email` may be tried from `ip` now (the attempt is counted as a failure until `succeeded`), else whole seconds to wait. */
  async admit(email: string, ip: string): Promise<number> {
    const waitMs = await this.store.admit(email, ip, this.clock.now().getTime(), this.delays);
    return waitMs > 0 ? Math.ceil(waitMs / 1000) : 0;
  }

  /** A correct password: this address and this email start over. */
  async succeeded(email: string, ip: string): Promise<void> {
    await this.store.clear(email, ip);
  }
}
