import { describe, expect, it } from 'vitest';
import type { Viewer } from '../../server/src/auth/viewer.ts';
import type { ApiTokenScope } from '../../server/src/core/types.ts';
import { describeAccess, describeRule, refusal, scopesFor, sessionOrToken, STAFF } from '../../server/src/graphql/auth-rules.ts';
import { schema } from '../../server/src/graphql/index.ts';

// A field that reads two kinds of thing (positions: accounts and their orders) needs a token
// carrying both scopes; the schema says so and a refusal names what the token lacks.

const BOTH = sessionOrToken(['accounts:read', 'orders:read']);

const token = (...scopes: ApiTokenScope[]): Viewer =>
  ({ userId: 'u', role: 'TRADER', apiTokenId: 't', scopes: new Set(scopes) }) as unknown as Viewer;

describe('a rule for two scopes', () => {
  it('says both scopes in the access text, and the positions field carries it', () => {
    expect(describeRule(BOTH)).toBe('Needs a session of any role, or an API token with scopes ACCOUNTS_READ and ORDERS_READ.');
    expect(describeRule(sessionOrToken(['accounts:read', 'orders:read'], STAFF))).toBe(
      'Needs a session of ADMIN or TRADER, or an API token of such a user with scopes ACCOUNTS_READ and ORDERS_READ.',
    );
    const positions = schema.getQueryType()!.getFields().positions!;
    expect(positions.description?.endsWith(describeAccess(BOTH)!)).toBe(true);
  });

  it('lets a token through only with every scope', () => {
    const check = (viewer: Viewer) => scopesFor(viewer).token(['accounts:read', 'orders:read']);
    expect(check(token('accounts:read', 'orders:read'))).toBe(true);
    expect(check(token('accounts:read', 'orders:read', 'orders:write'))).toBe(true);
    expect(check(token('accounts:read'))).toBe(false);
    expect(check(token('orders:read'))).toBe(false);
  });

  it('names the scope the token lacks, and every one when it lacks both', () => {
    const failure = { kind: 'scope', scope: 'token', parameter: ['accounts:read', 'orders:read'] } as never;
    expect(refusal(token('accounts:read'), null, failure, 'Query.positions')).toMatchObject({
      code: 'FORBIDDEN',
      message: 'Query.positions needs an API token with the ORDERS_READ scope',
      details: { requiredScope: 'ORDERS_READ', requiredScopes: ['ORDERS_READ'] },
    });
    expect(refusal(token('orders:write'), null, failure, 'Query.positions')).toMatchObject({
      message: 'Query.positions needs an API token with the ACCOUNTS_READ and ORDERS_READ scopes',
      details: { requiredScope: 'ACCOUNTS_READ', requiredScopes: ['ACCOUNTS_READ', 'ORDERS_READ'] },
    });
  });
});
