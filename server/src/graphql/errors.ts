import { GraphQLError } from 'graphql';
import { DomainError } from '../core/errors.ts';

const VARIABLE_PROBLEM = /^Variable "\$([^"]+)" got invalid value .*?(?:at "([^"]+)")?;/s;
const VARIABLE_PATH = /Variable "\$([^"]+)" got invalid value .*? at "([^"]+)"/s;
const MISSING_FIELD = /Field "([^"]+)" of required type "[^"]+" was not provided/;

/** The input path a coercion message points at: "input.quantity" from `Variable "$input" ... at "input.quantity"`. */
function coercionField(message: string): string | undefined {
  const withPath = VARIABLE_PATH.exec(message);
  if (withPath?.[2]) {
    const missing = MISSING_FIELD.exec(message);
    return missing?.[1] ? `${withPath[2]}.${missing[1]}` : withPath[2];
  }
  const whole = VARIABLE_PROBLEM.exec(message);
  if (!whole?.[1]) return undefined;
  const missing = MISSING_FIELD.exec(message);
  return missing?.[1] ? `${whole[1]}.${missing[1]}` : whole[1];
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
      const field = coercionField(error.message);
      return new GraphQLError(error.message, {
        nodes: error.nodes, source: error.source, positions: error.positions, path: error.path,
        extensions: { ...error.extensions, code: 'BAD_USER_INPUT', ...(field ? { field } : {}) },
      });
    }
    return error;
  }
  return new GraphQLError('Unexpected error; it has been logged', { extensions: { code: 'INTERNAL_SERVER_ERROR' } });
}
