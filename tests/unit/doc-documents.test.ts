import { readFileSync } from 'node:fs';
import { buildSchema, parse, validate } from 'graphql';
import { describe, expect, it } from 'vitest';

// The GraphQL a reader copies from README.md and docs/api.md must run against the schema they
// describe: `graphql` blocks whole, and in `js` and `sh` blocks the documents inside strings
// and in curl's `query=` URLs. A schema change that breaks a documented call fails here.
const schema = buildSchema(readFileSync('schema.graphql', 'utf8'));

interface Found {
  file: string;
  line: number;
  document: string;
}

function fences(file: string): { lang: string; body: string; line: number }[] {
  const text = readFileSync(file, 'utf8');
  const blocks: { lang: string; body: string; line: number }[] = [];
  const fence = /^```(\w*)\n([\s\S]*?)^```$/gm;
  for (let match = fence.exec(text); match; match = fence.exec(text)) {
    blocks.push({ lang: match[1] ?? '', body: match[2] ?? '', line: text.slice(0, match.index).split('\n').length });
  }
  return blocks;
}

const OPERATION = /^\s*(query|mutation|subscription)\b|^\s*\{/;

function documentsIn(file: string): Found[] {
  const found: Found[] = [];
  for (const block of fences(file)) {
    if (block.lang === 'graphql') {
      // One operation per paragraph.
      for (const part of block.body.split(/\n\s*\n/)) if (part.trim()) found.push({ file, line: block.line, document: part });
    } else if (block.lang === 'js') {
      for (const match of block.body.matchAll(/`([^`]*)`|'([^'\n]*)'/g)) {
        const text = match[1] ?? match[2] ?? '';
        if (OPERATION.test(text) && !text.includes('${')) found.push({ file, line: block.line, document: text });
      }
    } else if (block.lang === 'sh') {
      for (const match of block.body.matchAll(/[?&]query=([^'&\s]+)/g)) {
        found.push({ file, line: block.line, document: decodeURIComponent(match[1] ?? '') });
      }
      // JSON bodies: "query": "…" with the document's quotes escaped.
      for (const match of block.body.matchAll(/"query"\s*:\s*"((?:[^"\\]|\\.)*)"/g)) {
        found.push({ file, line: block.line, document: JSON.parse(`"${match[1]}"`) as string });
      }
    }
  }
  return found;
}

describe('GraphQL in the documentation', () => {
  for (const file of ['README.md', 'docs/api.md']) {
    const documents = documentsIn(file);

    it(`${file} has documents to check`, () => {
      expect(documents.length).toBeGreaterThan(3);
    });

    for (const [index, { line, document }] of documents.entries()) {
      it(`${file} #${index + 1}, in the block at line ${line}: ${document.trim().slice(0, 60)}`, () => {
        const errors = validate(schema, parse(document)).map((error) => error.message);
        expect(errors).toEqual([]);
      });
    }
  }
});
