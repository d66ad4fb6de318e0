import { getOperationAST, type ExecutionArgs, type ExecutionResult } from 'graphql';
import { handleStreamOrSingleExecutionResult, type Plugin } from 'graphql-yoga';
import type { Logger } from 'pino';
import { actorOf } from '../auth/viewer.ts';
import type { GraphQLContext } from './context.ts';
import { maskError, type ErrorScene } from './errors.ts';

export function sceneOf(args: ExecutionArgs): ErrorScene {
  const operation = getOperationAST(args.document, args.operationName);
  const viewer = (args.contextValue as Partial<GraphQLContext> | undefined)?.viewer;
  return {
    operation: operation ? `${operation.operation} ${operation.name?.value ?? '(anonymous)'}` : undefined,
    actor: viewer ? actorOf(viewer) : undefined,
  };
}

/**
 * Masks the errors of running an operation (a resolver's, a subscription's stream) while the
 * operation is still known, so the log line holding an error's id names the operation and the
 * caller. Yoga's maskedErrors, mapped by the same `maskError`, catches what fails before an
 * operation runs; an error masked here passes it unchanged.
 */
/** A result as a client may see it: its errors masked (an error already masked passes unchanged). */
export function maskedResult(result: ExecutionResult, log: Logger, args: ExecutionArgs): ExecutionResult {
  return result.errors?.length ? { ...result, errors: result.errors.map((error) => maskError(error, log, sceneOf(args))) } : result;
}

export function useOperationErrors(log: Logger): Plugin {
  const masking =
    (args: ExecutionArgs) =>
    ({ result, setResult }: { result: ExecutionResult; setResult: (next: ExecutionResult) => void }) => {
      if (result.errors?.length) setResult(maskedResult(result, log, args));
    };
  return {
    onExecute: ({ args }) => ({
      onExecuteDone: (payload) => handleStreamOrSingleExecutionResult(payload, masking(args)),
    }),
    onSubscribe: ({ args }) => ({
      onSubscribeResult: (payload) => handleStreamOrSingleExecutionResult(payload, masking(args)),
      onSubscribeError: ({ error, setError }) => setError(maskError(error, log, sceneOf(args))),
    }),
  };
}
