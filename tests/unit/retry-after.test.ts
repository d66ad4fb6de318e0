import { createSchema, createYoga } from 'graphql-yoga';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { badInput, rateLimited } from '../../server/src/core/errors.ts';
import { maskError } from '../../server/src/graphql/errors.ts';
import { useRetryAfter } from '../../server/src/graphql/retry-after.ts';

// Any field that answers RATE_LIMITED, not only sign-in: a stand-in API with the real error mapping.
const yoga = createYoga({
  schema: createSchema({
    typeDefs: 'type Query { quote: Int, history: Int, search: Int, ok: Int }',
    resolvers: {
      Query: {
        quote: () => {
          throw rateLimited('quotes are limited; try again in 7 s', 7);
        },
        history: () => {
          throw rateLimited('history is limited; try again in 3 s', 3);
        },
        search: () => {
          throw badInput('text', 'text is empty');
        },
        ok: () => 1,
      },
    },
  }),
  plugins: [useRetryAfter()],
  maskedErrors: { maskError: (error) => maskError(error, pino({ level: 'silent' })) },
  logging: false,
});

async function ask(query: string): Promise<{ retryAfter: string | null; codes: unknown[]; waits: unknown[] }> {
  const response = await yoga.fetch('http://test/graphql', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query }),
  });
  const body = (await response.json()) as { errors?: { extensions: Record<string, unknown> }[] };
  return {
    retryAfter: response.headers.get('retry-after'),
    codes: (body.errors ?? []).map((error) => error.extensions.code),
    waits: (body.errors ?? []).map((error) => error.extensions.retryAfterSeconds),
  };
}

describe('Retry-After on RATE_LIMITED answers', () => {
  it('carries the seconds of extensions.retryAfterSeconds, for any field', async () => {
    expect(await ask('{ quote }')).toEqual({ retryAfter: '7', codes: ['RATE_LIMITED'], waits: [7] });
  });

  it('carries the longest wait when several fields are limited', async () => {
    const answer = await ask('{ history quote ok }');
    expect(answer.retryAfter).toBe('7');
    expect(answer.codes).toEqual(['RATE_LIMITED', 'RATE_LIMITED']);
  });

  it('is absent from answers that are not rate limited', async () => {
    expect((await ask('{ search }')).retryAfter).toBeNull();
    expect((await ask('{ ok }')).retryAfter).toBeNull();
  });
});
