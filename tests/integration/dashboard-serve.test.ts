// The dashboard as a browser gets it: the server builds client/ when needed and serves
// client/dist at `/`, hashed assets cacheable for a year, nothing outside dist ever.
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureDashboardBuilt, staleReason } from '../../server/src/dashboard/build.ts';
import { CLIENT_DIR, DASHBOARD_DIST } from '../../server/src/dashboard/paths.ts';
import { createDashboardHandler } from '../../server/src/dashboard/serve.ts';
import { startTestServer, type TestServer } from '../support/harness.ts';
import { listen, type Listening } from '../support/listening.ts';

interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** A request with the path sent exactly as written (fetch would normalise `..` away). */
function raw(base: string, path: string, headers: Record<string, string> = {}, method = 'GET'): Promise<RawResponse> {
  const url = new URL(base);
  return new Promise((resolve, reject) => {
    const req = request({ host: url.hostname, port: url.port, path, method, headers }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('the server serves the built dashboard at /', () => {
  let server: TestServer;
  let http: Listening;
  let base: string;

  beforeAll(async () => {
    const build = await ensureDashboardBuilt();
    expect(build.status, build.status === 'failed' ? build.error : '').not.toBe('failed');
    server = await startTestServer();
    http = await listen(server, { serveStatic: createDashboardHandler(DASHBOARD_DIST) });
    base = http.base;
  }, 120_000);
  afterAll(async () => {
    await http?.close();
    await server?.close();
  });

  it('answers / with the built index.html, revalidated on every visit', async () => {
    const page = await raw(base, '/');
    expect(page.status).toBe(200);
    expect(page.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(page.headers['cache-control']).toBe('no-cache');
    expect(page.body).toContain('<div id="root"></div>');
    expect(page.body).toBe(readFileSync(join(DASHBOARD_DIST, 'index.html'), 'utf8'));
  });

  it('serves the script and stylesheet index.html names, cacheable for a year', async () => {
    const page = await raw(base, '/');
    const script = /src="(\/assets\/[^"]+\.js)"/.exec(page.body)?.[1];
    const stylesheet = /href="(\/assets\/[^"]+\.css)"/.exec(page.body)?.[1];
    expect(script).toBeDefined();
    expect(stylesheet).toBeDefined();

    const js = await raw(base, script!);
    expect(js.status).toBe(200);
    expect(js.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect(js.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(Number(js.headers['content-length'])).toBe(Buffer.byteLength(js.body));
    expect(js.body).toBe(readFileSync(join(DASHBOARD_DIST, script!), 'utf8'));

    const css = await raw(base, stylesheet!);
    expect(css.status).toBe(200);
    expect(css.headers['content-type']).toBe('text/css; charset=utf-8');

    const again = await raw(base, script!, { 'if-none-match': String(js.headers.etag) });
    expect(again.status).toBe(304);
    expect(again.body).toBe('');
  });

  it('never serves a file outside client/dist, however the path is spelled', async () => {
    for (const path of [
      '/../package.json',
      '/assets/../../package.json',
      '/%2e%2e/package.json',
      '/assets/%2e%2e%2f%2e%2e%2fpackage.json',
      '/..%5c..%5cpackage.json',
      '/%00index.html',
    ]) {
      const response = await raw(base, path);
      expect(response.status, path).toBe(404);
      expect(response.body, path).not.toContain('"name": "tandem"');
    }
    expect((await raw(base, '/assets/no-such-file.js')).status).toBe(404);
  });

  it('keeps the API beside it', async () => {
    expect((await raw(base, '/health')).status).toBe(200);
    const response = await fetch(`${base}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: '{ __typename }' }),
    });
    expect(await response.json()).toEqual({ data: { __typename: 'Query' } });
  });

  it('shows the landing page at / while there is no build', async () => {
    const empty = mkdtempSync('/tmp/tandem-no-dashboard-');
    const bare = await listen(server, { serveStatic: createDashboardHandler(empty) });
    try {
      const page = await raw(bare.base, '/');
      expect(page.status).toBe(200);
      expect(page.body).toContain('The copy-trading engine is running');
    } finally {
      await bare.close();
      rmSync(empty, { recursive: true, force: true });
    }
  });
});

describe('when the dashboard needs building', () => {
  const clientDir = mkdtempSync('/tmp/tandem-client-');
  afterAll(() => rmSync(clientDir, { recursive: true, force: true }));

  it('builds when dist is missing or older than any source, and not otherwise', () => {
    const at = (path: string, secondsAgo: number) =>
      utimesSync(path, new Date(Date.now() - secondsAgo * 1000), new Date(Date.now() - secondsAgo * 1000));
    mkdirSync(join(clientDir, 'src', 'pages'), { recursive: true });
    writeFileSync(join(clientDir, 'src', 'pages', 'Overview.tsx'), 'export {};');
    at(join(clientDir, 'src', 'pages', 'Overview.tsx'), 120);
    expect(staleReason(clientDir)).toBe('client/dist is missing');

    mkdirSync(join(clientDir, 'dist', 'assets'), { recursive: true });
    writeFileSync(join(clientDir, 'dist', 'index.html'), '<!doctype html>');
    at(join(clientDir, 'dist', 'index.html'), 60);
    expect(staleReason(clientDir)).toBeUndefined();

    // Files inside dist never count as sources.
    writeFileSync(join(clientDir, 'dist', 'assets', 'index-abc.js'), '');
    expect(staleReason(clientDir)).toBeUndefined();

    writeFileSync(join(clientDir, 'src', 'pages', 'Overview.tsx'), 'export const changed = 1;');
    expect(staleReason(clientDir)).toBe('client/ sources changed since the last build');
  });
});

describe('ensureDashboardBuilt with sources that do not compile', () => {
  // Inside the repository, so the config's imports (vite, vite-plugin-solid) resolve.
  const clientDir = join(CLIENT_DIR, '..', 'test-output', `dashboard-broken-${process.pid}`);
  afterAll(() => rmSync(clientDir, { recursive: true, force: true }));

  it('reports the failure with the reason, never throws, and keeps the previous build', async () => {
    mkdirSync(join(clientDir, 'src'), { recursive: true });
    mkdirSync(join(clientDir, 'dist'), { recursive: true });
    copyFileSync(join(CLIENT_DIR, 'vite.config.ts'), join(clientDir, 'vite.config.ts'));
    writeFileSync(join(clientDir, 'index.html'), '<!doctype html><div id="root"></div><script type="module" src="/src/main.tsx"></script>');
    writeFileSync(join(clientDir, 'src', 'main.tsx'), 'export const broken = <div>;\n');
    writeFileSync(join(clientDir, 'dist', 'index.html'), 'previous build');
    const past = new Date(Date.now() - 60_000);
    utimesSync(join(clientDir, 'dist', 'index.html'), past, past);
    expect(staleReason(clientDir)).toBe('client/ sources changed since the last build');

    const logged: string[] = [];
    const log = { info: (_: object, message: string) => logged.push(message), error: (_: object, message: string) => logged.push(message) };
    const result = await ensureDashboardBuilt({ clientDir, log });

    expect(result.status).toBe('failed');
    expect(result.status === 'failed' && result.error).toMatch(/main\.tsx/);
    expect(logged).toEqual(['building the dashboard', 'the dashboard could not be built; the API runs on and / shows the landing page']);
    expect(readFileSync(join(clientDir, 'dist', 'index.html'), 'utf8')).toBe('previous build');
  }, 60_000);
});
