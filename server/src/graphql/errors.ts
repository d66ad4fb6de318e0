import { isConnectionLoss } from '../persistence/connection-loss.ts';
import { randomUUID } from 'node:crypto';
import { GraphQLError } from 'graphql';
import type { Logger } from 'pino';
import { DomainError } from '../core/errors.ts';

/**
 * graphql-js words a variable problem as `Variable "$input" got invalid value <the whole value>
 * at "input.quantity"; <reason>`. The value is skipped one string literal at a time (quotes
 * inside are escaped), so nothing the caller typed is mistaken for the separator.
 */
const VARIABLE_PROBLEM = /^Variable "\$([^"]+)" got invalid value (?:"(?:[^"\\]|\\.)*"|[^";])*?(?: at "([^"]+)")?; (.*)$/s;
const MISSING_FIELD = /^Field "([^"]+)" of required type "[^"]+" was not provided/;
/** `Variable "$id" of required type "ID!" was not provided.` and `... of non-null type "ID!" must not be null.` */
const MISSING_VARIABLE = /^Variable "\$([^"]+)" of (?:required|non-null) type "[^"]+" (?:was not provided|must not be null)\.$/;
const COERCION_PROBLEM = /^(?:Variable "\$|Argument "|Expected value of type)/;

/**
 * The input path and the reason of a coercion problem: "input.quantity" from `... at
 * "input.quantity"`. The echoed value is dropped: it is the whole input object, credentials and all.
 */
function variableProblem(message: string): { field: string; reason: string } | undefined {
  const absent = MISSING_VARIABLE.exec(message);
  if (absent?.[1]) return { field: absent[1], reason: message };
  const match = VARIABLE_PROBLEM.exec(message);
  if (!match?.[1] || match[3] === undefined) return undefined;
  const at = match[2] ?? match[1];
  const missing = MISSING_FIELD.exec(match[3]);
  return { field: missing?.[1] ? `${at}.${missing[1]}` : at, reason: match[3] };
}

/** The errors this module built: Yoga, graphql-ws and our plugin may each hand one back, and it must pass unchanged. */
const mapped = new WeakSet<GraphQLError>();

function remember(error: GraphQLError): GraphQLError {
  mapped.add(error);
  return error;
}

/** The error, then what it wraps: graphql-js wraps a resolver's error, Yoga and graphql-ws wrap a stream's. */
function* chainOf(error: unknown): Generator<unknown> {
  let at: unknown = error;
  for (let depth = 0; at !== undefined && at !== null && depth < 20; depth++) {
    yield at;
    at = at instanceof GraphQLError ? at.originalError : undefined;
  }
}

const domainErrorIn = (error: unknown) => [...chainOf(error)].find((link): link is DomainError => link instanceof DomainError);
const rootCause = (error: unknown) => [...chainOf(error)].at(-1);
/** Built by graphql-js or Yoga themselves (parse, validation, request shape): GraphQLErrors all the way down. */
const isOwnGraphQLError = (error: unknown) => [...chainOf(error)].every((link) => link instanceof GraphQLError);

/** Where an unexpected error happened, for the log line that holds its id. */
export interface ErrorScene {
  /** The operation by its type and name: "mutation AddUser", "query (anonymous)". */
  operation?: string;
  /** Who asked: the user, and the API token when a token did (as the mutation log names them). */
  actor?: { userId: string; apiTokenId?: string; apiTokenName?: string };
}

/**
 * One place turns every error into what a client may see: a DomainError keeps its code and
 * message (+ `extensions.field` and its details); coercion problems become BAD_USER_INPUT naming
 * the input path; GraphQL's and Yoga's own request errors pass with their code. Anything else
 * (a database error, a bug) is INTERNAL_SERVER_ERROR with an `errorId` and nothing of the cause:
 * a database error's message is its SQL with the row's values. The cause is logged once, with
 * that id, where it happened and its stack.
 */
export function maskError(error: unknown, log: Logger, scene: ErrorScene = {}): GraphQLError {
  if (error instanceof GraphQLError && mapped.has(error)) return error;
  const located = error instanceof GraphQLError ? error : undefined;
  const where = { nodes: located?.nodes, source: located?.source, positions: located?.positions, path: located?.path };

  const domain = domainErrorIn(error);
  if (domain) {
    return remember(
      new GraphQLError(domain.message, {
        ...where,
        extensions: { code: domain.code, ...(domain.field ? { field: domain.field } : {}), ...(domain.details ?? {}) },
      }),
    );
  }
  // A variable's problem comes before any resolver runs (no path); its cause may be a scalar's own
  // parse error. An argument's problem found while executing is graphql-js's own, all the way down.
  if (located && COERCION_PROBLEM.test(located.message) && (located.path === undefined || isOwnGraphQLError(located))) {
    const problem = variableProblem(located.message);
    return remember(
      new GraphQLError(problem ? `${problem.field}: ${problem.reason}` : located.message, {
        ...where,
        extensions: { ...located.extensions, code: 'BAD_USER_INPUT', ...(problem ? { field: problem.field } : {}) },
      }),
    );
  }
  // Errors with a path come from running a field: only DomainErrors and coercion problems are
  // the caller's business there. Without a path it is the request itself: parse, validation,
  // the operation to run, the body's shape.
  if (located && located.path === undefined && isOwnGraphQLError(located)) {
    return remember(
      new GraphQLError(located.message, {
        ...where,
        extensions: { ...located.extensions, code: located.extensions.code ?? 'BAD_REQUEST' },
      }),
    );
  }

  const errorId = randomUUID();
  if (isConnectionLoss(error)) {
    // Expected in a failover or a restart of PostgreSQL: the client may simply try again.
    log.warn(
      { errorId, ...scene, path: located?.path?.join('.'), err: rootCause(error) },
      'the database connection was lost during a request',
    );
    return remember(
      new GraphQLError(
        `The database was unreachable for a moment and this field may not have done its work: check, then try again (id ${errorId})`,
        {
          ...where,
          extensions: { code: 'DATABASE_UNAVAILABLE', errorId },
        },
      ),
    );
  }
  log.error({ errorId, ...scene, path: located?.path?.join('.'), err: rootCause(error) }, 'unexpected error in a GraphQL request');
  return remember(
    new GraphQLError(`Unexpected error; it has been logged (id ${errorId})`, {
      ...where,
      extensions: { code: 'INTERNAL_SERVER_ERROR', errorId },
    }),
  );
}
