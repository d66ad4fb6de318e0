import { randomUUID } from 'node:crypto';
import { EntitySchema, OptionalProps } from '@mikro-orm/core';
import type { ApiTokenScope } from '../../core/types.ts';
import { createdAtProperty, idProperty } from './base.ts';
import { User } from './user.entity.ts';

export class ApiToken {
  [OptionalProps]?: 'revokedAt' | 'lastUsedAt' | 'createdAt';
  id: string = randomUUID();
  userId!: string;
  name!: string;
  scopes!: ApiTokenScope[];
  /** SHA-256 of the secret; the secret itself is shown once and never stored. */
  tokenHash!: string;
  /** The secret's first characters, so a person can tell tokens apart. */
  prefix!: string;
  revokedAt: Date | null = null;
  lastUsedAt: Date | null = null;
  createdAt!: Date;
}

export const ApiTokenSchema = new EntitySchema<ApiToken>({
  class: ApiToken,
  tableName: 'api_tokens',
  properties: {
    id: idProperty,
    userId: { kind: 'm:1', entity: () => User, mapToPk: true, fieldName: 'user_id', deleteRule: 'cascade' },
    name: { type: 'string', length: 100 },
    scopes: { type: 'json' },
    tokenHash: { type: 'string', length: 64, unique: true },
    prefix: { type: 'string', length: 16 },
    revokedAt: { type: 'Date', nullable: true },
    lastUsedAt: { type: 'Date', nullable: true },
    createdAt: createdAtProperty,
  },
});
