import { readFileSync } from 'node:fs';
import { printSchema } from 'graphql';
import { describe, expect, it } from 'vitest';
import { schema } from '../../server/src/graphql/index.ts';

describe('schema.graphql', () => {
  it('is the schema the code builds (run `npm run schema:print` when this fails)', () => {
    expect(readFileSync(new URL('../../schema.graphql', import.meta.url), 'utf8')).toBe(`${printSchema(schema)}\n`);
  });

  it('keeps the names of the API contract that clients rely on', () => {
    const query = schema.getQueryType()!.getFields();
    const mutation = schema.getMutationType()!.getFields();
    const subscription = schema.getSubscriptionType()!.getFields();
    for (const name of ['me', 'accounts', 'account', 'multipliers', 'orders', 'order']) expect(query).toHaveProperty(name);
    for (const name of [
      'login',
      'createUser',
      'createAccount',
      'updateAccount',
      'deleteAccount',
      'connectAccount',
      'createMultiplier',
      'updateMultiplier',
      'deleteMultiplier',
      'placeOrder',
      'modifyOrder',
      'cancelOrder',
      'setKillSwitch',
      'createApiToken',
      'revokeApiToken',
    ]) {
      expect(mutation).toHaveProperty(name);
    }
    expect(subscription).toHaveProperty('orderEvents');
    expect(subscription).toHaveProperty('accountStatus');
  });
});
