// docker-compose.yml's proxy outside Docker: Debian's nginx binary running deploy/nginx.conf,
// the committed file itself with two lines changed, in front of Tandem processes on this machine.
import { spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { waitFor } from './harness.ts';

export const NGINX = '/usr/sbin/nginx';
const COMMITTED = new URL('../../deploy/nginx.conf', import.meta.url);

export interface NginxProxy {
  /** http://127.0.0.1:<port>, the proxy's one port. */
  base: string;
  /** Stops nginx (SIGTERM, SIGKILL 5 s later) and removes its folder. */
  stop(): Promise<void>;
}

/** Throws, saying how to install it, when Debian's nginx is not on this machine. */
export function requireNginx(): void {
  if (existsSync(NGINX)) return;
  throw new Error(
    `${NGINX} is missing: this test puts Debian's nginx in front of Tandem, as docker-compose.yml does. ` +
      'Install it with `apt-get install -y --no-install-recommends nginx` (.ci/run does so).',
  );
}

/** Replaces the one line `pattern` matches; a committed file that no longer has exactly one such line fails loudly. */
function replaceOnce(text: string, pattern: RegExp, replacement: string): string {
  const found = text.match(new RegExp(pattern.source, 'gm')) ?? [];
  if (found.length !== 1) throw new Error(`deploy/nginx.conf should have one line matching ${pattern}, has ${found.length}`);
  return text.replace(new RegExp(pattern.source, 'm'), replacement);
}

/**
 * deploy/nginx.conf with its replicas (`server tandem:4000;`) replaced by `upstreams` and its
 * `listen` by `listen` (host:port); nothing else changes.
 */
export function nginxSiteFor(upstreams: string[], listen: string): string {
  const committed = readFileSync(COMMITTED, 'utf8');
  const servers = upstreams.map((upstream) => `    server ${upstream};`).join('\n');
  return replaceOnce(replaceOnce(committed, /^\s*server tandem:4000;$/, servers), /^\s*listen 4000;$/, `    listen ${listen};`);
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/**
 * nginx in the foreground on a free port of 127.0.0.1, passing to `upstreams` (host:port), with
 * everything it writes (pid, logs, temporary bodies) in a folder of its own. The site is
 * included in the http block as the nginx image's nginx.conf includes conf.d/*.conf.
 */
export async function startNginxProxy(upstreams: string[]): Promise<NginxProxy> {
  requireNginx();
  const dir = mkdtempSync(path.join(tmpdir(), 'tandem-nginx-'));
  // Run as root, nginx's workers drop to `nobody` and must still reach the temporary folders.
  chmodSync(dir, 0o755);
  const port = await freePort();
  writeFileSync(path.join(dir, 'tandem.conf'), nginxSiteFor(upstreams, `127.0.0.1:${port}`));
  const temp = ['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi'].map((kind) => `    ${kind}_temp_path ${dir}/${kind};`);
  writeFileSync(
    path.join(dir, 'nginx.conf'),
    [
      'worker_processes 1;',
      'events { worker_connections 256; }',
      'http {',
      `    access_log ${dir}/access.log;`,
      ...temp,
      `    include ${dir}/tandem.conf;`,
      '}',
      '',
    ].join('\n'),
  );
  const errorLogPath = path.join(dir, 'error.log');
  const errorLog = () => (existsSync(errorLogPath) ? readFileSync(errorLogPath, 'utf8') : '');
  const child: ChildProcess = spawn(
    NGINX,
    ['-p', `${dir}/`, '-e', errorLogPath, '-c', path.join(dir, 'nginx.conf'), '-g', `daemon off; pid ${dir}/nginx.pid;`],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
  let running = true;
  void exited.then(() => (running = false));
  const base = `http://127.0.0.1:${port}`;
  const stop = async () => {
    if (running) child.kill('SIGTERM');
    const kill = setTimeout(() => child.kill('SIGKILL'), 5_000);
    await exited;
    clearTimeout(kill);
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    await waitFor(
      async () => {
        if (!running) throw new Error(`nginx exited at start:\n${stderr}\n${errorLog()}`);
        return fetch(`${base}/health`).then(
          (response) => response.ok,
          () => false,
        );
      },
      15_000,
      'nginx to pass /health to a replica',
    );
  } catch (error) {
    await stop();
    throw error;
  }
  return { base, stop };
}
