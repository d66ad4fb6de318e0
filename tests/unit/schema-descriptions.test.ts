import {
  isEnumType,
  isInputObjectType,
  isObjectType,
  isScalarType,
  isSpecifiedScalarType,
  type GraphQLEnumType,
  type GraphQLField,
} from 'graphql';
import { describe, expect, it } from 'vitest';
import { API_TOKEN_SCOPES } from '../../server/src/core/types.ts';
import { withAccess } from '../../server/src/graphql/access-descriptions.ts';
import {
  STAFF,
  anyone,
  byArgument,
  describeAccess,
  describeRule,
  isPublicRule,
  scopeEnumValue,
  sessionOnly,
  sessionOrToken,
} from '../../server/src/graphql/auth-rules.ts';
import { schema } from '../../server/src/graphql/index.ts';

// The schema is the documentation third parties build dashboards from: every part of it says
// what it is, and every root field says who may use it, in words derived from the rule the
// server enforces on it (so the two cannot drift apart).

const ROOTS = new Set(['Query', 'Mutation', 'Subscription']);

type AnyField = GraphQLField<unknown, unknown>;

const authScopesOf = (field: AnyField): unknown =>
  (field.extensions as { pothosOptions?: { authScopes?: unknown } } | undefined)?.pothosOptions?.authScopes;

/** Whether the field's description must carry its access text: every root field, and nested ones whose rule adds something. */
const saysAccess = (typeName: string, field: AnyField) =>
  ROOTS.has(typeName) || (authScopesOf(field) !== undefined && !isPublicRule(authScopesOf(field)));

/** A field's description without its access paragraph: what the field itself is. */
function ownText(typeName: string, field: AnyField): string {
  const description = field.description ?? '';
  const access = saysAccess(typeName, field) ? describeAccess(authScopesOf(field)) : null;
  return access !== null && description.endsWith(access) ? description.slice(0, -access.length).trim() : description.trim();
}

const userTypes = () =>
  Object.values(schema.getTypeMap()).filter((type) => !type.name.startsWith('__') && !(isScalarType(type) && isSpecifiedScalarType(type)));

/** Every part of the schema a description belongs to, with whether it has one. */
function describable(): { name: string; described: boolean }[] {
  const parts: { name: string; described: boolean }[] = [];
  const add = (name: string, description: string | null | undefined) => parts.push({ name, described: Boolean(description?.trim()) });
  for (const type of userTypes()) {
    add(type.name, type.description);
    if (isObjectType(type)) {
      for (const field of Object.values(type.getFields())) {
        add(`${type.name}.${field.name}`, ownText(type.name, field));
        for (const arg of field.args) add(`${type.name}.${field.name}(${arg.name})`, arg.description);
      }
    } else if (isInputObjectType(type)) {
      for (const field of Object.values(type.getFields())) add(`${type.name}.${field.name}`, field.description);
    } else if (isEnumType(type)) {
      for (const value of type.getValues()) add(`${type.name}.${value.name}`, value.description);
    }
  }
  return parts;
}

function rootFields(): { name: string; field: AnyField }[] {
  return [schema.getQueryType(), schema.getMutationType(), schema.getSubscriptionType()].flatMap((type) =>
    type ? Object.values(type.getFields()).map((field) => ({ name: `${type.name}.${field.name}`, field })) : [],
  );
}

describe('the schema documents itself', () => {
  it('finds the parts it is meant to check', () => {
    const names = describable().map((part) => part.name);
    expect(names).toEqual(
      expect.arrayContaining([
        'Query',
        'DateTime',
        'Account.maxLossPerDay',
        'Query.orders(first)',
        'Mutation.setKillSwitch(accountId)',
        'PlaceOrderInput.quantity',
        'OrderStatus.SKIPPED',
        'ApiTokenScope.ORDERS_READ',
        'PageInfo.endCursor',
      ]),
    );
    expect(names).not.toContain('String');
    expect(names.some((name) => name.startsWith('__'))).toBe(false);
  });

  it('describes every type, field, argument, input field and enum value', () => {
    expect(
      describable()
        .filter((part) => !part.described)
        .map((part) => part.name),
    ).toEqual([]);
  });

  it('says on every root field who may use it, in the words of the rule it enforces', () => {
    const wrong = rootFields().flatMap(({ name, field }) => {
      const access = describeAccess(authScopesOf(field));
      if (access === null) return [`${name}: its authScopes cannot be described (use a rule from auth-rules.ts)`];
      const own = ownText(name.split('.')[0]!, field);
      return field.description === withAccess(own, access) ? [] : [`${name}: description does not end with "${access}"`];
    });
    expect(wrong).toEqual([]);
    expect(rootFields().length).toBeGreaterThanOrEqual(25);
  });

  it('says it on nested fields with a rule of their own, and not where the rule only repeats the parent', () => {
    const wrong: string[] = [];
    for (const type of userTypes()) {
      if (!isObjectType(type) || ROOTS.has(type.name)) continue;
      for (const field of Object.values(type.getFields())) {
        const authScopes = authScopesOf(field);
        if (authScopes === undefined) continue;
        const access = describeAccess(authScopes);
        const name = `${type.name}.${field.name}`;
        if (access === null) wrong.push(`${name}: its authScopes cannot be described`);
        else if (isPublicRule(authScopes) === (field.description ?? '').endsWith(access)) wrong.push(name);
      }
    }
    expect(wrong).toEqual([]);
  });
});

describe('access text', () => {
  it('says each kind of rule in plain words, with scopes as clients write them', () => {
    expect(describeRule(anyone())).toBe('Open to anyone, signed in or not.');
    expect(describeRule(sessionOnly())).toBe('Needs a session of any role; API tokens cannot use it.');
    expect(describeRule(sessionOnly(['ADMIN']))).toBe('Needs a session of ADMIN; API tokens cannot use it.');
    expect(describeRule(sessionOrToken('orders:read'))).toBe('Needs a session of any role, or an API token with scope ORDERS_READ.');
    expect(describeRule(sessionOrToken('accounts:write', STAFF))).toBe(
      'Needs a session of ADMIN or TRADER, or an API token of such a user with scope ACCOUNTS_WRITE.',
    );
    expect(describeRule({ $any: { session: STAFF, $all: { tokenOwner: ['ADMIN'], token: 'orders:write' } } })).toBe(
      'Needs a session of ADMIN or TRADER, or an API token whose owner is ADMIN with scope ORDERS_WRITE.',
    );
  });

  it('names only scopes the ApiTokenScope enum has', () => {
    const values = (schema.getType('ApiTokenScope') as GraphQLEnumType).getValues();
    for (const scope of API_TOKEN_SCOPES) expect(values.find((value) => value.name === scopeEnumValue(scope))?.value).toBe(scope);
  });

  it('says both halves of a rule chosen by an argument, and the field enforces the half it says', () => {
    const rule = byArgument('accountId', { given: sessionOrToken('accounts:write', STAFF), omitted: sessionOnly(['ADMIN']) });
    expect(describeAccess(rule)).toBe(
      'With accountId: needs a session of ADMIN or TRADER, or an API token of such a user with scope ACCOUNTS_WRITE. Without accountId: needs a session of ADMIN; API tokens cannot use it.',
    );
    const enforced = authScopesOf(schema.getMutationType()!.getFields().setKillSwitch!) as typeof rule;
    expect(enforced(null, { accountId: null, engaged: true })).toEqual(sessionOnly(['ADMIN']));
    expect(enforced(null, { engaged: true })).toEqual(sessionOnly(['ADMIN']));
    expect(enforced(null, { accountId: 'a0000000-0000-4000-8000-000000000000', engaged: true })).toEqual(
      sessionOrToken('accounts:write', STAFF),
    );
  });

  it('refuses to describe a rule it cannot see into, rather than guess', () => {
    expect(describeAccess(() => anyone())).toBeNull();
    // To scope-auth this map means "a session of ADMIN or any token with ORDERS_READ": not a Rule.
    expect(describeAccess({ session: ['ADMIN'], token: 'orders:read' })).toBeNull();
  });
});
