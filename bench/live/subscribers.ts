// The parent's side of the subscriber processes (sse-client.ts): an audience of `count`
// subscriptions spread over a few processes, so the clients' own parsing is not one event loop.
import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

export interface ClientOptions {
  url: string;
  token: string;
  count: number;
  transport: 'sse' | 'ws';
  accountId: string;
  /** Replay after this cursor, then live: nothing published while subscribing is missed. */
  after: string;
  /** Keep every event of the first subscription (order, status, receipt time). */
  receipts: boolean;
}

export interface Receipt {
  cursor: number;
  orderId: string;
  status: string;
  receivedAt: number;
}

export interface ClientReport {
  subscriptions: { unique: number; repeated: number }[];
  /** Receipt time minus the event's `at`, in ms, every event of every subscription. */
  lags: number[];
  receipts: Receipt[];
}

export type ParentMessage = { want: number } | { stop: true };
type ChildMessage = { subscribed: number } | { reached: number } | { report: ClientReport } | { error: string };

export interface Audience {
  /** Resolves once every subscription has received `cursor` (or one past it). */
  reach(cursor: number, timeoutMs?: number): Promise<void>;
  /** Closes every subscription and merges what each process received. */
  stop(): Promise<ClientReport>;
  /** Ends the processes at once, reporting nothing (a scenario that failed). */
  kill(): void;
  pids: number[];
}

/** Starts `processes` client processes sharing `options.count` subscriptions; resolves once all are subscribed. */
export async function startAudience(options: ClientOptions, processes = 1): Promise<Audience> {
  const shares = Array.from(
    { length: processes },
    (_, i) => Math.floor(options.count / processes) + (i < options.count % processes ? 1 : 0),
  );
  const children = shares
    .filter((count) => count > 0)
    .map((count, index) =>
      spawn(
        process.execPath,
        ['--import', 'tsx', 'bench/live/sse-client.ts', JSON.stringify({ ...options, count, receipts: options.receipts && index === 0 })],
        {
          cwd: ROOT,
          stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
        },
      ),
    );
  await Promise.all(children.map((child) => next(child, (m) => ('subscribed' in m ? true : undefined), 120_000)));
  return {
    pids: children.map((c) => c.pid!),
    kill: () => {
      for (const child of children) child.kill('SIGKILL');
    },
    async reach(cursor, timeoutMs = 120_000) {
      await Promise.all(
        children.map((child) => {
          const reached = next(child, (m) => ('reached' in m && m.reached === cursor ? true : undefined), timeoutMs);
          child.send({ want: cursor } satisfies ParentMessage);
          return reached;
        }),
      );
    },
    async stop() {
      const reports = await Promise.all(
        children.map((child) => {
          const report = next(child, (m) => ('report' in m ? m.report : undefined), 60_000);
          child.send({ stop: true } satisfies ParentMessage);
          return report;
        }),
      );
      return {
        subscriptions: reports.flatMap((r) => r.subscriptions),
        lags: reports.flatMap((r) => r.lags),
        receipts: reports.flatMap((r) => r.receipts),
      };
    },
  };
}

/** The first message of `child` that `pick` accepts; a client's error or exit rejects. */
function next<T>(child: ChildProcess, pick: (message: ChildMessage) => T | undefined, timeoutMs: number): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(
      () => settle(() => reject(new Error(`subscriber process ${child.pid}: no answer in ${timeoutMs} ms`))),
      timeoutMs,
    );
    const onMessage = (message: ChildMessage) => {
      if ('error' in message) return settle(() => reject(new Error(`subscriber process ${child.pid}: ${message.error}`)));
      const value = pick(message);
      if (value !== undefined) settle(() => resolve(value));
    };
    const onExit = (code: number | null) => settle(() => reject(new Error(`subscriber process ${child.pid} exited with ${code}`)));
    const settle = (done: () => void) => {
      clearTimeout(timer);
      child.off('message', onMessage);
      child.off('exit', onExit);
      done();
    };
    child.on('message', onMessage);
    child.on('exit', onExit);
  });
}
