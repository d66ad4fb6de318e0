/**
 * A push-to-pull queue: producers push, one consumer iterates. Ending it (or the consumer
 * returning) runs the cleanups, so transport subscriptions never outlive their reader.
 */
export class AsyncQueue<T> implements AsyncIterableIterator<T> {
  private readonly items: T[] = [];
  private waiting: { resolve: (result: IteratorResult<T>) => void; reject: (error: unknown) => void } | null = null;
  private failure: unknown = null;
  private done = false;
  private readonly cleanups: (() => void)[] = [];

  /** A `nextBatch` caller waiting for items. */
  private wake: (() => void) | null = null;

  push(item: T): void {
    if (this.done) return;
    if (this.waiting) {
      const waiter = this.waiting;
      this.waiting = null;
      waiter.resolve({ value: item, done: false });
    } else {
      this.items.push(item);
      this.wakeBatch();
    }
  }

  private wakeBatch(): void {
    const wake = this.wake;
    this.wake = null;
    wake?.();
  }

  /**
   * Everything queued, at once: waits for the first item, then takes what arrived with it (the
   * consumer resumes after the producer's synchronous burst). `done` once ended and drained;
   * with an error, rejects after the items already queued. Use this or `next`, not both.
   */
  nextBatch(): Promise<{ items: T[]; done: boolean }> {
    if (this.items.length > 0) return Promise.resolve({ items: this.items.splice(0), done: false });
    if (this.done) {
      if (this.failure) {
        const failure = this.failure;
        this.failure = null;
        return Promise.reject(failure);
      }
      return Promise.resolve({ items: [], done: true });
    }
    return new Promise<void>((resolve) => {
      this.wake = resolve;
    }).then(() => this.nextBatch());
  }

  /** Ends the stream; with an error, the consumer sees it after the items already queued. */
  end(error?: unknown): void {
    if (this.done) return;
    this.done = true;
    if (error !== undefined) this.failure = error;
    for (const cleanup of this.cleanups.splice(0)) cleanup();
    this.wakeBatch();
    if (this.waiting) {
      const waiter = this.waiting;
      this.waiting = null;
      if (this.failure) {
        waiter.reject(this.failure);
        this.failure = null;
      } else {
        waiter.resolve({ value: undefined, done: true });
      }
    }
  }

  onEnd(cleanup: () => void): void {
    if (this.done) cleanup();
    else this.cleanups.push(cleanup);
  }

  get ended(): boolean {
    return this.done;
  }

  next(): Promise<IteratorResult<T>> {
    if (this.items.length > 0) return Promise.resolve({ value: this.items.shift() as T, done: false });
    if (this.done) {
      if (this.failure) {
        const failure = this.failure;
        this.failure = null;
        return Promise.reject(failure);
      }
      return Promise.resolve({ value: undefined, done: true });
    }
    return new Promise((resolve, reject) => {
      this.waiting = { resolve, reject };
    });
  }

  async return(): Promise<IteratorResult<T>> {
    this.end();
    this.items.length = 0;
    return { value: undefined, done: true };
  }

  [Symbol.asyncIterator](): AsyncIterableIterator<T> {
    return this;
  }
}
