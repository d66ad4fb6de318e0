import { MAX_PAGE_SIZE } from '../../core/input-rules.ts';
import { AUDIT_PAGE_SIZE, listAuditEntries, type AuditPage, type AuditRecord } from '../../services/audit-trail.ts';
import { anyone, sessionOnly } from '../auth-rules.ts';
import { builder } from '../builder.ts';

export const AuditEntryRef = builder.objectRef<AuditRecord>('AuditEntry').implement({
  description:
    'One change someone made through Tandem (an account, a link, a kill switch, a user, an API token): who, when, and the values before and after. Credentials are never recorded, only whether they changed (hasCredentials).',
  fields: (t) => ({
    id: t.exposeID('id', { description: 'Identifies the entry.' }),
    at: t.field({ type: 'DateTime', description: 'When the change was made.', resolve: (entry) => entry.at }),
    actor: t.exposeString('actor', {
      description:
        'Who made it: the user\'s email, or "token <name> (<email>)" when their API token did; "Tandem" for a change the engine made itself.',
    }),
    action: t.exposeString('action', {
      description: 'What was done, as noun.verb: account.update, account.update+credentials, killSwitch.engage, multiplier.create, ...',
    }),
    entity: t.exposeString('entity', {
      description: 'The kind of thing changed: Account, Multiplier, User, ApiToken, or Global (the global kill switch).',
    }),
    entityId: t.exposeID('entityId', { nullable: true, description: "The changed thing's id; null for the global kill switch." }),
    before: t.field({
      type: 'JSON',
      nullable: true,
      description: 'The recorded fields before the change (an object); null for something created.',
      resolve: (entry) => entry.before,
    }),
    after: t.field({
      type: 'JSON',
      nullable: true,
      description: 'The recorded fields after the change (an object); null for something deleted.',
      resolve: (entry) => entry.after,
    }),
  }),
});

const AuditEntryEdgeRef = builder.objectRef<AuditPage['edges'][number]>('AuditEntryEdge').implement({
  description: 'One audit entry in a page, with its cursor.',
  fields: (t) => ({
    cursor: t.exposeString('cursor', { description: 'Pass as `after` to get the entries after (older than) this one.' }),
    node: t.field({ type: AuditEntryRef, description: 'The entry.', authScopes: sessionOnly(), resolve: (edge) => edge.node }),
  }),
});

const AuditEntryConnectionRef = builder.objectRef<AuditPage>('AuditEntryConnection').implement({
  description: 'A page of audit entries, newest first.',
  fields: (t) => ({
    edges: t.field({
      type: [AuditEntryEdgeRef],
      description: 'The entries on this page, each with its cursor.',
      authScopes: sessionOnly(),
      resolve: (page) => page.edges,
    }),
    pageInfo: t.field({
      type: builder.pageInfoRef(),
      description: 'Where this page sits: pass endCursor as `after` while hasNextPage.',
      // It holds only cursors of what its connection field already authorised.
      authScopes: anyone(),
      resolve: (page) => page.pageInfo,
    }),
    totalCount: t.int({
      description: 'How many entries you may read that match the filter, whatever the page; counted only when asked for.',
      authScopes: sessionOnly(),
      resolve: (page) => page.totalCount(),
    }),
  }),
});

builder.queryField('auditEntries', (t) =>
  t.field({
    type: AuditEntryConnectionRef,
    description: `Who changed what, when, from what to what: newest first (by time, then id), ${AUDIT_PAGE_SIZE} at a time unless \`first\` says otherwise (1 to ${MAX_PAGE_SIZE}); page with pageInfo.endCursor as \`after\`. An ADMIN reads every entry; anyone else the entries about the accounts they may see (for a TRADER also the links between them; for a CLIENT their own accounts) and every change they made themselves.`,
    authScopes: sessionOnly(),
    args: {
      accountId: t.arg.id({ description: 'Only entries about this account (for a master, its links to followers too).' }),
      first: t.arg.int({ description: `How many entries to return, 1 to ${MAX_PAGE_SIZE}; ${AUDIT_PAGE_SIZE} when omitted.` }),
      after: t.arg.string({
        description: "Return the entries after this cursor (an edge's cursor or pageInfo.endCursor); omit for the newest.",
      }),
    },
    resolve: (_root, args, ctx) =>
      listAuditEntries(
        ctx.services,
        ctx.viewer!,
        { accountId: args.accountId == null ? null : String(args.accountId) },
        { first: args.first, after: args.after },
      ),
  }),
);
