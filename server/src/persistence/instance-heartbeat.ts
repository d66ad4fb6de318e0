import type { Logger } from 'pino';
import type { Orm } from './db.ts';
import { beatAndCount, forgetInstance } from './repositories/instance.repository.ts';

/**
 * This instance's heartbeat in the database, and how many instances are alive: while Redis is
 * unreachable, each instance takes the limit divided by that number as its own share of every
 * broker limit, so together they stay within it.
 */
export class InstanceHeartbeat {
  private alive = 1;
  private timer: NodeJS.Timeout | null = null;
  private failing = false;

  constructor(
    private readonly orm: Orm,
    readonly id: string,
    private readonly role: string,
    private readonly log: Logger,
    private readonly everyMs = 2_000,
    private readonly aliveWithinMs = 3 * everyMs,
  ) {}

  async start(): Promise<void> {
    await this.beat();
    this.timer = setInterval(() => void this.beat(), this.everyMs);
    this.timer.unref();
  }

  /** Instances alive at the last beat, this one included (at least 1). */
  liveInstances(): number {
    return Math.max(1, this.alive);
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await forgetInstance(this.orm.em.fork(), this.id).catch(() => undefined);
  }

  private async beat(): Promise<void> {
    try {
      this.alive = await beatAndCount(this.orm.em.fork(), this.id, this.role, this.aliveWithinMs);
      if (this.failing) this.log.info({ instances: this.alive }, 'instance heartbeat recorded again');
      this.failing = false;
    } catch (error) {
      if (!this.failing) this.log.warn({ err: error }, 'recording the instance heartbeat failed; the last count of live instances stands');
      this.failing = true;
    }
  }
}
