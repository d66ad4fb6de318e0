import { getNamedType, isObjectType, type GraphQLField } from 'graphql';
import { describe, expect, it } from 'vitest';
import { schema } from '../../server/src/graphql/index.ts';

// Deny by default: a field that is a way in (a root field) or a way across (a field reaching
// another object type) must say who may use it. Forgetting to is a failing test, not an open door.

const ROOTS = new Set(['Query', 'Mutation', 'Subscription']);

function declaresAuth(field: GraphQLField<unknown, unknown>): boolean {
  const options = (field.extensions as { pothosOptions?: Record<string, unknown> } | undefined)?.pothosOptions;
  return options !== undefined && options.authScopes !== undefined;
}

function guardedFields(): { name: string; declared: boolean }[] {
  const fields: { name: string; declared: boolean }[] = [];
  for (const type of Object.values(schema.getTypeMap())) {
    if (!isObjectType(type) || type.name.startsWith('__')) continue;
    for (const field of Object.values(type.getFields())) {
      if (ROOTS.has(type.name) || isObjectType(getNamedType(field.type)))
        fields.push({ name: `${type.name}.${field.name}`, declared: declaresAuth(field) });
    }
  }
  return fields;
}

describe('every way into or across the schema declares who may use it', () => {
  it('finds the fields it is meant to check', () => {
    const names = guardedFields().map((f) => f.name);
    expect(names).toEqual(
      expect.arrayContaining(['Query.accounts', 'Mutation.login', 'Subscription.orderEvents', 'Order.account', 'Multiplier.master']),
    );
  });

  it('has authScopes on every root field and every field that reaches another object type', () => {
    expect(
      guardedFields()
        .filter((f) => !f.declared)
        .map((f) => f.name),
    ).toEqual([]);
  });
});
