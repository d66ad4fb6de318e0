// Files people download (CSV), streamed: each is read from the database a page at a time and
// written as the client takes it (a page waits while the socket's buffer is full), so a file
// of any length costs the server one page of memory. The caller is whoever the Authorization
// header says, exactly as for /graphql, and refusals carry the same JSON errors.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { CSV_CONTENT_TYPE, csvRecord, type CsvCell } from './csv.ts';

/** Rows an export reads from the database at a time: memory for one page, a round trip per thousand rows. */
export const EXPORT_PAGE_ROWS = 1000;

/** A CSV file: its name, its heading row and its rows, a page at a time. */
export interface CsvExport {
  filename: string;
  header: readonly string[];
  /** Pages of rows, each read when the file is ready for it. */
  pages: AsyncIterable<readonly (readonly CsvCell[])[]>;
}

export interface ExportRoute<Viewer> {
  /** The query parameters the export takes; any other is refused. */
  parameters: readonly string[];
  /** Checks the viewer's rights and the parameters (throwing the project's typed errors) and opens the file. */
  open(viewer: Viewer, query: URLSearchParams): Promise<CsvExport>;
}

/** An error as a client may see it: GraphQL's shape, from the same mask /graphql uses. */
export interface ClientError {
  message: string;
  extensions: Record<string, unknown>;
}

export interface ExportDeps<Viewer> {
  /** By path: '/export/orders.csv'. */
  routes: Record<string, ExportRoute<Viewer>>;
  /** Who the Authorization header names; null with why when it names no one. May throw (RATE_LIMITED). */
  authenticate(authorization: string | undefined): Promise<{ viewer: Viewer | null; problem: string | null }>;
  /** The client's view of any error: typed ones keep their code; anything else is logged with an id and says only that. */
  mask(error: unknown, scene: { route: string; viewer: Viewer | null }): ClientError;
}

export interface ExportHandler {
  handles(path: string): boolean;
  serve(req: IncomingMessage, res: ServerResponse, path: string): Promise<void>;
}

const STATUS_BY_CODE: Record<string, number> = {
  BAD_USER_INPUT: 400,
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  RATE_LIMITED: 429,
  DATABASE_UNAVAILABLE: 503,
};

/** Parameter names that would carry a credential: refused by name, so nobody relies on a token in a URL. */
const CREDENTIAL_PARAMETER = /^(access[_-]?token|token|auth|authorization|bearer|jwt|api[_-]?key|session|key)$/i;

function sendErrors(res: ServerResponse, status: number, errors: ClientError[], headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store', ...headers });
  res.end(JSON.stringify({ errors }));
}

function refuse(res: ServerResponse, error: ClientError): void {
  const code = String(error.extensions.code ?? 'INTERNAL_SERVER_ERROR');
  const retryAfter = error.extensions.retryAfterSeconds;
  sendErrors(res, STATUS_BY_CODE[code] ?? 500, [error], typeof retryAfter === 'number' ? { 'retry-after': String(retryAfter) } : {});
}

const badParameter = (field: string, message: string): ClientError => ({ message, extensions: { code: 'BAD_USER_INPUT', field } });

/** Why the query string is refused, or null: credentials, unknown and repeated parameters. */
function parameterProblem(query: URLSearchParams, allowed: readonly string[]): ClientError | null {
  for (const name of new Set(query.keys())) {
    if (CREDENTIAL_PARAMETER.test(name))
      return badParameter(
        name,
        'a credential is never read from the URL (URLs end up in logs and browser history): send it as Authorization: Bearer <token>',
      );
    if (!allowed.includes(name))
      return badParameter(name, `unknown parameter ${name}; this export takes ${allowed.length ? allowed.join(', ') : 'none'}`);
    if (query.getAll(name).length > 1) return badParameter(name, `${name} is given more than once`);
  }
  return null;
}

/** Until the socket can take more, or the client has gone. */
function drained(res: ServerResponse): Promise<void> {
  return new Promise((resolve) => {
    // Gone already: its 'close' may have been emitted before anyone listened.
    if (res.destroyed) {
      resolve();
      return;
    }
    const done = () => {
      res.off('drain', done);
      res.off('close', done);
      resolve();
    };
    res.on('drain', done);
    res.on('close', done);
  });
}

const rowsText = (rows: readonly (readonly CsvCell[])[]) => rows.map(csvRecord).join('');

/**
 * Writes the file. The first page is read before the status goes out, so a failure to read
 * at all is still a clean error answer; a failure later cuts the connection (the download then
 * fails visibly rather than ending as a complete-looking, short file).
 */
async function stream(res: ServerResponse, file: CsvExport, onLateError: (error: unknown) => void): Promise<void> {
  const pages = file.pages[Symbol.asyncIterator]();
  let page = await pages.next();
  // A page on a listed origin (CORS) may read the file's name too.
  if (res.hasHeader('access-control-allow-origin')) res.setHeader('access-control-expose-headers', 'Retry-After, Content-Disposition');
  res.writeHead(200, {
    'content-type': CSV_CONTENT_TYPE,
    'content-disposition': `attachment; filename="${file.filename}"`,
    'cache-control': 'no-store',
    'x-content-type-options': 'nosniff',
  });
  try {
    let text = csvRecord(file.header);
    while (!page.done) {
      // The client went away: stop reading the database for nobody.
      if (res.destroyed) {
        await pages.return?.();
        return;
      }
      text += rowsText(page.value);
      if (!res.write(text)) await drained(res);
      text = '';
      page = await pages.next();
    }
    if (!res.destroyed) res.end(text);
  } catch (error) {
    onLateError(error);
    res.destroy();
  }
}

/** GET /export/<file> for each route: CORS has been answered already (http-server applies the origin policy first). */
export function createExportHandler<Viewer>(deps: ExportDeps<Viewer>): ExportHandler {
  return {
    handles: (path) => Object.hasOwn(deps.routes, path),
    async serve(req, res, path) {
      const route = deps.routes[path]!;
      if (req.method !== 'GET') {
        return sendErrors(res, 405, [{ message: `${path} answers GET only`, extensions: { code: 'BAD_REQUEST' } }], { allow: 'GET' });
      }
      const query = new URL(req.url ?? '/', 'http://localhost').searchParams;
      const problem = parameterProblem(query, route.parameters);
      if (problem) return refuse(res, problem);
      let viewer: Viewer | null = null;
      try {
        const who = await deps.authenticate(req.headers.authorization);
        viewer = who.viewer;
        if (viewer === null) {
          return refuse(res, {
            message: who.problem ?? 'sign in first: send Authorization: Bearer <session or API token>',
            extensions: { code: 'UNAUTHENTICATED' },
          });
        }
        const file = await route.open(viewer, query);
        const scene = { route: path, viewer };
        await stream(res, file, (error) => deps.mask(error, scene));
      } catch (error) {
        const masked = deps.mask(error, { route: path, viewer });
        if (!res.headersSent) refuse(res, masked);
        else res.destroy();
      }
    },
  };
}
