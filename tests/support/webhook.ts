import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A real HTTP endpoint standing in for the team's chat webhook: each JSON body posted to it is pushed to `received`. */
export async function startWebhook<T>(received: T[]): Promise<{ url: string; close(): void }> {
  const hook = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => {
      received.push(JSON.parse(body) as T);
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => hook.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(hook.address() as AddressInfo).port}/hook`, close: () => hook.close() };
}
