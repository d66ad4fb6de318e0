import { randomUUID } from 'node:crypto';
import { EntitySchema, OptionalProps } from '@mikro-orm/core';
import { createdAtProperty, idProperty } from './base.ts';

/** Who changed what, from what to what. Secrets are never recorded, only that they changed. */
export class AuditEntry {
  [OptionalProps]?: 'userId' | 'apiTokenId' | 'apiTokenName' | 'entityId' | 'before' | 'after' | 'createdAt';
  id: string = randomUUID();
  userId: string | null = null;
  /** The API token that made the change, when one did (its name as it was then). */
  apiTokenId: string | null = null;
  apiTokenName: string | null = null;
  action!: string;
  entity!: string;
  entityId: string | null = null;
  before: Record<string, unknown> | null = null;
  after: Record<string, unknown> | null = null;
  createdAt!: Date;
}

export const AuditEntrySchema = new EntitySchema<AuditEntry>({
  class: AuditEntry,
  tableName: 'audit_entries',
  indexes: [{ properties: ['createdAt'] }],
  properties: {
    id: idProperty,
    userId: { type: 'uuid', nullable: true },
    apiTokenId: { type: 'uuid', nullable: true },
    apiTokenName: { type: 'string', length: 100, nullable: true },
    action: { type: 'string', length: 64 },
    entity: { type: 'string', length: 32 },
    entityId: { type: 'string', nullable: true },
    before: { type: 'json', nullable: true },
    after: { type: 'json', nullable: true },
    createdAt: createdAtProperty,
  },
});
