import { expect } from 'vitest';
import type { GraphQLResponse } from './harness.ts';

/** The data of an answer that must have succeeded; a failed one throws its errors. */
export function ok<T>(response: GraphQLResponse<T>): T {
  if (!response.data || response.errors) throw new Error(JSON.stringify(response.errors));
  return response.data;
}

/** The first error carries `code` in extensions.code, and names `field` when one is given. */
export function expectCode(response: GraphQLResponse, code: string, field?: string): void {
  expect(response.errors?.[0]?.extensions?.code, JSON.stringify(response)).toBe(code);
  if (field !== undefined) expect(response.errors?.[0]?.extensions?.field, JSON.stringify(response.errors)).toBe(field);
}

/** An HTTP answer read as GraphQL, with its status; a body that is not JSON becomes an error quoting it. */
export async function readAnswer<T = Record<string, unknown>>(response: Response): Promise<GraphQLResponse<T>> {
  const text = await response.text();
  try {
    return { ...(JSON.parse(text) as object), status: response.status } as GraphQLResponse<T>;
  } catch {
    return { status: response.status, errors: [{ message: `not JSON: ${text.slice(0, 200)}` }] };
  }
}

/** One POST to the Tandem listening at `base` (http://host:port), as any HTTP client sends it. */
export async function gqlAt<T = Record<string, unknown>>(
  base: string,
  query: string,
  variables?: Record<string, unknown>,
  token?: string | null,
): Promise<GraphQLResponse<T>> {
  const response = await fetch(`${base}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify({ query, variables }),
  });
  return readAnswer<T>(response);
}

/** Signs in to the Tandem listening at `base` and returns the session token. */
export async function loginAt(base: string, email: string, password: string): Promise<string> {
  const result = await gqlAt<{ login: { token: string } }>(
    base,
    'mutation($e: String!, $p: String!) { login(email: $e, password: $p) { token } }',
    { e: email, p: password },
  );
  if (!result.data?.login) throw new Error(`login failed: ${JSON.stringify(result.errors)}`);
  return result.data.login.token;
}
