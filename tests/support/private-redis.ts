// A Redis of the test's own, on a port of its own, that the test can stop and start again
// (the same port, empty, as a restarted Redis without persistence comes back).
import { type ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { Redis } from 'ioredis';
import { waitFor } from './harness.ts';

export interface PrivateRedis {
  url: string;
  stop(): Promise<void>;
  start(): Promise<void>;
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/**
 * Whether the Redis answering at `url` is `child` itself. Between choosing a free port and
 * redis-server binding it, a test in another worker may take the port (its own Redis, a server);
 * our redis-server then exits, and a plain PING would be answered by the other one, sharing its
 * keys (sign-in counters, rate limits) between two tests.
 */
async function answeredBy(url: string, child: ChildProcess): Promise<'ours' | 'taken' | undefined> {
  if (child.exitCode !== null) return 'taken';
  const client = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, enableOfflineQueue: false, retryStrategy: () => null });
  client.on('error', () => undefined);
  try {
    await client.connect();
    const pid = Number(/process_id:(\d+)/.exec(await client.info('server'))?.[1]);
    return pid === child.pid ? 'ours' : child.exitCode !== null ? 'taken' : undefined;
  } catch {
    return child.exitCode !== null ? 'taken' : undefined;
  } finally {
    client.disconnect();
  }
}

const ATTEMPTS = 5;

export async function startPrivateRedis(binary = '/usr/bin/redis-server'): Promise<PrivateRedis> {
  let port = 0;
  let child: ChildProcess | null = null;
  const url = () => `redis://127.0.0.1:${port}`;
  const spawnOn = async (): Promise<boolean> => {
    const started = spawn(binary, ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
    child = started;
    return (await waitFor(() => answeredBy(url(), started), 10_000, `redis-server on port ${port}`)) === 'ours';
  };
  const start = async () => {
    // A restart keeps its port, as a restarted Redis does: taken meanwhile, the test cannot go on.
    if (!(await spawnOn())) throw new Error(`port ${port} of a private Redis was taken while it was stopped`);
  };
  const stop = async () => {
    const running = child;
    if (!running || running.exitCode !== null) return;
    const exited = new Promise((resolve) => running.once('exit', resolve));
    running.kill('SIGKILL');
    await exited;
  };
  for (let attempt = 1; ; attempt += 1) {
    port = await freePort();
    if (await spawnOn()) break;
    if (attempt === ATTEMPTS) throw new Error(`no free port for a private Redis after ${ATTEMPTS} attempts`);
  }
  return { url: url(), start, stop };
}
