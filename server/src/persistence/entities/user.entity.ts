import { randomUUID } from 'node:crypto';
import { EntitySchema, OptionalProps } from '@mikro-orm/core';
import type { UserRole } from '../../core/types.ts';
import { createdAtProperty, idProperty } from './base.ts';

export class User {
  [OptionalProps]?: 'createdAt';
  id: string = randomUUID();
  email!: string;
  passwordHash!: string;
  role!: UserRole;
  createdAt!: Date;
}

export const UserSchema = new EntitySchema<User>({
  class: User,
  tableName: 'users',
  properties: {
    id: idProperty,
    email: { type: 'string', unique: true },
    passwordHash: { type: 'string', lazy: true },
    role: { type: 'string', length: 16 },
    createdAt: createdAtProperty,
  },
});
