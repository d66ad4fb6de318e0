import type { IncomingHttpHeaders } from 'node:http';
import type { RequestContext, SimCore } from './context.ts';
import { backendError, ERR, gatewayError, rateLimited, unspecified, type SimResponse } from './envelope.ts';
import type { RouteSpec } from './routes/table.ts';

// What stands in front of the services: header, token, API key, static IP and rate checks.

/** Sent by every official SDK; SmartAPI wants them present, not correct (docs/smartapi.md §1.2). */
const CLIENT_HEADERS = ['x-sourceid', 'x-clientlocalip', 'x-clientpublicip', 'x-macaddress'] as const;

export interface GatewayInput {
  route: RouteSpec;
  params: Record<string, string>;
  headers: IncomingHttpHeaders;
  body: Record<string, unknown>;
  remoteIp: string;
}

const header = (headers: IncomingHttpHeaders, name: string): string => {
  const value = headers[name];
  return (Array.isArray(value) ? value[0] : value)?.trim() ?? '';
};

/** Runs the route when every check passes; otherwise answers as the gateway would. */
export async function throughGateway(core: SimCore, input: GatewayInput): Promise<SimResponse> {
  const { route, headers } = input;
  const apiKey = header(headers, 'x-privatekey');
  if (!apiKey) return gatewayError(ERR.invalidApiKey);
  if (header(headers, 'x-usertype') !== 'USER') return backendError(ERR.userTypeMustBeUser);
  const missing = CLIENT_HEADERS.find((name) => !header(headers, name));
  // No documented answer for a missing client header; AB2000 names it so the caller can fix it.
  if (missing) return backendError(unspecified(`Missing header ${missing}`));

  const base: RequestContext = { core, body: input.body, params: input.params, session: null, account: null, apiKey };
  if (route.auth === 'none') {
    const who = typeof input.body.clientcode === 'string' && input.body.clientcode ? input.body.clientcode : input.remoteIp;
    if (!core.limiter.allow(who, route.rate)) return limited(core, route);
    return route.handler(base);
  }

  const check = core.sessions.check(headers.authorization);
  if (!check.ok) {
    if (check.reason === 'missing') return gatewayError(ERR.tokenMissing);
    if (check.reason === 'expired' && core.options.expiredTokenCode === 'AG8002') return gatewayError(ERR.tokenExpired);
    return gatewayError(ERR.invalidToken);
  }
  const account = core.accounts.get(check.session.clientcode);
  if (!account || (account.apiKey !== null && account.apiKey !== apiKey)) return gatewayError(ERR.invalidApiKey);
  if (route.orderWrite && account.staticIp !== null && account.staticIp !== input.remoteIp) return gatewayError(ERR.unregisteredIp);
  if (!core.limiter.allow(account.clientcode, route.rate)) return limited(core, route);
  return route.handler({ ...base, session: check.session, account });
}

function limited(core: SimCore, route: RouteSpec): SimResponse {
  core.counters.limited(route.name);
  return rateLimited();
}
