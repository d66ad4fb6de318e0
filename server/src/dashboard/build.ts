import { existsSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { CLIENT_DIR } from './paths.ts';

/** What ensureDashboardBuilt did: the build was current, was (re)built, or could not be built. */
export type DashboardBuildResult =
  | { status: 'fresh'; distDir: string }
  | { status: 'built'; distDir: string; ms: number; reason: string }
  | { status: 'failed'; distDir: string; reason: string; error: string };

interface BuildLog {
  info(details: object, message: string): void;
  error(details: object, message: string): void;
}

const SKIPPED_DIRS = new Set(['dist', 'node_modules']);
let buildCount = 0;

/** The newest modification time among the client's sources (everything in client/ but its builds). */
export function newestSourceMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.isDirectory() && (SKIPPED_DIRS.has(entry.name) || entry.name.startsWith('dist.'))) continue;
    const path = join(dir, entry.name);
    const mtime = entry.isDirectory() ? newestSourceMtime(path) : statSync(path).mtimeMs;
    if (mtime > newest) newest = mtime;
  }
  return newest;
}

/** Why the dashboard needs building, or undefined when client/dist is newer than every source. */
export function staleReason(clientDir: string): string | undefined {
  const index = join(clientDir, 'dist', 'index.html');
  if (!existsSync(index)) return 'client/dist is missing';
  return newestSourceMtime(clientDir) > statSync(index).mtimeMs ? 'client/ sources changed since the last build' : undefined;
}

/**
 * Replaces dist with the fresh build. Processes started together (replicas, test files) may
 * each build: when another one's swap is under way or has landed, a complete build in dist is
 * as good as this one and is kept; only if none appears does this one retry its own swap.
 */
async function swapIn(scratch: string, distDir: string): Promise<void> {
  for (let attempt = 0; ; attempt += 1) {
    rmSync(distDir, { recursive: true, force: true });
    try {
      renameSync(scratch, distDir);
      return;
    } catch (error) {
      await sleep(50);
      if (existsSync(join(distDir, 'index.html'))) {
        rmSync(scratch, { recursive: true, force: true });
        return;
      }
      if (attempt >= 20) throw error;
    }
  }
}

/**
 * Builds the dashboard with Vite (client/vite.config.ts) when client/dist is missing or older
 * than any client source. It builds into a scratch folder and swaps it in at the end, so a
 * failed build leaves the previous one (or none) in place and a running server never serves
 * half a build. Never throws: a failure is logged with Vite's words and reported.
 */
export async function ensureDashboardBuilt(
  options: { log?: BuildLog; clientDir?: string; force?: boolean } = {},
): Promise<DashboardBuildResult> {
  const clientDir = options.clientDir ?? CLIENT_DIR;
  const distDir = join(clientDir, 'dist');
  const reason = options.force ? 'a rebuild was asked for' : staleReason(clientDir);
  if (!reason) return { status: 'fresh', distDir };

  const scratch = join(clientDir, `dist.building-${process.pid}-${++buildCount}`);
  const started = performance.now();
  options.log?.info({ reason }, 'building the dashboard');
  try {
    const { build } = await import('vite');
    await build({ configFile: join(clientDir, 'vite.config.ts'), logLevel: 'warn', build: { outDir: scratch, emptyOutDir: true } });
    await swapIn(scratch, distDir);
    const ms = Math.round(performance.now() - started);
    options.log?.info({ ms, distDir }, 'dashboard built');
    return { status: 'built', distDir, ms, reason };
  } catch (error) {
    rmSync(scratch, { recursive: true, force: true });
    const message = error instanceof Error ? error.message : String(error);
    options.log?.error({ err: error, reason }, 'the dashboard could not be built; the API runs on and / shows the landing page');
    return { status: 'failed', distDir, reason, error: message };
  }
}
