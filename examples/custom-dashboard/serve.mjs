// A static file server for this folder with no dependencies: `node serve.mjs` (PORT=8080 by
// default; PORT=0 picks a free one, HOST=127.0.0.1 by default). It prints the origin to list
// in Tandem's CORS_ORIGINS.
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { createServer } from 'node:http';
import { extname, join, normalize, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('.', import.meta.url));
const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.md': 'text/markdown; charset=utf-8',
};

/** The file a request path names, if it is under this folder (and not this server itself). */
async function fileFor(url) {
  let path;
  try {
    path = decodeURIComponent(new URL(url ?? '/', 'http://localhost').pathname);
  } catch {
    return null;
  }
  const file = normalize(join(ROOT, path.endsWith('/') ? `${path}index.html` : path));
  if (!file.startsWith(ROOT) || file.endsWith(`${sep}serve.mjs`)) return null;
  return (await stat(file).catch(() => null))?.isFile() ? file : null;
}

const server = createServer(async (req, res) => {
  const file = await fileFor(req.url);
  const found = file !== null;
  const reads = req.method === 'GET' || req.method === 'HEAD';
  if (!reads || !found) {
    res.writeHead(reads ? 404 : 405, { 'content-type': 'text/plain', ...(reads ? {} : { allow: 'GET, HEAD' }) });
    res.end(reads ? 'not found\n' : 'method not allowed\n');
    return;
  }
  res.writeHead(200, {
    'content-type': TYPES[extname(file)] ?? 'application/octet-stream',
    'cache-control': 'no-cache',
    // The page talks only to the Tandem URL typed into it, and never hands the token to anyone else.
    'content-security-policy': "default-src 'self'; connect-src *; style-src 'self'; img-src 'self' data:",
    'referrer-policy': 'no-referrer',
  });
  if (req.method === 'HEAD') res.end();
  else createReadStream(file).pipe(res);
});

const port = Number(process.env.PORT ?? 8080);
const host = process.env.HOST ?? '127.0.0.1';
server.listen(port, host, () => {
  const address = server.address();
  console.log(`Serving ${ROOT} at http://${host}:${address.port}/`);
  console.log(`List http://${host}:${address.port} in Tandem's CORS_ORIGINS.`);
});
