import type { Plugin } from 'graphql-yoga';

type MaybeResults = { errors?: readonly { extensions?: Record<string, unknown> }[] } | readonly unknown[] | AsyncIterable<unknown>;

/** The longest `retryAfterSeconds` among RATE_LIMITED errors of a single or batched answer; 0 when there is none. */
function longestWait(result: MaybeResults): number {
  if (Symbol.asyncIterator in result) return 0; // a stream's headers are gone before its errors arrive
  const results = (Array.isArray(result) ? result : [result]) as { errors?: readonly { extensions?: Record<string, unknown> }[] }[];
  let longest = 0;
  for (const error of results.flatMap((one) => one.errors ?? [])) {
    const seconds = error.extensions?.retryAfterSeconds;
    if (error.extensions?.code === 'RATE_LIMITED' && typeof seconds === 'number') longest = Math.max(longest, Math.ceil(seconds));
  }
  return longest;
}

/**
 * Any RATE_LIMITED answer also says when to come back the way HTTP clients and proxies read
 * it, a `Retry-After` header in seconds, next to `extensions.retryAfterSeconds`.
 */
export function useRetryAfter(): Plugin {
  const waits = new WeakMap<Request, number>();
  return {
    onResultProcess({ request, result }) {
      const seconds = longestWait(result);
      if (seconds > 0) waits.set(request, seconds);
    },
    onResponse({ request, response }) {
      const seconds = waits.get(request);
      if (seconds !== undefined) response.headers.set('retry-after', String(seconds));
    },
  };
}
