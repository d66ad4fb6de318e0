import type { EntityManager } from '@mikro-orm/core';
import { execute, toNumber } from '../db.ts';
import { uuidArray } from './uuid-array.ts';

/** One audit entry as readers get it, with the acting user's email. */
export interface AuditRow {
  id: string;
  createdAt: Date;
  userId: string | null;
  /** The user's email; null when no user acted, or the user no longer exists. */
  email: string | null;
  apiTokenName: string | null;
  /** Whether an API token made the change (its name may be absent in old entries). */
  byToken: boolean;
  action: string;
  entity: string;
  entityId: string | null;
  before: Record<string, unknown> | null;
  after: Record<string, unknown> | null;
}

/** Which entries a reader gets. */
export interface AuditScope {
  /** The accounts the reader may see; null for every entry (an admin). */
  accounts: string[] | null;
  /** The reader: their own actions are theirs to read, whatever they concern. */
  actorId: string;
  /** Only entries about this account. */
  accountId: string | null;
}

/** A place in the list, newest first: an entry's time and id. */
export interface AuditCursor {
  createdAt: Date;
  id: string;
}

function scopeConditions(scope: AuditScope): { sql: string[]; params: unknown[] } {
  const sql: string[] = [];
  const params: unknown[] = [];
  if (scope.accounts !== null) {
    sql.push('(e.account_ids && ?::uuid[] or e.user_id = ?)');
    params.push(uuidArray(scope.accounts), scope.actorId);
  }
  if (scope.accountId !== null) {
    sql.push('e.account_ids @> ?::uuid[]');
    params.push(uuidArray([scope.accountId]));
  }
  return { sql, params };
}

const where = (conditions: string[]) => (conditions.length > 0 ? `where ${conditions.join(' and ')}` : '');

const json = (value: unknown) =>
  typeof value === 'string' ? (JSON.parse(value) as Record<string, unknown>) : (value as Record<string, unknown> | null);

/**
 * Up to `limit` entries of the scope, newest first (created_at, then id), after `after` when
 * given; `orEqual` includes the cursor's own entry (to ask whether anything lies at or beyond it).
 */
export async function auditEntriesPage(
  em: EntityManager,
  scope: AuditScope,
  after: AuditCursor | null,
  limit: number,
  direction: 'older' | 'newerOrSame' = 'older',
): Promise<AuditRow[]> {
  const { sql, params } = scopeConditions(scope);
  if (after) {
    sql.push(direction === 'older' ? '(e.created_at, e.id) < (?, ?)' : '(e.created_at, e.id) >= (?, ?)');
    params.push(after.createdAt, after.id);
  }
  const rows = await execute(
    em,
    `select e.id, e.created_at, e.user_id, u.email, e.api_token_id, e.api_token_name, e.action, e.entity, e.entity_id, e.before, e.after
    from audit_entries e left join users u on u.id = e.user_id
    ${where(sql)}
    order by e.created_at desc, e.id desc
    limit ?`,
    [...params, limit],
  );
  return rows.map((row) => ({
    id: String(row.id),
    createdAt: new Date(row.created_at as string | Date),
    userId: row.user_id === null ? null : String(row.user_id),
    email: row.email === null ? null : String(row.email),
    apiTokenName: row.api_token_name === null ? null : String(row.api_token_name),
    byToken: row.api_token_id !== null,
    action: String(row.action),
    entity: String(row.entity),
    entityId: row.entity_id === null ? null : String(row.entity_id),
    before: json(row.before),
    after: json(row.after),
  }));
}

/** How many entries the scope holds. */
export async function countAuditEntries(em: EntityManager, scope: AuditScope): Promise<number> {
  const { sql, params } = scopeConditions(scope);
  const [row] = await execute(em, `select count(*) as count from audit_entries e ${where(sql)}`, params);
  return toNumber(row?.count ?? 0);
}
