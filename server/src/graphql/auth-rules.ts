import type { AuthFailure } from '@pothos/plugin-scope-auth';
import type { Viewer } from '../auth/viewer.ts';
import { DomainError } from '../core/errors.ts';
import type { ApiTokenScope, UserRole } from '../core/types.ts';

/**
 * Who may use a field, declared on the field, deny by default. A session acts by its user's
 * role; an API token by its owner's role *and* a scope it carries, never more. Role scopes are
 * false for tokens, and token scopes false for sessions, so one rule can never let a token
 * through on its owner's role alone.
 */
export interface AuthScopeMap {
  /** Anyone, signed in or not (login). */
  public: boolean;
  /** A session (JWT) whose user has one of these roles. */
  session: readonly UserRole[];
  /** An API token whose owner has one of these roles... */
  tokenOwner: readonly UserRole[];
  /** ...and that carries this scope, or every one of these scopes. */
  token: TokenScopes;
}

/** The scope a token needs, or the scopes it needs all of. */
export type TokenScopes = ApiTokenScope | readonly ApiTokenScope[];

const scopeList = (scopes: TokenScopes): readonly ApiTokenScope[] => (typeof scopes === 'string' ? [scopes] : scopes);

export const EVERY_ROLE: readonly UserRole[] = ['ADMIN', 'TRADER', 'CLIENT'];
export const STAFF: readonly UserRole[] = ['ADMIN', 'TRADER'];

export function scopesFor(viewer: Viewer | null): {
  [K in keyof AuthScopeMap]: AuthScopeMap[K] extends boolean ? boolean : (param: AuthScopeMap[K]) => boolean;
} {
  return {
    public: true,
    session: (roles) => viewer !== null && viewer.apiTokenId === null && roles.includes(viewer.role),
    tokenOwner: (roles) => viewer !== null && viewer.apiTokenId !== null && roles.includes(viewer.role),
    token: (scopes) =>
      viewer !== null && viewer.apiTokenId !== null && scopeList(scopes).every((scope) => viewer.scopes?.has(scope) === true),
  };
}

export type Rule =
  | { public: true }
  | { session: readonly UserRole[] }
  | { $any: { session: readonly UserRole[]; $all: { tokenOwner: readonly UserRole[]; token: TokenScopes } } };

/** Anyone, signed in or not. */
export const anyone = (): Rule => ({ public: true });

/** Sessions of these roles only: never a token (users, API tokens, the global kill switch). */
export const sessionOnly = (roles: readonly UserRole[] = EVERY_ROLE): Rule => ({ session: roles });

/**
 * Sessions of these roles, and tokens whose owner has one of them and that carry `scope` (or,
 * given a list, every scope in it: a field that reads two kinds of thing needs both).
 */
export const sessionOrToken = (scope: TokenScopes, roles: readonly UserRole[] = EVERY_ROLE): Rule => ({
  $any: { session: roles, $all: { tokenOwner: roles, token: scope } },
});

/** The GraphQL enum value of a scope, as clients write it: 'accounts:write' -> ACCOUNTS_WRITE. */
export const scopeEnumValue = (scope: ApiTokenScope): string => scope.replace(':', '_').toUpperCase();

/**
 * A rule that depends on whether an argument is given, kept as data so the schema can say both
 * halves (the kill switch: one account's with a token scope, the global one from an ADMIN session).
 */
export interface ArgumentRule {
  argument: string;
  given: Rule;
  omitted: Rule;
}

export type RuleByArgument = ((parent: unknown, args: Record<string, unknown>) => Rule) & { byArgument: ArgumentRule };

/** `given` when the argument is present and not null, else `omitted`. */
export function byArgument(argument: string, rules: { given: Rule; omitted: Rule }): RuleByArgument {
  const choose = (_parent: unknown, args: Record<string, unknown>): Rule => (args[argument] == null ? rules.omitted : rules.given);
  return Object.assign(choose, { byArgument: { argument, ...rules } });
}

/** Roles in the order people rank them, "any role" when all are allowed: "ADMIN or TRADER". */
function roleWords(roles: readonly UserRole[]): string {
  const listed = EVERY_ROLE.filter((role) => roles.includes(role));
  if (listed.length === EVERY_ROLE.length) return 'any role';
  if (listed.length <= 1) return listed[0] ?? 'no role';
  return `${listed.slice(0, -1).join(', ')} or ${listed.at(-1)}`;
}

const sameRoles = (a: readonly UserRole[], b: readonly UserRole[]) => a.length === b.length && a.every((role) => b.includes(role));

/**
 * Who a rule lets through, in the words the schema's descriptions use: "Needs a session of ADMIN
 * or TRADER, or an API token of such a user with scope ORDERS_WRITE." Derived from the rule the
 * field enforces, so the documentation cannot drift from it.
 */
export function describeRule(rule: Rule): string {
  if ('public' in rule) return 'Open to anyone, signed in or not.';
  if ('session' in rule) return `Needs a session of ${roleWords(rule.session)}; API tokens cannot use it.`;
  const { session, $all } = rule.$any;
  const owner = sameRoles($all.tokenOwner, session)
    ? sameRoles(session, EVERY_ROLE)
      ? ''
      : 'of such a user '
    : `whose owner is ${roleWords($all.tokenOwner)} `;
  const scopes = scopeList($all.token).map(scopeEnumValue);
  const scopeWords = scopes.length === 1 ? `scope ${scopes[0]}` : `scopes ${scopes.slice(0, -1).join(', ')} and ${scopes.at(-1)}`;
  return `Needs a session of ${roleWords(session)}, or an API token ${owner}with ${scopeWords}.`;
}

/** Exactly these keys: a scope map of another shape means something else to scope-auth (its top level is "any of"). */
const hasKeys = (value: unknown, ...keys: string[]): value is Record<string, unknown> =>
  typeof value === 'object' &&
  value !== null &&
  Object.keys(value).length === keys.length &&
  keys.every((key) => Object.hasOwn(value, key));

/** Whether a value is one of the Rule shapes anyone(), sessionOnly() and sessionOrToken() build. */
const isRule = (value: unknown): value is Rule =>
  (hasKeys(value, 'public') && value.public === true) ||
  (hasKeys(value, 'session') && Array.isArray(value.session)) ||
  (hasKeys(value, '$any') &&
    hasKeys(value.$any, 'session', '$all') &&
    Array.isArray(value.$any.session) &&
    hasKeys(value.$any.$all, 'tokenOwner', 'token') &&
    Array.isArray(value.$any.$all.tokenOwner) &&
    isTokenScopes(value.$any.$all.token));

const isTokenScopes = (value: unknown): value is TokenScopes =>
  typeof value === 'string' || (Array.isArray(value) && value.length > 0 && value.every((scope) => typeof scope === 'string'));

/** Whether a field's `authScopes` lets anyone through: on a nested field, that adds nothing to say. */
export const isPublicRule = (authScopes: unknown): boolean => isRule(authScopes) && 'public' in authScopes;

/**
 * The access text for what a field passes to `authScopes`: a Rule, or a rule chosen by an
 * argument (`byArgument`). null for anything else, which the schema tests refuse.
 */
export function describeAccess(authScopes: unknown): string | null {
  if (isRule(authScopes)) return describeRule(authScopes);
  if (typeof authScopes === 'function' && 'byArgument' in authScopes) {
    const { argument, given, omitted } = (authScopes as RuleByArgument).byArgument;
    return `With ${argument}: ${lowerFirst(describeRule(given))} Without ${argument}: ${lowerFirst(describeRule(omitted))}`;
  }
  return null;
}

const lowerFirst = (text: string) => `${text.charAt(0).toLowerCase()}${text.slice(1)}`;

type Failed = { scope: string; parameter: unknown };

function failedScopes(failure: AuthFailure): Failed[] {
  if ('failures' in failure) return failure.failures.flatMap(failedScopes);
  if ('scope' in failure) return [{ scope: failure.scope, parameter: 'parameter' in failure ? failure.parameter : undefined }];
  return [];
}

/** The least role among those a rule allows (ADMIN > TRADER > CLIENT), which is what to ask for. */
const leastRole = (roles: readonly UserRole[]): UserRole => [...EVERY_ROLE].reverse().find((role) => roles.includes(role)) ?? 'ADMIN';

/**
 * Why a field was refused, said so a program can act on it: UNAUTHENTICATED without a
 * credential; FORBIDDEN with `requiredScope` (a token lacks a scope: the first it lacks, and
 * `requiredScopes` all it lacks where the field needs several), `requiredCredential: "SESSION"`
 * (tokens may not use the field at all) or `requiredRole`.
 */
export function refusal(viewer: Viewer | null, authProblem: string | null, failure: AuthFailure, field: string): DomainError {
  if (viewer === null) return new DomainError('UNAUTHENTICATED', authProblem ?? 'sign in first: send Authorization: Bearer <token>');
  const failed = failedScopes(failure);
  if (viewer.apiTokenId !== null) {
    const owner = failed.find((f) => f.scope === 'tokenOwner');
    if (owner) {
      const role = leastRole(owner.parameter as UserRole[]);
      return new DomainError(
        'FORBIDDEN',
        `${field} needs a user with role ${role} or above; this token's owner is ${viewer.role}`,
        undefined,
        { requiredRole: role },
      );
    }
    const scope = failed.find((f) => f.scope === 'token');
    if (scope) {
      const needed = scopeList(scope.parameter as TokenScopes);
      const missing = needed.filter((s) => viewer.scopes?.has(s) !== true).map(scopeEnumValue);
      const names = missing.length > 0 ? missing : needed.map(scopeEnumValue);
      const words = names.length === 1 ? `the ${names[0]} scope` : `the ${names.join(' and ')} scopes`;
      return new DomainError('FORBIDDEN', `${field} needs an API token with ${words}`, undefined, {
        requiredScope: names[0],
        ...(needed.length > 1 ? { requiredScopes: names } : {}),
      });
    }
    return new DomainError('FORBIDDEN', `${field} needs a signed-in session; API tokens cannot use it`, undefined, {
      requiredCredential: 'SESSION',
    });
  }
  const session = failed.find((f) => f.scope === 'session');
  const role = leastRole((session?.parameter as UserRole[] | undefined) ?? ['ADMIN']);
  return new DomainError(
    'FORBIDDEN',
    `${field} needs role ${role}${role === 'ADMIN' ? '' : ' or above'}; you are ${viewer.role}`,
    undefined,
    { requiredRole: role },
  );
}
