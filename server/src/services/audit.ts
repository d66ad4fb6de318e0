import type { EntityManager } from '@mikro-orm/core';
import { actorOf, type Viewer } from '../auth/viewer.ts';
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
  const actor = viewer ? actorOf(viewer) : null;
  em.persist(
    em.create(AuditEntry, {
      userId: actor?.userId ?? null,
      apiTokenId: actor?.apiTokenId ?? null,
      apiTokenName: actor?.apiTokenName ?? null,
      action,
      entity,
      entityId,
      before,
      after,
      createdAt: new Date(),
    }),
  );
}
