// The dashboard's folders import downward only: the GraphQL plumbing and navigation know no
// UI, the shared UI knows no feature, a feature never reaches back into the app shell, and no
// two folders need each other. The modules the unit tests drive stay free of any UI framework.
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, normalize } from 'node:path';
import { describe, expect, it } from 'vitest';

const SRC = 'client/src';
const RANK: Record<string, number> = { graphql: 0, navigation: 0, ui: 1, features: 2 };
const FRAMEWORK_FREE = [
  'features/accounts/account-status.ts',
  'features/auth/account-rights.ts',
  'features/latency/latency.ts',
  'features/multipliers/sizing.ts',
  'features/orders/blotter/blotter.ts',
  'features/orders/blotter/resumable-stream.ts',
  'features/orders/no-orders-hint.ts',
  'features/orders/ticket-rules.ts',
  'features/overview/copy-counts.ts',
  'features/overview/grouping.ts',
  'features/tokens/curl-example.ts',
  'navigation/routes.ts',
  'ui/format.ts',
  'ui/text-input.ts',
];

const files = readdirSync(SRC, { recursive: true, encoding: 'utf8' }).filter((f) => /\.tsx?$/.test(f) && !f.endsWith('.d.ts'));
const IMPORT = /^(?:import|export)\b[^;]*?\bfrom\s+['"]([^'"]+)['"]|^import\s+['"]([^'"]+)['"]/gm;
const importsOf = (file: string) => [...readFileSync(join(SRC, file), 'utf8').matchAll(IMPORT)].map((m) => (m[1] ?? m[2])!);
const localImports = (file: string) =>
  importsOf(file)
    .filter((s) => s.startsWith('.'))
    .map((s) => normalize(join(dirname(file), s)));
const rank = (file: string) => RANK[file.split('/')[0]!] ?? 3;

describe("the dashboard's folders", () => {
  it('import only from their own layer or one below it', () => {
    const upward = files.flatMap((file) =>
      localImports(file)
        .filter((target) => rank(target) > rank(file))
        .map((target) => `${file} -> ${target}`),
    );
    expect(upward).toEqual([]);
  });

  it('never need each other', () => {
    const edges = new Map<string, Set<string>>();
    for (const file of files) {
      for (const target of localImports(file)) {
        if (dirname(target) !== dirname(file)) edges.set(dirname(file), (edges.get(dirname(file)) ?? new Set()).add(dirname(target)));
      }
    }
    const reaches = (from: string, to: string, seen = new Set<string>()): boolean =>
      [...(edges.get(from) ?? [])].some((next) => {
        if (next === to) return true;
        if (seen.has(next)) return false;
        seen.add(next);
        return reaches(next, to, seen);
      });
    const cycles = [...edges].flatMap(([from, targets]) => [...targets].filter((to) => reaches(to, from)).map((to) => `${from} <-> ${to}`));
    expect(cycles).toEqual([]);
  });

  it('keep the unit-tested rules free of Solid, urql and the DOM', () => {
    for (const file of FRAMEWORK_FREE) expect(files).toContain(file);
    // They may lean on each other, nothing else.
    const coupled = FRAMEWORK_FREE.flatMap((file) =>
      importsOf(file)
        .filter((s) => !s.startsWith('.') || !FRAMEWORK_FREE.includes(normalize(join(dirname(file), s))))
        .map((s) => `${file} -> ${s}`),
    );
    expect(coupled).toEqual([]);
  });
});
