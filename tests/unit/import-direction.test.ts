// One direction of flow: every folder (and root file) of server/src has a rank, and a module
// imports only modules of a lower rank, or of its own folder. No circles between files,
// type-only imports included. There are no exceptions to list: when two places need each
// other, something lives in the wrong one (move it, or pass it in from above).
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const ROOT = path.resolve(import.meta.dirname, '../../server/src');

/** Top to bottom. A folder or root file not listed here fails the test. */
const RANKS: string[][] = [
  ['main.ts'],
  ['serve.ts'],
  ['bootstrap.ts'],
  ['demo-seed.ts'],
  ['http-server.ts'],
  ['app.ts'],
  ['dashboard'],
  ['engine.ts'],
  ['graphql'],
  ['services'],
  ['auth'],
  ['replicator'],
  ['alerts'],
  ['brokers'],
  ['rate-limit'],
  ['events'],
  ['secrets'],
  ['instruments'],
  ['persistence'],
  ['concurrency'],
  ['metrics.ts'],
  ['redis-client.ts'],
  ['config.ts'],
  ['http'],
  ['core'],
];

function rankOf(unit: string): number {
  const index = RANKS.findIndex((row) => row.includes(unit));
  if (index < 0) throw new Error(`${unit} has no rank: add it to RANKS in this test`);
  return index;
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) return sourceFiles(full);
    return /\.tsx?$/.test(name) ? [full] : [];
  });
}

/** The folder (or root file) a module of server/src belongs to. */
const unitOf = (file: string) => path.relative(ROOT, file).split(path.sep)[0]!;

/** Every relative import and re-export of a file, type-only ones included, as absolute paths. */
function importsOf(file: string): string[] {
  const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, false);
  const targets: string[] = [];
  const visit = (node: ts.Node) => {
    if (
      (ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) &&
      node.moduleSpecifier &&
      ts.isStringLiteral(node.moduleSpecifier)
    ) {
      const spec = node.moduleSpecifier.text;
      if (spec.startsWith('.')) targets.push(path.resolve(path.dirname(file), spec));
    }
    if (
      ts.isCallExpression(node) &&
      node.expression.kind === ts.SyntaxKind.ImportKeyword &&
      node.arguments[0] &&
      ts.isStringLiteral(node.arguments[0])
    ) {
      const spec = node.arguments[0].text;
      if (spec.startsWith('.')) targets.push(path.resolve(path.dirname(file), spec));
    }
    if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument) && ts.isStringLiteral(node.argument.literal)) {
      const spec = node.argument.literal.text;
      if (spec.startsWith('.')) targets.push(path.resolve(path.dirname(file), spec));
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return targets.filter((target) => target.startsWith(ROOT + path.sep) && /\.tsx?$/.test(target));
}

const files = sourceFiles(ROOT);
const graph = new Map(files.map((file) => [file, importsOf(file)]));

/** Strongly connected components with more than one file (or a file importing itself): the circles. */
function circles(): string[][] {
  let next = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  const connect = (file: string) => {
    index.set(file, next);
    low.set(file, next++);
    stack.push(file);
    onStack.add(file);
    for (const target of graph.get(file) ?? []) {
      if (!graph.has(target)) continue;
      if (!index.has(target)) {
        connect(target);
        low.set(file, Math.min(low.get(file)!, low.get(target)!));
      } else if (onStack.has(target)) {
        low.set(file, Math.min(low.get(file)!, index.get(target)!));
      }
    }
    if (low.get(file) === index.get(file)) {
      const component: string[] = [];
      let member: string;
      do {
        member = stack.pop()!;
        onStack.delete(member);
        component.push(path.relative(ROOT, member));
      } while (member !== file);
      if (component.length > 1 || (graph.get(file) ?? []).includes(file)) found.push(component.sort());
    }
  };
  for (const file of files) if (!index.has(file)) connect(file);
  return found;
}

describe('imports run one way, top to bottom', () => {
  it('reads the modules it is meant to check', () => {
    expect(files.length).toBeGreaterThan(100);
    expect([...graph.values()].flat().length).toBeGreaterThan(200);
  });

  it('gives every folder and root file of server/src a rank', () => {
    const units = [...new Set(files.map(unitOf))];
    expect(units.filter((unit) => !RANKS.some((row) => row.includes(unit)))).toEqual([]);
  });

  it('has no import from a lower folder to a higher one', () => {
    const upward: string[] = [];
    for (const [file, targets] of graph) {
      for (const target of targets) {
        const [from, to] = [unitOf(file), unitOf(target)];
        if (from !== to && rankOf(to) < rankOf(from)) upward.push(`${path.relative(ROOT, file)} -> ${path.relative(ROOT, target)}`);
      }
    }
    expect(upward).toEqual([]);
  });

  it('has no circle of files', () => {
    expect(circles().map((component) => component.join(' <-> '))).toEqual([]);
  });
});

describe('SQL lives in persistence/', () => {
  const DB_MODULE = path.join(ROOT, 'persistence', 'db.ts');
  const outside = files.filter((file) => unitOf(file) !== 'persistence');

  /** The names a file imports from persistence/db.ts. */
  const namesFromDb = (file: string): string[] => {
    const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, false);
    return source.statements.flatMap((statement) => {
      if (!ts.isImportDeclaration(statement) || !ts.isStringLiteral(statement.moduleSpecifier)) return [];
      if (path.resolve(path.dirname(file), statement.moduleSpecifier.text) !== DB_MODULE) return [];
      const bindings = statement.importClause?.namedBindings;
      return bindings && ts.isNamedImports(bindings) ? bindings.elements.map((element) => (element.propertyName ?? element.name).text) : [];
    });
  };

  it('no module outside persistence/ runs raw SQL', () => {
    const raw = outside.filter(
      (file) => namesFromDb(file).includes('execute') || /\.getConnection\(|\.getKnex\(|\bem\.execute\(/.test(readFileSync(file, 'utf8')),
    );
    expect(raw.map((file) => path.relative(ROOT, file))).toEqual([]);
  });

  it('finds raw SQL where it is (the check can see it)', () => {
    const inside = files.filter((file) => unitOf(file) === 'persistence');
    expect(inside.filter((file) => namesFromDb(file).includes('execute')).length).toBeGreaterThan(3);
  });
});
