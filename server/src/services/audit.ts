import type { EntityManager } from '@mikro-orm/core';
import { actorOf, type Viewer } from '../auth/viewer.ts';
import { AuditEntry } from '../persistence/entities/audit-entry.entity.ts';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** Keys of a recorded value that name an account: a multiplier's ends, or any change about one account. */
const ACCOUNT_KEYS = ['accountId', 'masterId', 'followerId'] as const;

/**
 * The accounts an entry concerns, which decide who may read it: an account's own entries, a
 * multiplier's master and follower, anything that records an `accountId`. The migration that
 * added the column backfilled old entries by the same rule.
 */
export function concernedAccounts(
  entity: string,
  entityId: string | null,
  before: Record<string, unknown> | null,
  after: Record<string, unknown> | null,
  more: readonly string[] = [],
): string[] {
  const ids = new Set<string>();
  const add = (value: unknown) => {
    if (typeof value === 'string' && UUID.test(value)) ids.add(value.toLowerCase());
  };
  if (entity === 'Account') add(entityId);
  for (const value of [before, after]) for (const key of ACCOUNT_KEYS) add(value?.[key]);
  for (const id of more) add(id);
  return [...ids];
}

/**
 * Records who changed what. Callers pass values already stripped of secrets. `accountIds`
 * names accounts the change concerns that its values do not (an order's account, for one).
 */
export function audit(
  em: EntityManager,
  viewer: Viewer | null,
  action: string,
  entity: string,
  entityId: string | null,
  before: Record<string, unknown> | null,
  after: Record<string, unknown> | null,
  accountIds: readonly string[] = [],
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
      accountIds: concernedAccounts(entity, entityId, before, after, accountIds),
      before,
      after,
      createdAt: new Date(),
    }),
  );
}
