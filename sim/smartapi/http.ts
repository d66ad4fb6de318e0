import type { IncomingMessage, ServerResponse } from 'node:http';
import { setTimeout as delay } from 'node:timers/promises';
import type { SimCore } from './context.ts';
import { backendError, serverError, unspecified, type SimResponse } from './envelope.ts';
import { throughGateway } from './gateway.ts';
import { matchRoute } from './routes/table.ts';

const MAX_BODY_BYTES = 1 << 20;

export type AdminHandler = (req: IncomingMessage, res: ServerResponse, url: URL, body: string) => Promise<void>;

/** The node:http listener: routing, fault injection and writing the answer. */
export function createRequestListener(core: SimCore, admin: AdminHandler, onError: (error: unknown, req: IncomingMessage) => void) {
  return (req: IncomingMessage, res: ServerResponse): void => {
    handle(core, admin, req, res).catch((error: unknown) => {
      onError(error, req);
      if (!res.headersSent) write(res, serverError(500));
      else res.destroy();
    });
  };
}

async function handle(core: SimCore, admin: AdminHandler, req: IncomingMessage, res: ServerResponse): Promise<void> {
  core.exchange.tick();
  const url = new URL(req.url ?? '/', 'http://sim');
  const raw = await readBody(req);
  if (url.pathname.startsWith('/__sim/')) return admin(req, res, url, raw);
  const match = matchRoute(req.method ?? 'GET', url.pathname);
  if (!match) return write(res, { kind: 'text', status: 404, contentType: 'text/plain', body: 'Not Found' });
  const { route, params } = match;
  core.counters.request(route.name);

  const latency = core.faults.latencyFor(route.name);
  if (latency > 0) await delay(latency);
  const status = core.faults.takeServerError(route.name);
  if (status !== null) {
    core.counters.serverError(route.name);
    return write(res, serverError(status));
  }

  const body = route.method === 'POST' ? parseBody(raw) : {};
  const response =
    body === null
      ? backendError(unspecified('Invalid request body'))
      : await throughGateway(core, { route, params, headers: req.headers, body, remoteIp: remoteIp(req) });

  const timeout = accepted(response) ? core.faults.takeTimeout(route.name) : null;
  if (timeout) {
    core.counters.leftUnanswered(route.name);
    if (timeout.mode === 'reset') req.socket.destroy();
    else if (timeout.hangMs !== undefined) setTimeout(() => req.socket.destroy(), timeout.hangMs).unref();
    return;
  }
  write(res, response);
}

function accepted(response: SimResponse): boolean {
  return response.kind === 'json' && (response.body as { status?: unknown }).status === true;
}

function parseBody(raw: string): Record<string, unknown> | null {
  if (raw.trim() === '') return {};
  try {
    const parsed: unknown = JSON.parse(raw);
    return parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

function remoteIp(req: IncomingMessage): string {
  return (req.socket.remoteAddress ?? '').replace(/^::ffff:/, '');
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buf = chunk as Buffer;
    size += buf.length;
    if (size > MAX_BODY_BYTES) throw new Error('request body too large');
    chunks.push(buf);
  }
  return Buffer.concat(chunks).toString('utf8');
}

export function write(res: ServerResponse, response: SimResponse): void {
  if (response.kind === 'json') {
    const body = JSON.stringify(response.body);
    res.writeHead(response.status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) });
    res.end(body);
  } else {
    res.writeHead(response.status, { 'Content-Type': response.contentType, 'Content-Length': Buffer.byteLength(response.body) });
    res.end(response.body);
  }
}
