import type { AddressInfo } from 'node:net';
import { createHttpServer } from '../../server/src/http-server.ts';
import type { TestServer } from './harness.ts';

/** A Tandem's HTTP front on a real port: what a browser or another program reaches. */
export interface Listening {
  /** http://127.0.0.1:<port> */
  base: string;
  /** `${base}/graphql` */
  graphql: string;
  close(): Promise<void>;
}

/** Serves `server` over HTTP (GraphQL with SSE and graphql-ws, /health, ...) on a free port. */
export async function listen(
  server: TestServer,
  options: {
    /** Built from these services instead of the server's own (another configuration). */
    services?: Parameters<typeof createHttpServer>[0];
    /** What answers `/` (the dashboard); the landing page when absent. */
    serveStatic?: Parameters<typeof createHttpServer>[2];
    /** On every interface, as a deployment listens: IPv4 clients then arrive as ::ffff:127.0.0.1. Else on 127.0.0.1 only. */
    everyInterface?: boolean;
  } = {},
): Promise<Listening> {
  const http = createHttpServer(options.services ?? server.tandem.services, server.yoga, options.serveStatic);
  await new Promise<void>((resolve) =>
    options.everyInterface ? http.server.listen(0, resolve) : http.server.listen(0, '127.0.0.1', resolve),
  );
  const base = `http://127.0.0.1:${(http.server.address() as AddressInfo).port}`;
  return { base, graphql: `${base}/graphql`, close: () => http.close() };
}
