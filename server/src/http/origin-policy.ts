import type { IncomingMessage, ServerResponse } from 'node:http';

/**
 * Which web pages, besides Tandem's own, may read its answers and open its sockets. Requests
 * carry a bearer token that the page itself must hold (never a cookie), so a foreign page
 * gains nothing by being let through; these rules keep it that way for browsers: no
 * Access-Control-Allow-Credentials ever, and only the origins listed in CORS_ORIGINS.
 */
export interface OriginPolicy {
  /**
   * Adds the CORS headers every route shares. Answers a preflight itself (204, allow headers
   * only for a listed origin) and returns true when it did.
   */
  answer(req: IncomingMessage, res: ServerResponse): boolean;
  /**
   * Whether a WebSocket upgrade may go ahead. Browsers cannot be kept from opening a socket to
   * any site, only made to say where the page came from; clients that are not browsers send
   * no Origin and authenticate with the token in connectionParams.
   */
  mayOpenSocket(req: IncomingMessage): boolean;
}

function sameHost(origin: string, host: string | undefined): boolean {
  try {
    return host !== undefined && new URL(origin).host === host.toLowerCase();
  } catch {
    return false;
  }
}

export function createOriginPolicy(allowedOrigins: readonly string[]): OriginPolicy {
  const allowed = new Set(allowedOrigins);
  return {
    answer(req, res) {
      // Caches must not hand one origin's answer to another.
      res.setHeader('vary', 'Origin');
      const origin = req.headers.origin;
      const listed = origin !== undefined && allowed.has(origin);
      if (listed) {
        res.setHeader('access-control-allow-origin', origin);
        // A page told to slow down can only read when to try again if the header is exposed.
        res.setHeader('access-control-expose-headers', 'Retry-After');
      }
      const preflight = req.method === 'OPTIONS' && req.headers['access-control-request-method'] !== undefined;
      if (!preflight) return false;
      if (listed) {
        res.setHeader('access-control-allow-methods', 'GET, POST');
        res.setHeader('access-control-allow-headers', 'authorization, content-type');
        res.setHeader('access-control-max-age', '600');
      }
      res.writeHead(204);
      res.end();
      return true;
    },
    mayOpenSocket(req) {
      const origin = req.headers.origin;
      return origin === undefined || allowed.has(origin) || sameHost(origin, req.headers.host);
    },
  };
}
