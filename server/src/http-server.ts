import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { GraphQLError, type DocumentNode } from 'graphql';
import { useServer } from 'graphql-ws/use/ws';
import { WebSocketServer } from 'ws';
import type { TandemYoga } from './app.ts';
import { actorOf, type Viewer } from './auth/viewer.ts';
import { maskError } from './graphql/errors.ts';
import { createExportHandler } from './http/exports.ts';
import { createOriginPolicy } from './http/origin-policy.ts';
import { pingDatabase } from './persistence/db.ts';
import { AUDIT_EXPORT_PARAMETERS, openAuditExport } from './services/audit-trail.ts';
import type { AppServices } from './services/container.ts';
import { openOrderExport, ORDER_EXPORT_PARAMETERS } from './services/order-export.ts';
import { resolveViewer } from './services/resolve-viewer.ts';

const MAX_BODY_BYTES = 1024 * 1024;

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

const landingPage = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Tandem</title></head>
<body style="font-family:system-ui;max-width:40rem;margin:3rem auto">
<h1>Tandem</h1><p>The copy-trading engine is running.</p>
<ul><li><a href="/graphql">GraphiQL</a>: explore and call the API</li><li><a href="/health">/health</a>, <a href="/ready">/ready</a>, <a href="/metrics">/metrics</a></li></ul>
</body></html>`;

/**
 * A graphql-ws operation whose document cannot run fails alone: its errors carry the code they
 * would over HTTP, without Yoga's HTTP status, while the socket keeps its other subscriptions.
 */
function documentErrors(errors: readonly GraphQLError[], code: string): GraphQLError[] {
  return errors.map((error) => {
    const { http: _http, ...extensions } = error.extensions;
    return new GraphQLError(error.message, {
      nodes: error.nodes,
      source: error.source,
      positions: error.positions,
      extensions: { ...extensions, code: extensions.code ?? code },
    });
  });
}

export interface HttpServerHandle {
  server: Server;
  /** Stops accepting, ends open subscriptions and waits for requests in flight. */
  close(): Promise<void>;
}

/** /graphql (HTTP, SSE and graphql-ws), /health, /ready, /metrics and the dashboard. */
export function createHttpServer(
  services: AppServices,
  yoga: TandemYoga,
  serveStatic?: (req: IncomingMessage, res: ServerResponse) => boolean,
): HttpServerHandle {
  const origins = createOriginPolicy(services.config.CORS_ORIGINS);
  // The CSV downloads: credentials, the token limit and error masking exactly as for /graphql.
  const downloads = createExportHandler<Viewer>({
    routes: {
      '/export/orders.csv': { parameters: ORDER_EXPORT_PARAMETERS, open: (viewer, query) => openOrderExport(services, viewer, query) },
      '/export/audit.csv': { parameters: AUDIT_EXPORT_PARAMETERS, open: (viewer, query) => openAuditExport(services, viewer, query) },
    },
    authenticate: async (authorization) => {
      const who = await resolveViewer(services, authorization);
      await services.apiTokenLimit.admit(who.viewer);
      return who;
    },
    mask: (error, scene) => {
      const masked = maskError(error, services.log, {
        operation: `GET ${scene.route}`,
        actor: scene.viewer ? actorOf(scene.viewer) : undefined,
      });
      return { message: masked.message, extensions: masked.extensions };
    },
  });
  const server = createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const route = url.pathname;
    res.on('finish', () =>
      services.metrics.httpRequests.inc({ route: route.startsWith('/graphql') ? '/graphql' : route, status: String(res.statusCode) }),
    );
    try {
      if (origins.answer(req, res)) return;
      if (route === '/health') return json(res, 200, { status: 'ok' });
      if (route === '/ready') {
        // The database is required; Redis is not: without it orders go on and subscribers catch up
        // by cursor, so the instance stays in the proxy's rotation and says it is degraded.
        const within = <T>(work: Promise<T>) =>
          Promise.race([
            work,
            new Promise<never>((_, reject) => setTimeout(() => reject(new Error('no answer within 2 s')), 2_000).unref()),
          ]);
        const checks: Record<string, string> = {};
        const transport = services.pubsub.transport === 'redis' ? 'redis' : 'pubsub';
        await Promise.all([
          within(pingDatabase(services.orm)).then(
            () => (checks.database = 'ok'),
            (e: Error) => (checks.database = e.message),
          ),
          within(services.pubsub.ping()).then(
            () => (checks[transport] = services.pubsub.degraded() === null ? 'ok' : `degraded: ${services.pubsub.degraded()}`),
            (e: Error) => (checks[transport] = `degraded: ${e.message}`),
          ),
        ]);
        // What the engine itself last found: its writes wait (replication paused) while connections are lost.
        checks.replication = services.database.reachable ? 'running' : 'paused: database unreachable, retrying';
        const status = checks.database !== 'ok' ? 'not ready' : checks[transport] === 'ok' ? 'ready' : 'degraded';
        return json(res, status === 'not ready' ? 503 : 200, { status, checks });
      }
      if (route === '/metrics') {
        res.writeHead(200, { 'content-type': services.metrics.registry.contentType });
        return res.end(await services.metrics.registry.metrics());
      }
      if (downloads.handles(route)) return await downloads.serve(req, res, route);
      if (route === '/graphql') {
        // The size limit is checked on Content-Length, so a body of unannounced length (chunked)
        // would slip past it and be buffered whole; every GraphQL client sends the length.
        if (req.headers['transfer-encoding'] !== undefined) {
          return json(res, 411, {
            errors: [
              {
                message: `send the request body with a Content-Length header; the limit is ${MAX_BODY_BYTES} bytes`,
                extensions: { code: 'LENGTH_REQUIRED' },
              },
            ],
          });
        }
        const length = Number(req.headers['content-length'] ?? 0);
        if (length > MAX_BODY_BYTES) {
          return json(res, 413, {
            errors: [
              { message: `request body is ${length} bytes; the limit is ${MAX_BODY_BYTES}`, extensions: { code: 'PAYLOAD_TOO_LARGE' } },
            ],
          });
        }
        return yoga(req, res, { req, res, clientIp: req.socket.remoteAddress ?? 'unknown' });
      }
      if (serveStatic?.(req, res)) return;
      if (route === '/') {
        res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
        return res.end(landingPage);
      }
      json(res, 404, { error: 'not found' });
    } catch (error) {
      services.log.error({ err: error, route }, 'HTTP request failed');
      if (!res.headersSent) json(res, 500, { error: 'internal error' });
      else res.end();
    }
  });

  const wsServer = new WebSocketServer({
    server,
    path: '/graphql',
    verifyClient: ({ req }, accept) => {
      if (origins.mayOpenSocket(req)) return accept(true);
      accept(false, 403, 'pages on this origin may not open a socket to Tandem; list the origin in CORS_ORIGINS');
    },
  });
  // graphql-ws closes the socket with a thrown error's own message: answer with it masked, as HTTP does.
  const masked = (error: unknown) => ({ errors: [maskError(error, services.log)] });
  const wsHandle = useServer<Record<string, unknown>, { request: IncomingMessage }>(
    {
      execute: (args) =>
        Promise.resolve()
          .then(() => (args.rootValue as { execute: (a: unknown) => unknown }).execute(args))
          .catch(masked) as never,
      subscribe: (args) =>
        Promise.resolve()
          .then(() => (args.rootValue as { subscribe: (a: unknown) => unknown }).subscribe(args))
          .catch(masked) as never,
      onSubscribe: async (ctx, _id, params) => {
        const enveloped = yoga.getEnveloped({
          req: ctx.extra.request,
          connectionParams: ctx.connectionParams ?? {},
          clientIp: ctx.extra.request.socket.remoteAddress ?? 'unknown',
        });
        let document: DocumentNode;
        try {
          document = enveloped.parse(params.query);
        } catch (error) {
          if (error instanceof GraphQLError) return documentErrors([error], 'GRAPHQL_PARSE_FAILED');
          throw error;
        }
        const errors = enveloped.validate(enveloped.schema, document);
        if (errors.length > 0) return documentErrors(errors, 'GRAPHQL_VALIDATION_FAILED');
        let contextValue: unknown;
        try {
          contextValue = await enveloped.contextFactory();
        } catch (error) {
          return masked(error).errors;
        }
        return {
          schema: enveloped.schema,
          operationName: params.operationName,
          document,
          variableValues: params.variables,
          contextValue,
          rootValue: { execute: enveloped.execute, subscribe: enveloped.subscribe },
        };
      },
    },
    wsServer,
  );

  return {
    server,
    async close() {
      await wsHandle.dispose();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}
