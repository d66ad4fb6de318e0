import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { buildSchema, type GraphQLError, Kind, parse, validate } from 'graphql';
import { describe, expect, it } from 'vitest';

// The examples' GraphQL documents checked against the committed schema, so a schema change that
// would break a third party's client (a field renamed, an argument's type changed) fails here.
// A document module is any `documents.js` or `*-documents.mjs` under examples/: its every export
// is a document as the example sends it.
const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const EXAMPLES = join(ROOT, 'examples');
const schema = buildSchema(readFileSync(join(ROOT, 'schema.graphql'), 'utf8'));

function documentModules(folder: string): string[] {
  return readdirSync(folder, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && /(^|-)documents\.m?js$/.test(entry.name))
    .map((entry) => relative(ROOT, join(entry.parentPath, entry.name)))
    .sort();
}

const modules = documentModules(EXAMPLES);
const documents = (
  await Promise.all(
    modules.map(async (module) => {
      const exported: Record<string, unknown> = await import(pathToFileURL(join(ROOT, module)).href);
      return Object.entries(exported).map(([name, text]) => ({ label: `${module} ${name}`, text }));
    }),
  )
).flat();

describe("the examples' GraphQL documents", () => {
  it('come from the document modules of both examples', () => {
    expect(modules).toEqual(['examples/custom-dashboard/documents.js', 'examples/stream-orders-documents.mjs']);
    expect(documents.length).toBeGreaterThanOrEqual(6);
  });

  for (const { label, text } of documents) {
    it(`${label} is one operation the schema answers`, () => {
      expect(typeof text).toBe('string');
      const document = parse(text as string);
      // Sent without an operationName, so each document must hold exactly one operation.
      expect(document.definitions.filter((definition) => definition.kind === Kind.OPERATION_DEFINITION)).toHaveLength(1);
      const errors: readonly GraphQLError[] = validate(schema, document);
      expect(errors.map((error) => error.message)).toEqual([]);
    });
  }
});
