import { ManualClock, type WaitableClock } from '../../server/src/core/clock.ts';

/**
 * A clock that moves only when the test moves it, and wakes whoever sleeps on it when it
 * passes their time: code that waits (a rate limiter) is driven without real sleeps.
 */
export class ManualWaitableClock extends ManualClock implements WaitableClock {
  private sleepers: { at: number; wake: () => void }[] = [];
  private watchers: (() => void)[] = [];

  sleep(ms: number): Promise<void> {
    if (ms <= 0) return Promise.resolve();
    return new Promise((wake) => {
      this.sleepers.push({ at: this.now().getTime() + ms, wake });
      for (const watcher of this.watchers.splice(0)) watcher();
    });
  }

  override advance(ms: number): void {
    super.advance(ms);
    this.wakeDue();
  }

  override set(at: Date): void {
    super.set(at);
    this.wakeDue();
  }

  /** How many wait on the clock now. */
  get sleeping(): number {
    return this.sleepers.length;
  }

  /** Moves the clock on to the earliest sleeper's time, waking it. */
  wakeNext(): void {
    if (this.sleepers.length === 0) throw new Error('no one sleeps on the clock');
    this.advance(Math.min(...this.sleepers.map((s) => s.at)) - this.now().getTime());
  }

  /** Moves the clock on from one sleeper's time to the next until `work` is done. */
  async driveUntilDone<T>(work: Promise<T>): Promise<T> {
    let done = false;
    void work.then(
      () => (done = true),
      () => (done = true),
    );
    while (!done) {
      await Promise.race([this.asleep(), work]);
      if (!done) this.wakeNext();
    }
    return work;
  }

  /** Resolves once at least `count` wait on the clock: the code under test has reached its wait. */
  async asleep(count = 1): Promise<void> {
    while (this.sleepers.length < count) await new Promise<void>((resolve) => this.watchers.push(resolve));
  }

  private wakeDue(): void {
    const now = this.now().getTime();
    const due = this.sleepers.filter((s) => s.at <= now);
    this.sleepers = this.sleepers.filter((s) => s.at > now);
    for (const sleeper of due) sleeper.wake();
  }
}
