import { GraphQLError, parse } from 'graphql';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { badInput, DomainError } from '../../server/src/core/errors.ts';
import { limitPaise, textProblem } from '../../server/src/core/input-rules.ts';
import { maskError } from '../../server/src/graphql/errors.ts';

/** A logger whose lines the test reads. */
function capturedLog() {
  const lines: Record<string, unknown>[] = [];
  const log = pino({ level: 'error' }, { write: (line: string) => void lines.push(JSON.parse(line)) });
  return { log, lines };
}

/** What graphql-js makes of a resolver's error: a located GraphQLError wrapping it. */
const located = (cause: Error) => new GraphQLError(cause.message, { path: ['createUser'], originalError: cause });

describe('what a client sees of an error', () => {
  it('a database error thrown in a resolver becomes INTERNAL_SERVER_ERROR with an id; the log alone holds the statement', () => {
    const { log, lines } = capturedLog();
    const sql = new Error(`insert into "users" ("email", "password_hash") values ('a@b.co', '$argon2id$v=19$m=19456') - value too long`);
    const masked = maskError(located(sql), log, { operation: 'mutation AddUser', actor: { userId: 'u1' } });
    const errorId = masked.extensions.errorId;
    expect(masked.toJSON()).toEqual({
      message: `Unexpected error; it has been logged (id ${errorId})`,
      path: ['createUser'],
      extensions: { code: 'INTERNAL_SERVER_ERROR', errorId },
    });
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({
      errorId,
      operation: 'mutation AddUser',
      actor: { userId: 'u1' },
      path: 'createUser',
      err: { message: sql.message },
    });
  });

  it('masks once: the masked error handed back again (Yoga, graphql-ws) keeps its id and logs nothing more', () => {
    const { log, lines } = capturedLog();
    const masked = maskError(located(new Error('undefined is not a function')), log);
    expect(maskError(masked, log)).toBe(masked);
    expect(maskError(new GraphQLError(masked.message, { originalError: masked }), log).extensions.errorId).toBe(masked.extensions.errorId);
    expect(lines).toHaveLength(1);
  });

  it('a lost database connection is DATABASE_UNAVAILABLE with an id, saying to check and retry; the statement stays in the log', () => {
    const lines: Record<string, unknown>[] = [];
    const log = pino({ level: 'warn' }, { write: (line: string) => void lines.push(JSON.parse(line)) });
    const cut = Object.assign(
      new Error(`update "orders" set "status" = 'SENT' where "id" = 'x' - terminating connection due to administrator command`),
      {
        code: '57P01',
      },
    );
    const masked = maskError(located(cut), log);
    expect(masked.extensions).toMatchObject({ code: 'DATABASE_UNAVAILABLE', errorId: expect.any(String) });
    expect(masked.message).toMatch(/check, then try again/);
    expect(masked.message).not.toMatch(/orders|terminating|SENT/);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ errorId: masked.extensions.errorId, err: { message: cut.message } });
  });

  it('a DomainError keeps its code, field and details, wrapped or not', () => {
    const { log, lines } = capturedLog();
    const forbidden = new DomainError('FORBIDDEN', 'needs role TRADER', undefined, { requiredRole: 'TRADER' });
    expect(maskError(located(forbidden), log).toJSON()).toEqual({
      message: 'needs role TRADER',
      path: ['createUser'],
      extensions: { code: 'FORBIDDEN', requiredRole: 'TRADER' },
    });
    expect(maskError(badInput('input.label', 'label must be 1 to 100 characters'), log).extensions).toEqual({
      code: 'BAD_USER_INPUT',
      field: 'input.label',
    });
    expect(lines).toHaveLength(0);
  });

  it('a variable that does not coerce is BAD_USER_INPUT naming the input path, without echoing the value', () => {
    const { log } = capturedLog();
    const coercion = new GraphQLError(
      'Variable "$input" got invalid value { pin: "1234", quantity: "ten" } at "input.quantity"; Int cannot represent non-integer value: "ten"',
    );
    expect(maskError(coercion, log).toJSON()).toEqual({
      message: 'input.quantity: Int cannot represent non-integer value: "ten"',
      extensions: { code: 'BAD_USER_INPUT', field: 'input.quantity' },
    });
    expect(maskError(new GraphQLError('Variable "$id" of required type "ID!" was not provided.'), log).extensions).toEqual({
      code: 'BAD_USER_INPUT',
      field: 'id',
    });
  });

  it("GraphQL's own request errors pass with their code; a stream's database error does not", () => {
    const { log, lines } = capturedLog();
    let syntax: GraphQLError | undefined;
    try {
      parse('{ me { ');
    } catch (error) {
      syntax = error as GraphQLError;
    }
    const parseFailed = new GraphQLError(syntax!.message, {
      source: syntax!.source,
      positions: syntax!.positions,
      extensions: { code: 'GRAPHQL_PARSE_FAILED' },
    });
    expect(maskError(parseFailed, log).extensions.code).toBe('GRAPHQL_PARSE_FAILED');
    // graphql-tools wraps a subscription stream's failure without a path.
    const stream = new GraphQLError('select min(cursor) from order_events - column "cursor" does not exist', {
      originalError: new Error('select min(cursor) ...'),
    });
    expect(maskError(stream, log).extensions.code).toBe('INTERNAL_SERVER_ERROR');
    expect(lines).toHaveLength(1);
  });
});

describe('the rules every string and money argument follows', () => {
  it.each([
    ['NUL', 'a\u0000b', 'U+0000'],
    ['a tab', 'a\tb', 'U+0009'],
    ['a C1 control', 'a\u0085b', 'U+0085'],
    ['a lone high surrogate', 'a\uD800b', 'lone UTF-16 surrogate (U+D800)'],
    ['a lone low surrogate', '\uDC00', 'lone UTF-16 surrogate (U+DC00)'],
    ['1001 characters', 'x'.repeat(1001), 'is 1001 characters long'],
  ])('refuses %s', (_name, value, says) => {
    expect(textProblem(value)).toContain(says);
  });

  it('accepts any well-formed printable text, astral characters and emoji included', () => {
    expect(textProblem('Demo master é ✓ 漢字 😀 M&M-EQ')).toBeNull();
    expect(textProblem('x'.repeat(1000))).toBeNull();
  });

  it('turns money limits into whole paise up to ₹10 crore, and nothing else', () => {
    expect(limitPaise(100_000_000)).toBe(10_000_000_000);
    expect(limitPaise(194.55)).toBe(19455);
    expect([0, -1, 100_000_000.01, 1e308, 500.005, Number.NaN].map(limitPaise)).toEqual([null, null, null, null, null, null]);
  });
});
