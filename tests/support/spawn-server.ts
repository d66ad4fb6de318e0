// Tandem as people run it: `node --import tsx server/src/main.ts`, a process of its own that
// prints its URL once it listens and stops on SIGTERM.
import { spawn, type ChildProcess } from 'node:child_process';
import { tmpdir } from 'node:os';
import { fileURLToPath } from 'node:url';
import { waitFor } from './wait-for.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
/** Generous: a cold tsx start with migrations takes seconds, more on a busy machine. */
export const START_TIMEOUT_MS = 45_000;

export interface ServerProcess {
  child: ChildProcess;
  /** The base URL (http://host:port) main.ts printed once it listens; rejects when it exits first. */
  url: Promise<string>;
  stdout(): string;
  stderr(): string;
  /** Resolves with the exit code (null when a signal ended it). */
  exited: Promise<number | null>;
}

const running = new Set<ServerProcess>();

/**
 * Starts main.ts on a free port of 127.0.0.1 with exactly `env` (plus PATH, HOME and LOG_LEVEL
 * warn): nothing leaks in from the test's own environment, such as DATABASE_URL or REDIS_URL.
 */
export function startServerProcess(
  env: Record<string, string>,
  startTimeoutMs = START_TIMEOUT_MS,
  entry = 'server/src/main.ts',
  nodeArgs: string[] = [],
): ServerProcess {
  const child = spawn(process.execPath, [...nodeArgs, '--import', 'tsx', entry], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? tmpdir(), PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<number | null>((resolve) =>
    child.on('exit', (code) => {
      running.delete(server);
      resolve(code);
    }),
  );
  const url = Promise.race([
    waitFor(() => /GraphQL:\s+(http:\/\/\S+)\/graphql/.exec(stdout)?.[1], startTimeoutMs, 'main.ts to print its URL'),
    exited.then((code) => {
      throw new Error(`main.ts exited with ${code} before listening:\n${stdout}\n${stderr}`);
    }),
  ]);
  // A test that expects the process to refuse to start awaits `exited` instead.
  url.catch(() => undefined);
  const server: ServerProcess = { child, url, stdout: () => stdout, stderr: () => stderr, exited };
  running.add(server);
  return server;
}

/** SIGTERM, then the exit code and how long the process took to go; one that already exited answers at once. */
export async function stopServerProcess(server: ServerProcess): Promise<{ code: number | null; ms: number }> {
  if (!running.has(server)) return { code: await server.exited, ms: 0 };
  const started = Date.now();
  server.child.kill('SIGTERM');
  const code = await Promise.race([
    server.exited,
    new Promise<never>((_, reject) => setTimeout(() => reject(new Error('no exit 10 s after SIGTERM')), 10_000)),
  ]);
  return { code, ms: Date.now() - started };
}

/** For an afterAll: SIGKILL to every process started here that still runs, and their exits awaited. */
export async function killServerProcesses(): Promise<void> {
  const left = [...running];
  for (const server of left) server.child.kill('SIGKILL');
  await Promise.all(left.map((server) => server.exited));
}
