// The SmartAPI simulator as people run it (`npm run smartapi-sim`): a process of its own, its
// faults pulled and its book read over its /__sim/ admin routes, as any other process would.
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import type { SimCountersSnapshot } from '../../sim/smartapi/counters.ts';
import type { SimAccountInput, SimOrder } from '../../sim/smartapi/types.ts';
import { waitFor } from './wait-for.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** An order as GET /__sim/orders shows it (dates as JSON strings). */
export type SimOrderView = Omit<SimOrder, 'placedAt' | 'updatedAt' | 'exchangeAt'>;

/** The body of POST /__sim/faults (sim/smartapi/routes/admin-http.ts). */
export interface SimFaultRequest {
  latencyMs?: number;
  latencyRoutes?: string[];
  fail5xx?: { count: number; status?: number; routes?: string[] };
  timeoutAfterAccept?: { count: number; mode?: 'hang' | 'reset'; hangMs?: number; routes?: string[] };
  expireSessions?: true | string;
  dropSockets?: true | string;
  freezeSockets?: boolean | string;
  reset?: true;
}

export interface SimProcess {
  child: ChildProcess;
  /** The REST root, e.g. http://127.0.0.1:41234 */
  url: string;
  /** The order-update socket, e.g. ws://127.0.0.1:41234/smart-order-update */
  wsUrl: string;
  faults(request: SimFaultRequest): Promise<void>;
  /** Every order of a client code, as the simulator's own book holds it. */
  orders: { list(clientcode: string): Promise<SimOrderView[]> };
  counters(): Promise<SimCountersSnapshot>;
  stop(): Promise<void>;
}

/** A port of 127.0.0.1 free now: the simulator's addresses can be handed to Tandem before it listens. */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/**
 * Starts `sim/smartapi/cli.ts` on `port` of 127.0.0.1 (0: any free one) with these accounts (and
 * instruments, prices in rupees), and resolves once its banner names its addresses.
 */
export async function startSimProcess(
  options: { accounts: SimAccountInput[]; instruments?: Record<string, { price: string }>; port?: number },
  startTimeoutMs = 30_000,
): Promise<SimProcess> {
  const { accounts, instruments = {}, port = 0 } = options;
  // The accounts file counts funds in rupees, as people write it.
  const file = {
    accounts: accounts.map(({ fundsPaise, ...a }) => ({
      ...a,
      ...(fundsPaise === undefined ? {} : { funds: (fundsPaise / 100).toFixed(2) }),
    })),
    instruments,
  };
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', 'sim/smartapi/cli.ts', '--port', String(port), '--accounts', JSON.stringify(file)],
    {
      cwd: ROOT,
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '' },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const [url, wsUrl] = await Promise.race([
    waitFor(
      () => {
        const rest = /REST root\s+(http:\/\/\S+)/.exec(output)?.[1];
        const ws = /order updates\s+(ws:\/\/\S+)/.exec(output)?.[1];
        return rest && ws ? ([rest, ws] as const) : undefined;
      },
      startTimeoutMs,
      'the simulator to print its addresses',
    ),
    exited.then((code) => {
      throw new Error(`the simulator exited with ${code} before listening:\n${output}`);
    }),
  ]).catch((error: unknown) => {
    child.kill('SIGKILL');
    throw error;
  });

  const admin = async <T>(method: 'GET' | 'POST', path: string, body?: unknown): Promise<T> => {
    const response = await fetch(`${url}/__sim/${path}`, {
      method,
      headers: { 'Content-Type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    if (!response.ok) throw new Error(`${method} /__sim/${path} answered ${response.status}: ${text}`);
    return JSON.parse(text) as T;
  };
  return {
    child,
    url,
    wsUrl,
    faults: async (request) => void (await admin('POST', 'faults', request)),
    orders: { list: (clientcode) => admin('GET', `orders?clientcode=${encodeURIComponent(clientcode)}`) },
    counters: async () => (await admin<{ counters: SimCountersSnapshot }>('GET', 'state')).counters,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const stopped = await Promise.race([
        exited.then(() => true),
        new Promise<false>((resolve) => setTimeout(() => resolve(false), 5_000)),
      ]);
      if (!stopped) {
        child.kill('SIGKILL');
        await exited;
      }
    },
  };
}
