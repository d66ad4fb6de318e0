import type { Viewer } from '../auth/viewer.ts';
import { badInput, DomainError, parseId } from '../core/errors.ts';
import { dateProblem, pageSize } from '../core/input-rules.ts';
import { istTradingDay } from '../core/market-session.ts';
import { istTime, type CsvCell } from '../http/csv.ts';
import { EXPORT_PAGE_ROWS, type CsvExport } from '../http/exports.ts';
import {
  auditEntriesPage,
  countAuditEntries,
  type AuditCursor,
  type AuditRow,
  type AuditScope,
} from '../persistence/repositories/audit-entry.repository.ts';
import { visibleAccountIds } from './access.ts';
import type { AppServices } from './container.ts';

/** One change as readers see it. */
export interface AuditRecord {
  id: string;
  at: Date;
  /** "alice@example.com", or "token wallboard (alice@example.com)" when her API token acted. */
  actor: string;
  action: string;
  entity: string;
  entityId: string | null;
  before: Record<string, unknown> | null;
  after: Record<string, unknown> | null;
}

export interface AuditPage {
  edges: { cursor: string; node: AuditRecord }[];
  pageInfo: { hasNextPage: boolean; hasPreviousPage: boolean; startCursor: string | null; endCursor: string | null };
  /** How many entries the viewer may read (with the filter), paging aside; counted only when called. */
  totalCount: () => Promise<number>;
}

/** Entries in a page when `first` is not given. */
export const AUDIT_PAGE_SIZE = 50;

export const AUDIT_EXPORT_PARAMETERS = ['accountId'] as const;

function actorOf(row: AuditRow): string {
  const user = row.email ?? (row.userId ? `user ${row.userId}` : 'Tandem');
  return row.byToken ? `token ${row.apiTokenName ?? '(unnamed)'} (${user})` : user;
}

const recordOf = (row: AuditRow): AuditRecord => ({
  id: row.id,
  at: row.createdAt,
  actor: actorOf(row),
  action: row.action,
  entity: row.entity,
  entityId: row.entityId,
  before: row.before,
  after: row.after,
});

const encodeCursor = (row: AuditRow) => Buffer.from(`${row.createdAt.toISOString()}|${row.id}`).toString('base64url');

function decodeCursor(cursor: string): AuditCursor {
  const [at, id] = Buffer.from(cursor, 'base64url').toString('utf8').split('|');
  const createdAt = new Date(at ?? '');
  if (!id || dateProblem(createdAt)) throw badInput('after', 'after is not a cursor this connection gave out');
  return { createdAt, id: parseId(id, 'after') };
}

/**
 * Who reads which entries: an ADMIN every one; anyone else the entries about the accounts they
 * may see (visibleAccountIds: a trader's masters, their followers and the links between them; a
 * client's own accounts) and every change they made themselves, which is how they see entries
 * about no account (their API tokens) or about an account they no longer see. API tokens never:
 * the trail is read by people, from a session.
 */
async function scopeFor(services: AppServices, viewer: Viewer, accountId: string | null | undefined): Promise<AuditScope> {
  if (viewer.apiTokenId !== null) {
    throw new DomainError('FORBIDDEN', 'the audit trail needs a signed-in session; API tokens cannot read it', undefined, {
      requiredCredential: 'SESSION',
    });
  }
  return {
    accounts: await visibleAccountIds(services.orm.em.fork(), viewer),
    actorId: viewer.userId,
    accountId: accountId ? parseId(accountId, 'accountId') : null,
  };
}

/** The entries the viewer may read, newest first, as a Relay page (keyset on createdAt, id). */
export async function listAuditEntries(
  services: AppServices,
  viewer: Viewer,
  filter: { accountId?: string | null },
  paging: { first?: number | null; after?: string | null },
): Promise<AuditPage> {
  const size = pageSize(paging.first, AUDIT_PAGE_SIZE);
  const after = paging.after ? decodeCursor(paging.after) : null;
  const scope = await scopeFor(services, viewer, filter.accountId);
  const em = services.orm.em.fork();
  const rows = await auditEntriesPage(em, scope, after, size + 1);
  const edges = rows.slice(0, size).map((row) => ({ cursor: encodeCursor(row), node: recordOf(row) }));
  return {
    edges,
    pageInfo: {
      hasNextPage: rows.length > size,
      hasPreviousPage: after ? (await auditEntriesPage(em, scope, after, 1, 'newerOrSame')).length > 0 : false,
      startCursor: edges[0]?.cursor ?? null,
      endCursor: edges.at(-1)?.cursor ?? null,
    },
    totalCount: () => countAuditEntries(em, scope),
  };
}

const HEADER = ['time (IST +05:30)', 'actor', 'action', 'entity', 'entity id', 'before', 'after'];

const json = (value: Record<string, unknown> | null) => (value === null ? null : JSON.stringify(value));

const cells = (record: AuditRecord): CsvCell[] => [
  istTime(record.at),
  record.actor,
  record.action,
  record.entity,
  record.entityId,
  json(record.before),
  json(record.after),
];

async function* pages(services: AppServices, scope: AuditScope): AsyncGenerator<CsvCell[][]> {
  const em = services.orm.em.fork();
  let last: AuditRow | undefined;
  for (;;) {
    const rows = await auditEntriesPage(em, scope, last ? { createdAt: last.createdAt, id: last.id } : null, EXPORT_PAGE_ROWS);
    if (rows.length > 0) yield rows.map((row) => cells(recordOf(row)));
    if (rows.length < EXPORT_PAGE_ROWS) return;
    last = rows.at(-1);
  }
}

/** GET /export/audit.csv: the entries auditEntries would list, all of them, newest first; sessions only. */
export async function openAuditExport(services: AppServices, viewer: Viewer, query: URLSearchParams): Promise<CsvExport> {
  const scope = await scopeFor(services, viewer, query.get('accountId'));
  return { filename: `audit-${istTradingDay(services.clock.now())}.csv`, header: HEADER, pages: pages(services, scope) };
}
