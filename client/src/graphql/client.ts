import { Client, fetchExchange, mapExchange, subscriptionExchange } from '@urql/core';
import { createClient as createSseClient } from 'graphql-sse';
import { authToken, expireAuthToken } from './auth-token.ts';
import { toApiErrors } from './errors.ts';

const GRAPHQL_PATH = '/graphql';

function authHeaders(): Record<string, string> {
  const token = authToken();
  return token ? { authorization: `Bearer ${token}` } : {};
}

// Subscriptions go over SSE, one connection per subscription, so every (re)connect carries the
// token current at that moment. The transport never retries on its own: it would resend the
// original variables (an old `after` cursor); the page that knows its last cursor resumes.
const sse = createSseClient({ url: GRAPHQL_PATH, headers: authHeaders, retryAttempts: 0 });

/**
 * The app's single urql client: queries and mutations over HTTP, subscriptions over SSE, the
 * session's bearer token on every request. There is no cache exchange: every query goes to
 * the server, so a page always shows what the engine holds now. A response that says
 * UNAUTHENTICATED signs the user out (token expired or revoked).
 * main.tsx hands it to @urql/solid's `<Provider>`; features reach it through operations.ts.
 */
export const client = new Client({
  url: GRAPHQL_PATH,
  requestPolicy: 'network-only',
  fetchOptions: () => ({ headers: authHeaders() }),
  exchanges: [
    mapExchange({
      onResult(result) {
        if (toApiErrors(result.error).some((e) => e.code === 'UNAUTHENTICATED')) expireAuthToken();
      },
    }),
    fetchExchange,
    subscriptionExchange({
      forwardSubscription(request) {
        return {
          subscribe(sink) {
            const unsubscribe = sse.subscribe({ ...request, query: request.query ?? '' }, sink);
            return { unsubscribe };
          },
        };
      },
    }),
  ],
});
