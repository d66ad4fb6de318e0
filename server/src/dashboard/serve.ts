import { createReadStream, statSync, type Stats } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { extname, join, relative, resolve, sep } from 'node:path';

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.ico': 'image/x-icon',
  '.webp': 'image/webp',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
};

// Vite names everything under assets/ by content hash: a changed file gets a new name, so
// browsers may keep these forever. index.html must be revalidated to pick up new names.
const IMMUTABLE = 'public, max-age=31536000, immutable';
const REVALIDATE = 'no-cache';

function fileAt(path: string): Stats | undefined {
  try {
    const stats = statSync(path);
    return stats.isFile() ? stats : undefined;
  } catch {
    return undefined;
  }
}

/** The file a URL path names inside `root`, or undefined when it is malformed or points outside it. */
export function resolveInside(root: string, urlPath: string): string | undefined {
  let decoded: string;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    return undefined;
  }
  if (decoded.includes('\0')) return undefined;
  const target = join(root, decoded);
  if (!target.startsWith(root + sep)) return undefined;
  return target;
}

/**
 * Serves the built dashboard from `distDir`: `/` is index.html, hashed assets are cached for
 * a year, nothing outside `distDir` is ever read. Answers only GET and HEAD for files that
 * exist and returns false otherwise, so the server falls through to its own routes (and to
 * the landing page at `/` while no build exists).
 */
export function createDashboardHandler(distDir: string): (req: IncomingMessage, res: ServerResponse) => boolean {
  const root = resolve(distDir);
  return (req, res) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') return false;
    const pathname = new URL(req.url ?? '/', 'http://localhost').pathname;
    const wanted = pathname === '/' ? '/index.html' : pathname;
    const file = resolveInside(root, wanted);
    const stats = file ? fileAt(file) : undefined;
    if (!file || !stats) return false;

    const etag = `"${stats.size.toString(16)}-${Math.floor(stats.mtimeMs).toString(16)}"`;
    const hashed = relative(root, file).split(sep)[0] === 'assets';
    const headers = {
      'content-type': CONTENT_TYPES[extname(file).toLowerCase()] ?? 'application/octet-stream',
      'cache-control': hashed ? IMMUTABLE : REVALIDATE,
      'x-content-type-options': 'nosniff',
      etag,
    };
    if (req.headers['if-none-match'] === etag) {
      res.writeHead(304, headers);
      res.end();
      return true;
    }
    res.writeHead(200, { ...headers, 'content-length': String(stats.size) });
    if (req.method === 'HEAD') {
      res.end();
      return true;
    }
    createReadStream(file)
      .on('error', (error) => res.destroy(error))
      .pipe(res);
    return true;
  };
}
