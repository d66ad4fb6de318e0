import type { IncomingMessage, ServerResponse } from 'node:http';
import { EnvelopArmorPlugin } from '@escape.tech/graphql-armor';
import type { GraphQLError, ValidationContext } from 'graphql';
import { createYoga, type YogaServerInstance } from 'graphql-yoga';
import { resolveViewer } from './auth/resolve-viewer.ts';
import type { GraphQLContext } from './graphql/context.ts';
import { toGraphQLError } from './graphql/errors.ts';
import { schema } from './graphql/index.ts';
import type { OrderService } from './orders/order-service.ts';
import type { AppServices } from './services/container.ts';

export type ServerContext = { req?: IncomingMessage; res?: ServerResponse; connectionParams?: Record<string, unknown>; clientIp?: string };

export type TandemYoga = YogaServerInstance<ServerContext, GraphQLContext>;

/**
 * Armor throws its validation rejections by default, and a thrown rule error reaches the client
 * with no `extensions.code`; reported like any other invalid document it is
 * GRAPHQL_VALIDATION_FAILED. (maxTokens runs while parsing and already gives GRAPHQL_PARSE_FAILED.)
 */
const reportAsInvalid = {
  propagateOnRejection: false,
  onReject: [(context: ValidationContext | null, error: GraphQLError) => context?.reportError(error)],
};

/** The GraphQL API from injected parts: tests call `yoga.fetch`, main.ts puts it on a port. */
export function createYogaApp(services: AppServices, orders: OrderService): TandemYoga {
  return createYoga<ServerContext, GraphQLContext>({
    schema,
    graphqlEndpoint: '/graphql',
    landingPage: false,
    graphiql: { title: 'Tandem GraphQL', subscriptionsProtocol: 'WS' },
    logging: false,
    batching: false,
    plugins: [
      EnvelopArmorPlugin({
        maxDepth: { n: 12, ...reportAsInvalid },
        maxAliases: { n: 20, ...reportAsInvalid },
        maxDirectives: { n: 30, ...reportAsInvalid },
        maxTokens: { n: 2000 },
        costLimit: { maxCost: 5000, ...reportAsInvalid },
        blockFieldSuggestion: { enabled: false },
      }),
    ],
    maskedErrors: {
      maskError: (error) => {
        const mapped = toGraphQLError(error);
        if (mapped.extensions['code'] === 'INTERNAL_SERVER_ERROR') services.log.error({ err: error }, 'unexpected error in a GraphQL request');
        return mapped;
      },
    },
    context: async ({ request, connectionParams, clientIp }) => {
      const fromParams = connectionParams?.['authorization'] ?? connectionParams?.['Authorization'];
      const authorization = typeof fromParams === 'string' ? fromParams : request?.headers.get('authorization');
      const { viewer, problem } = await resolveViewer(services, authorization);
      return { services, orders, viewer, authProblem: problem, clientIp: clientIp ?? request?.headers.get('x-forwarded-for') ?? 'local', memo: new Map() };
    },
  });
}
