import { GraphQLError } from 'graphql';
import { DomainError } from '../core/errors.ts';

/**
 * graphql-js words a variable problem as `Variable "$input" got invalid value <the whole value>
 * at "input.quantity"; <reason>`. The value is skipped one string literal at a time (quotes
 * inside are escaped), so nothing the caller typed is mistaken for the separator.
 */
const VARIABLE_PROBLEM = /^Variable "\$([^"]+)" got invalid value (?:"(?:[^"\\]|\\.)*"|[^";])*?(?: at "([^"]+)")?; (.*)$/s;
const MISSING_FIELD = /^Field "([^"]+)" of required type "[^"]+" was not provided/;

/**
 * The input path and the reason of a coercion problem: "input.quantity" from `... at
 * "input.quantity"`. The echoed value is dropped: it is the whole input object, credentials and all.
 */
function variableProblem(message: string): { field: string; reason: string } | undefined {
  const match = VARIABLE_PROBLEM.exec(message);
  if (!match?.[1] || match[3] === undefined) return undefined;
  const at = match[2] ?? match[1];
  const missing = MISSING_FIELD.exec(match[3]);
  return { field: missing?.[1] ? `${at}.${missing[1]}` : at, reason: match[3] };
}

/** One place turns every error into `extensions.code` (+ `extensions.field` for input problems). */
export function toGraphQLError(error: unknown): GraphQLError {
  const original = error instanceof GraphQLError ? (error.originalError ?? error) : error;
  if (original instanceof DomainError) {
    const gqlError = error instanceof GraphQLError ? error : undefined;
    return new GraphQLError(original.message, {
      nodes: gqlError?.nodes, source: gqlError?.source, positions: gqlError?.positions, path: gqlError?.path,
      extensions: { code: original.code, ...(original.field ? { field: original.field } : {}), ...(original.details ?? {}) },
    });
  }
  if (error instanceof GraphQLError) {
    if (error.extensions['code']) return error;
    if (/^Variable "\$/.test(error.message) || /^Argument "/.test(error.message) || /^Expected value of type/.test(error.message)) {
      const problem = variableProblem(error.message);
      return new GraphQLError(problem ? `${problem.field}: ${problem.reason}` : error.message, {
        nodes: error.nodes, source: error.source, positions: error.positions, path: error.path,
        extensions: { ...error.extensions, code: 'BAD_USER_INPUT', ...(problem ? { field: problem.field } : {}) },
      });
    }
    return error;
  }
  return new GraphQLError('Unexpected error; it has been logged', { extensions: { code: 'INTERNAL_SERVER_ERROR' } });
}
