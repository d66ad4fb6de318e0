/** Typed errors thrown inside; the GraphQL edge maps each `code` to `extensions.code` once. */
export type ErrorCode =
  | 'BAD_USER_INPUT'
  | 'NOT_FOUND'
  | 'FORBIDDEN'
  | 'CONFLICT'
  | 'UNAUTHENTICATED'
  | 'BROKER_ERROR'
  | 'RATE_LIMITED'
  | 'KILL_SWITCH'
  | 'DATABASE_UNAVAILABLE';

export class DomainError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly field?: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
    this.name = 'DomainError';
  }
}

export const badInput = (field: string, message: string) => new DomainError('BAD_USER_INPUT', message, field);
export const notFound = (what: string, field?: string) => new DomainError('NOT_FOUND', `${what} not found`, field);
export const forbidden = (message: string) => new DomainError('FORBIDDEN', message);
export const conflict = (message: string, field?: string) => new DomainError('CONFLICT', message, field);
export const unauthenticated = (message = 'sign in first') => new DomainError('UNAUTHENTICATED', message);
export const rateLimited = (message: string, retryAfterSeconds: number) =>
  new DomainError('RATE_LIMITED', message, undefined, { retryAfterSeconds });

/** Several field problems reported together; the first names `field`, all are in `details.problems`. */
export function badInputs(problems: { field: string; message: string }[]): DomainError {
  const [first] = problems;
  if (!first) throw new Error('badInputs needs at least one problem');
  const message = problems.map((p) => `${p.field}: ${p.message}`).join('; ');
  return new DomainError('BAD_USER_INPUT', message, first.field, { problems });
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** IDs are opaque to callers, but a malformed one is a caller mistake, not a missing object. */
export function parseId(value: string, field: string): string {
  if (!UUID.test(value)) throw badInput(field, `${field} is not a valid ID`);
  return value.toLowerCase();
}
