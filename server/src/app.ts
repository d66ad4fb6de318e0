import type { IncomingMessage, ServerResponse } from 'node:http';
import { EnvelopArmorPlugin } from '@escape.tech/graphql-armor';
import { createYoga, type YogaServerInstance } from 'graphql-yoga';
import { resolveViewer } from './auth/resolve-viewer.ts';
import type { GraphQLContext } from './graphql/context.ts';
import { toGraphQLError } from './graphql/errors.ts';
import { schema } from './graphql/index.ts';
import type { OrderService } from './orders/order-service.ts';
import type { AppServices } from './services/container.ts';

export type ServerContext = { req?: IncomingMessage; res?: ServerResponse; connectionParams?: Record<string, unknown>; clientIp?: string };

export type TandemYoga = YogaServerInstance<ServerContext, GraphQLContext>;

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
        maxDepth: { n: 12 },
        maxAliases: { n: 20 },
        maxDirectives: { n: 30 },
        maxTokens: { n: 2000 },
        costLimit: { maxCost: 5000 },
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
