import { graphql, type ResultOf } from '../../graphql/graphql.ts';

export const AUDIT_ENTRIES = graphql(`
  query AuditEntries($accountId: ID, $first: Int!, $after: String) {
    auditEntries(accountId: $accountId, first: $first, after: $after) {
      edges { node { id at actor action entity entityId before after } }
      pageInfo { hasNextPage endCursor }
    }
  }
`);

export const AUDIT_ACCOUNTS = graphql(`query AuditAccounts { accounts { id label clientCode } }`);

export type AuditEntryRow = ResultOf<typeof AUDIT_ENTRIES>['auditEntries']['edges'][number]['node'];
