// The physical floor of a fan-out: N POSTs at once from one client over warm keep-alive sockets,
// to a tiny local server that answers each after the broker's round trip. Nothing is faster.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { type Summary, summary } from '../stats.ts';

/** Each round: N parallel POSTs, timed from the first sent to the last answered. */
export async function bareHttpFloor(n: number, rounds: number, latencyMs: number): Promise<Summary> {
  const server = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => setTimeout(() => res.end('{"status":true}'), latencyMs));
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  // Every socket kept between rounds (the default keeps 256 free ones): warm means all N.
  const agent = new http.Agent({ keepAlive: true, maxSockets: Number.POSITIVE_INFINITY, maxFreeSockets: n });
  try {
    return await timedRounds(n, rounds, () => post(agent, `http://127.0.0.1:${port}/order`, '{"variety":"NORMAL"}'));
  } finally {
    agent.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

/** One warm-up round (opens the sockets), then `rounds` timed rounds of `n` calls at once, `pauseMs` apart. */
export async function timedRounds(n: number, rounds: number, call: (index: number) => Promise<unknown>, pauseMs = 0): Promise<Summary> {
  const samples: number[] = [];
  for (let round = -1; round < rounds; round += 1) {
    if (pauseMs > 0) await new Promise((resolve) => setTimeout(resolve, pauseMs));
    const started = performance.now();
    await Promise.all(Array.from({ length: n }, (_, index) => call(index)));
    if (round >= 0) samples.push(Math.round(performance.now() - started));
  }
  return summary(samples);
}

export function post(agent: http.Agent, url: string, body: string, headers: Record<string, string> = {}): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method: 'POST', agent, headers: { 'content-type': 'application/json', ...headers } }, (res) => {
      let text = '';
      res.on('data', (chunk: Buffer) => (text += chunk.toString()));
      res.on('end', () => resolve(text));
    });
    req.on('error', reject);
    req.end(body);
  });
}
