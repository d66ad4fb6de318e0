import type { EntityManager } from '@mikro-orm/core';
import type { Viewer } from '../auth/viewer.ts';
import { AuditEntry } from '../persistence/entities/audit-entry.entity.ts';

/** Records who changed what. Callers pass values already stripped of secrets. */
export function audit(
  em: EntityManager,
  viewer: Viewer | null,
  action: string,
  entity: string,
  entityId: string | null,
  before: Record<string, unknown> | null,
  after: Record<string, unknown> | null,
): void {
  em.persist(em.create(AuditEntry, { userId: viewer?.userId ?? null, action, entity, entityId, before, after, createdAt: new Date() }));
}
