/**
 * Collects work submitted in the same turn of the event loop and runs it as one batch:
 * a thousand children claimed or acknowledged at once become one transaction, not a thousand.
 * A `serial` batcher runs one batch at a time, so batches apply in submission order.
 */
export class MicroBatcher<T, R> {
  private pending: { item: T; resolve: (result: R) => void; reject: (error: unknown) => void }[] = [];
  private scheduled = false;
  private running = false;

  constructor(
    private readonly run: (items: T[]) => Promise<R[]>,
    private readonly options: { maxBatch?: number; serial?: boolean } = {},
  ) {}

  submit(item: T): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      this.pending.push({ item, resolve, reject });
      this.schedule();
    });
  }

  private schedule(): void {
    if (this.scheduled || this.pending.length === 0 || (this.options.serial && this.running)) return;
    this.scheduled = true;
    setImmediate(() => this.flush());
  }

  private flush(): void {
    this.scheduled = false;
    if (this.options.serial && this.running) return;
    const batch = this.pending.splice(0, this.options.maxBatch ?? 1000);
    if (batch.length === 0) return;
    this.running = true;
    this.run(batch.map((entry) => entry.item))
      .then(
        (results) => {
          for (const [index, entry] of batch.entries()) entry.resolve(results[index] as R);
        },
        (error: unknown) => {
          for (const entry of batch) entry.reject(error);
        },
      )
      .finally(() => {
        this.running = false;
        this.schedule();
      });
    if (!this.options.serial) this.schedule();
  }
}
