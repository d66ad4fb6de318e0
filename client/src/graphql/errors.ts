import type { CombinedError } from '@urql/core';

/** One error as a person (and a form) needs it: what went wrong, its code, and which input. */
export interface ApiError {
  message: string;
  /** `extensions.code`: BAD_USER_INPUT, FORBIDDEN, NOT_FOUND, CONFLICT, UNAUTHENTICATED, ... or NETWORK_ERROR. */
  code: string;
  /** `extensions.field`: the input path the server blames, e.g. "input.factor". */
  field?: string;
}

interface Problem {
  field: string;
  message: string;
}

function isProblemList(value: unknown): value is Problem[] {
  return (
    Array.isArray(value) &&
    value.every(
      (p) => typeof p === 'object' && p !== null && typeof (p as Problem).field === 'string' && typeof (p as Problem).message === 'string',
    )
  );
}

/**
 * Flattens urql's CombinedError. A BAD_USER_INPUT that lists several problems
 * (`extensions.problems`) becomes one ApiError per field, so each lands next to its input.
 */
export function toApiErrors(error: CombinedError | undefined): ApiError[] {
  if (!error) return [];
  if (error.networkError) return [{ message: `The server could not be reached: ${error.networkError.message}`, code: 'NETWORK_ERROR' }];
  return error.graphQLErrors.flatMap((e): ApiError[] => {
    const code = typeof e.extensions.code === 'string' ? e.extensions.code : 'UNKNOWN';
    const problems = e.extensions.problems;
    if (isProblemList(problems) && problems.length > 0) return problems.map((p) => ({ message: p.message, code, field: p.field }));
    const field = typeof e.extensions.field === 'string' ? e.extensions.field : undefined;
    return [{ message: e.message, code, ...(field ? { field } : {}) }];
  });
}

/** True when `path` ("input.credentials.pin") names the input `name` ("pin" or "credentials.pin"). */
export function fieldMatches(path: string, name: string): boolean {
  return path === name || path.endsWith(`.${name}`);
}

/** The message for one input, or undefined: what a FieldError shows under that input. */
export function errorForField(errors: readonly ApiError[], name: string): string | undefined {
  return errors.find((e) => e.field !== undefined && fieldMatches(e.field, name))?.message;
}

/** Errors not tied to any of the given inputs: shown once above or below the form. */
export function errorsOutside(errors: readonly ApiError[], names: readonly string[]): ApiError[] {
  return errors.filter((e) => e.field === undefined || !names.some((n) => fieldMatches(e.field!, n)));
}
