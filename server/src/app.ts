import type { IncomingMessage, ServerResponse } from 'node:http';
import { EnvelopArmorPlugin } from '@escape.tech/graphql-armor';
import { GraphQLError, type ValidationContext } from 'graphql';
import { createYoga, type YogaServerInstance } from 'graphql-yoga';
import { resolveViewer } from './services/resolve-viewer.ts';
import type { GraphQLContext } from './graphql/context.ts';
import { maskError } from './graphql/errors.ts';
import { schema } from './graphql/index.ts';
import { useInputGuard } from './graphql/input-guard.ts';
import { useMutationLog } from './graphql/mutation-log.ts';
import { useOperationErrors } from './graphql/operation-errors.ts';
import { useRetryAfter } from './graphql/retry-after.ts';
import { useSharedEvents } from './graphql/shared-events.ts';
import { resolveClientIp, trustProxies } from './http/client-ip.ts';
import { useGraphQLRequestRules } from './http/graphql-request-rules.ts';
import type { OrderService } from './services/order-service.ts';
import type { AppServices } from './services/container.ts';

/** `clientIp` is the socket's peer; the context works out the client behind trusted proxies from it. */
export type ServerContext = { req?: IncomingMessage; res?: ServerResponse; connectionParams?: Record<string, unknown>; clientIp?: string };

export type TandemYoga = YogaServerInstance<ServerContext, GraphQLContext>;

/** The document limits, documented in docs/api.md: what a client may send in one operation. */
export const DOCUMENT_LIMITS = { depth: 12, aliases: 20, directives: 30, cost: 5000, tokens: 2000 } as const;

/**
 * Armor throws its validation rejections by default, and a thrown rule error reaches the client
 * with no `extensions.code`; reported like any other invalid document it is
 * GRAPHQL_VALIDATION_FAILED. Its messages start "Syntax Error:", which these are not: the
 * message drops that, and `extensions` name the limit and its value. (maxTokens runs while
 * parsing: see `tokenLimit`.)
 */
function reportAsInvalid(limit: Exclude<keyof typeof DOCUMENT_LIMITS, 'tokens'>) {
  return {
    n: DOCUMENT_LIMITS[limit],
    propagateOnRejection: false,
    onReject: [
      (context: ValidationContext | null, error: GraphQLError) =>
        context?.reportError(
          new GraphQLError(error.message.replace(/^Syntax Error:\s*/, ''), {
            nodes: error.nodes,
            extensions: { limit, max: DOCUMENT_LIMITS[limit] },
          }),
        ),
    ],
  };
}

/**
 * The token limit is checked while parsing, so its rejection is GRAPHQL_PARSE_FAILED; like the
 * others it is named as a limit, not a "Syntax Error". Its handler throws in place of armor's
 * error, before armor would throw its own.
 */
const tokenLimit = {
  n: DOCUMENT_LIMITS.tokens,
  onReject: [
    (_context: ValidationContext | null, error: GraphQLError) => {
      throw new GraphQLError(error.message.replace(/^Syntax Error:\s*/, ''), {
        extensions: { limit: 'tokens', max: DOCUMENT_LIMITS.tokens },
      });
    },
  ],
};

/** A graphql-ws socket has no fetch Request, only the upgrade request it was opened with. */
function forwardedFor(request: Request | undefined, req: IncomingMessage | undefined): string | undefined {
  const header = request?.headers.get('x-forwarded-for') ?? req?.headers['x-forwarded-for'];
  return Array.isArray(header) ? header.join(',') : (header ?? undefined);
}

/** The GraphQL API from injected parts: tests call `yoga.fetch`, main.ts puts it on a port. */
export function createYogaApp(services: AppServices, orders: OrderService): TandemYoga {
  const trustedProxy = trustProxies(services.config.TRUSTED_PROXIES);
  return createYoga<ServerContext, GraphQLContext>({
    schema,
    graphqlEndpoint: '/graphql',
    landingPage: false,
    graphiql: { title: 'Tandem GraphQL', subscriptionsProtocol: 'WS' },
    logging: false,
    batching: false,
    // Yoga's default CORS echoes any origin with credentials; http-server.ts answers CORS for every route.
    cors: false,
    plugins: [
      useGraphQLRequestRules(),
      useRetryAfter(),
      useInputGuard(services.log),
      useOperationErrors(services.log),
      useMutationLog(services.log),
      useSharedEvents(services.metrics, services.log),
      EnvelopArmorPlugin({
        maxDepth: reportAsInvalid('depth'),
        maxAliases: reportAsInvalid('aliases'),
        maxDirectives: reportAsInvalid('directives'),
        maxTokens: tokenLimit,
        costLimit: { ...reportAsInvalid('cost'), maxCost: DOCUMENT_LIMITS.cost },
        blockFieldSuggestion: { enabled: false },
      }),
    ],
    // What fails before an operation runs (its context, its parse); useOperationErrors masks the rest.
    maskedErrors: { maskError: (error) => maskError(error, services.log) },
    context: async ({ request, req, connectionParams, clientIp }) => {
      const fromParams = connectionParams?.authorization ?? connectionParams?.Authorization;
      const authorization = typeof fromParams === 'string' ? fromParams : request?.headers.get('authorization');
      const { viewer, problem } = await resolveViewer(services, authorization);
      // Once per HTTP request, SSE stream and graphql-ws operation: each builds its own context.
      await services.apiTokenLimit.admit(viewer);
      return {
        services,
        orders,
        viewer,
        authProblem: problem,
        clientIp: resolveClientIp(clientIp, forwardedFor(request, req), trustedProxy),
        memo: new Map(),
      };
    },
  });
}
