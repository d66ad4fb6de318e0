import { randomUUID } from 'node:crypto';
import { ArrayType, EntitySchema, OptionalProps } from '@mikro-orm/core';
import { createdAtProperty, idProperty } from './base.ts';

/** Who changed what, from what to what. Secrets are never recorded, only that they changed. */
export class AuditEntry {
  [OptionalProps]?: 'userId' | 'apiTokenId' | 'apiTokenName' | 'entityId' | 'accountIds' | 'before' | 'after' | 'createdAt';
  id: string = randomUUID();
  userId: string | null = null;
  /** The API token that made the change, when one did (its name as it was then). */
  apiTokenId: string | null = null;
  apiTokenName: string | null = null;
  action!: string;
  entity!: string;
  entityId: string | null = null;
  /**
   * The accounts the change concerns (an account; a multiplier's master and follower), so who
   * may read the entry is one indexed test against the accounts a reader may see. Empty for
   * users, API tokens and the global kill switch. Kept after an account is deleted.
   */
  accountIds: string[] = [];
  before: Record<string, unknown> | null = null;
  after: Record<string, unknown> | null = null;
  createdAt!: Date;
}

export const AuditEntrySchema = new EntitySchema<AuditEntry>({
  class: AuditEntry,
  tableName: 'audit_entries',
  indexes: [
    { properties: ['createdAt'] },
    // Everyone reads their own changes too: `account_ids && … or user_id = …`.
    { properties: ['userId'] },
    // GIN answers `account_ids && array[…]` (any of the reader's accounts) and `@>` (one account).
    { name: 'audit_entries_account_ids_index', properties: ['accountIds'], type: 'gin' },
  ],
  properties: {
    id: idProperty,
    userId: { type: 'uuid', nullable: true },
    apiTokenId: { type: 'uuid', nullable: true },
    apiTokenName: { type: 'string', length: 100, nullable: true },
    action: { type: 'string', length: 64 },
    entity: { type: 'string', length: 32 },
    entityId: { type: 'string', nullable: true },
    accountIds: { type: ArrayType, columnType: 'uuid[]', defaultRaw: "'{}'" },
    before: { type: 'json', nullable: true },
    after: { type: 'json', nullable: true },
    createdAt: createdAtProperty,
  },
});
