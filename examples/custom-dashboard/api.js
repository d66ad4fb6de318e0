// Queries over plain fetch: JSON in, `data` out, and one error type that carries Tandem's
// `extensions.code` so the page can tell "fix your token" from "try again later".

/** An error Tandem answered with (or one this page gives the same shape), shown as "message (CODE)". */
export class ApiError extends Error {
  /**
   * @param {string} code extensions.code, e.g. UNAUTHENTICATED, FORBIDDEN, BAD_USER_INPUT
   * @param {string} message the server's words
   * @param {number | null} retryAfterSeconds when the server said when to come back
   */
  constructor(code, message, retryAfterSeconds = null) {
    super(message);
    this.name = 'ApiError';
    this.code = code;
    this.retryAfterSeconds = retryAfterSeconds;
  }

  /** The first of a GraphQL answer's errors. */
  static fromGraphQL(errors, retryAfterSeconds = null) {
    const first = errors[0] ?? {};
    const code = typeof first.extensions?.code === 'string' ? first.extensions.code : 'GRAPHQL_ERROR';
    const retry = typeof first.extensions?.retryAfterSeconds === 'number' ? first.extensions.retryAfterSeconds : retryAfterSeconds;
    return new ApiError(code, first.message ?? 'the server answered with an error', retry);
  }
}

/** The GraphQL endpoint of a Tandem URL as people paste it: `http://host:4000`, with or without `/graphql`. */
export function graphqlUrl(base) {
  const url = new URL(base);
  if (!url.pathname.endsWith('/graphql')) url.pathname = `${url.pathname.replace(/\/+$/, '')}/graphql`;
  url.search = '';
  url.hash = '';
  return url.toString();
}

/** A fetch that never reached an answer: the server is down, or the browser refused the answer (CORS). */
export function unreachable(base, error) {
  return new ApiError(
    'NETWORK_ERROR',
    `cannot reach ${base} (${error.message}). Is Tandem running, and is this page's origin ${location.origin} listed in its CORS_ORIGINS?`,
  );
}

function retryAfter(response) {
  const seconds = Number(response.headers.get('retry-after'));
  return Number.isFinite(seconds) && seconds > 0 ? seconds : null;
}

/** The error of an HTTP answer that is not what was asked for (Tandem answers errors as GraphQL JSON). */
export async function answerError(response) {
  const text = await response.text();
  try {
    const body = JSON.parse(text);
    if (Array.isArray(body.errors) && body.errors.length > 0) return ApiError.fromGraphQL(body.errors, retryAfter(response));
  } catch {
    // Not JSON: a proxy's page, say; its status says enough.
  }
  return new ApiError(`HTTP_${response.status}`, `HTTP ${response.status} ${response.statusText}`.trim(), retryAfter(response));
}

/** One query; resolves with its `data`, rejects with an ApiError. */
export async function query(connection, document, variables = {}) {
  let response;
  try {
    response = await fetch(graphqlUrl(connection.base), {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${connection.token}` },
      body: JSON.stringify({ query: document, variables }),
    });
  } catch (error) {
    throw unreachable(connection.base, error);
  }
  if (!response.headers.get('content-type')?.includes('json')) throw await answerError(response);
  const body = await response.json();
  if (Array.isArray(body.errors) && body.errors.length > 0) throw ApiError.fromGraphQL(body.errors, retryAfter(response));
  if (!response.ok || !body.data) throw new ApiError(`HTTP_${response.status}`, `HTTP ${response.status} without data`);
  return body.data;
}

/** An error as the status line shows it. */
export function describeError(error) {
  if (error instanceof ApiError) return `${error.message} (${error.code})`;
  return error instanceof Error ? error.message : String(error);
}
