import type { IncomingMessage, ServerResponse } from 'node:http';
import { z } from 'zod';
import type { SimAdmin } from '../admin.ts';
import type { AdminHandler } from '../http.ts';
import { parsePaise } from '../money.ts';
import { ROUTE_NAMES } from './names.ts';

// A small HTTP admin under /__sim/ so people driving the simulator from another process (curl,
// a browser, Tandem itself) can move prices and pull fault levers. Prices here are rupees.

const price = z.union([z.string(), z.number()]).transform((v, ctx) => {
  const paise = parsePaise(v);
  if (paise === null || paise <= 0)
    ctx.addIssue({ code: 'custom', message: 'price must be a positive rupee amount with at most 2 decimals' });
  return paise ?? 0;
});
const routes = z.array(z.enum(ROUTE_NAMES)).optional();

const schemas = {
  account: z.object({
    clientcode: z.string().min(1),
    pin: z.string().min(1),
    totpSecret: z.string().min(26),
    apiKey: z.string().optional(),
    name: z.string().optional(),
    funds: price.optional(),
    staticIp: z.string().optional(),
  }),
  price: z.object({ token: z.string().min(1), price }),
  fill: z.object({ id: z.string().min(1), quantity: z.number().int().positive(), price: price.optional() }),
  holding: z.object({
    clientcode: z.string().min(1),
    token: z.string().min(1),
    symbol: z.string().min(1),
    exchange: z.string().min(1).optional(),
    quantity: z.number().int().positive(),
    price,
  }),
  hours: z.object({ hours: z.enum(['always', 'nse']) }),
  faults: z.object({
    latencyMs: z.number().int().min(0).optional(),
    latencyRoutes: routes,
    fail5xx: z.object({ count: z.number().int().min(0), status: z.number().int().min(500).max(599).optional(), routes }).optional(),
    timeoutAfterAccept: z
      .object({
        count: z.number().int().min(0),
        mode: z.enum(['hang', 'reset']).optional(),
        hangMs: z.number().int().min(0).optional(),
        routes,
      })
      .optional(),
    rejectNextOrders: z.object({ count: z.number().int().min(0), text: z.string().optional() }).optional(),
    expireSessions: z.union([z.literal(true), z.string()]).optional(),
    dropSockets: z.union([z.literal(true), z.string()]).optional(),
    freezeSockets: z.union([z.boolean(), z.string()]).optional(),
    reset: z.literal(true).optional(),
  }),
};

const who = (target: true | string): string | undefined => (target === true ? undefined : target);

export function createAdminHttp(admin: SimAdmin): AdminHandler {
  return async (req: IncomingMessage, res: ServerResponse, url: URL, raw: string): Promise<void> => {
    const route = `${req.method ?? 'GET'} ${url.pathname}`;
    const input = (): unknown => (raw.trim() ? JSON.parse(raw) : {});
    try {
      switch (route) {
        case 'GET /__sim/state':
          return json(res, 200, { marketOpen: admin.market.isOpen(), accounts: admin.accounts.list(), counters: admin.counters() });
        case 'GET /__sim/orders':
          return json(res, 200, admin.orders.list(url.searchParams.get('clientcode') ?? undefined));
        case 'POST /__sim/accounts': {
          const a = schemas.account.parse(input());
          admin.accounts.add({ ...a, fundsPaise: a.funds });
          return json(res, 201, { ok: true });
        }
        case 'POST /__sim/price': {
          const p = schemas.price.parse(input());
          admin.market.setPrice(p.token, p.price);
          return json(res, 200, { ok: true });
        }
        case 'POST /__sim/fill': {
          const f = schemas.fill.parse(input());
          return json(res, 200, admin.orders.fill(f.id, f.quantity, f.price));
        }
        case 'POST /__sim/holdings': {
          const { price: averagePaise, ...h } = schemas.holding.parse(input());
          admin.holdings.add({ ...h, averagePaise });
          return json(res, 201, { ok: true });
        }
        case 'GET /__sim/holdings':
          return json(res, 200, admin.holdings.list(url.searchParams.get('clientcode') ?? ''));
        case 'POST /__sim/hours':
          admin.market.setHours(schemas.hours.parse(input()).hours);
          return json(res, 200, { ok: true, marketOpen: admin.market.isOpen() });
        case 'POST /__sim/amo/release':
          return json(res, 200, { released: admin.market.releaseAmo() });
        case 'POST /__sim/faults':
          applyFaults(admin, schemas.faults.parse(input()));
          return json(res, 200, { ok: true });
        default:
          return json(res, 404, { error: `no admin route ${route}` });
      }
    } catch (error) {
      const message = error instanceof z.ZodError ? z.prettifyError(error) : error instanceof Error ? error.message : String(error);
      return json(res, 400, { error: message });
    }
  };
}

function applyFaults(admin: SimAdmin, f: z.infer<typeof schemas.faults>): void {
  if (f.reset) admin.faults.reset();
  if (f.latencyMs !== undefined) admin.faults.latency(f.latencyMs, f.latencyRoutes);
  if (f.fail5xx) admin.faults.failNext(f.fail5xx.count, f.fail5xx);
  if (f.timeoutAfterAccept) admin.faults.timeoutAfterAccept(f.timeoutAfterAccept.count, f.timeoutAfterAccept);
  if (f.rejectNextOrders) admin.faults.rejectNextOrders(f.rejectNextOrders.count, f.rejectNextOrders.text);
  if (f.expireSessions !== undefined) admin.faults.expireSessions(who(f.expireSessions));
  if (f.dropSockets !== undefined) admin.faults.dropSockets(who(f.dropSockets));
  if (typeof f.freezeSockets === 'string') admin.faults.freezeSockets(f.freezeSockets, true);
  else if (f.freezeSockets !== undefined) admin.faults.freezeSockets(undefined, f.freezeSockets);
}

function json(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text) });
  res.end(text);
}
