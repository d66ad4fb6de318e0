import { getOperationAST, Kind } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import type { Logger } from 'pino';
import { actorOf } from '../auth/viewer.ts';
import type { GraphQLContext } from './context.ts';

/**
 * One log line per mutation a signed-in caller runs, naming who ran it: the user, and the API
 * token (id and name) when a token did, so a change made by a leaked token can be traced to
 * it. Arguments are not logged: they carry credentials and passwords.
 */
export function useMutationLog(log: Logger): Plugin {
  return {
    onExecute: ({ args }) => {
      const operation = getOperationAST(args.document, args.operationName);
      const viewer = (args.contextValue as Partial<GraphQLContext> | undefined)?.viewer;
      if (operation?.operation !== 'mutation' || !viewer) return;
      const fields = operation.selectionSet.selections.flatMap((selection) =>
        selection.kind === Kind.FIELD ? [selection.name.value] : [],
      );
      log.info({ mutation: fields, operationName: operation.name?.value, actor: actorOf(viewer) }, 'mutation');
    },
  };
}
