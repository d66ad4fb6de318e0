import { Client, fetchExchange, mapExchange, subscriptionExchange, type AnyVariables, type DocumentInput } from '@urql/core';
import { createClient as createSseClient } from 'graphql-sse';
import { toApiErrors, type ApiError } from './lib/api-errors.ts';
import { authToken, expireAuthToken } from './lib/auth-token.ts';

export type { ApiError } from './lib/api-errors.ts';
export { errorForField, errorsOutside, toApiErrors } from './lib/api-errors.ts';

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
 * Wrap the app in `<Provider value={client}>` from @urql/solid to use createQuery/createSubscription.
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

/** What a query or mutation gave: its data (when any) and its errors, already flattened. */
export interface ApiResult<Data> {
  data: Data | undefined;
  errors: ApiError[];
}

/** Runs one query against the server (never from cache). */
export async function runQuery<Data = any, Variables extends AnyVariables = AnyVariables>(
  document: DocumentInput<Data, Variables>,
  variables?: Variables,
): Promise<ApiResult<Data>> {
  const result = await client.query(document, (variables ?? {}) as Variables).toPromise();
  return { data: result.data ?? undefined, errors: toApiErrors(result.error) };
}

/** Runs one mutation; read `errors[i].code` / `errors[i].field` to place a message next to its input. */
export async function runMutation<Data = any, Variables extends AnyVariables = AnyVariables>(
  document: DocumentInput<Data, Variables>,
  variables?: Variables,
): Promise<ApiResult<Data>> {
  const result = await client.mutation(document, (variables ?? {}) as Variables).toPromise();
  return { data: result.data ?? undefined, errors: toApiErrors(result.error) };
}

/** Callbacks of a subscription started with `subscribe`. */
export interface SubscriptionHandlers<Data> {
  next(data: Data): void;
  error?(errors: ApiError[]): void;
}

/**
 * Starts a subscription and returns the function that ends it: call it from `onCleanup`.
 * A dropped connection is not retried: `error` gets a NETWORK_ERROR and the subscription
 * ends. To resume, start a new one (with the last cursor seen as `after`, for orderEvents).
 */
export function subscribe<Data = any, Variables extends AnyVariables = AnyVariables>(
  document: DocumentInput<Data, Variables>,
  variables: Variables,
  handlers: SubscriptionHandlers<Data>,
): () => void {
  const { unsubscribe } = client.subscription(document, variables).subscribe((result) => {
    if (result.error) handlers.error?.(toApiErrors(result.error));
    if (result.data) handlers.next(result.data);
  });
  return unsubscribe;
}
