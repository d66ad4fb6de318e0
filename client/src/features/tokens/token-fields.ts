import { graphql, type ResultOf } from '../../graphql/graphql.ts';

export const ApiTokenFields = graphql(`fragment ApiTokenFields on ApiToken { id name prefix scopes createdAt lastUsedAt revokedAt }`);

export type ApiTokenRow = ResultOf<typeof ApiTokenFields>;
export type Scope = ApiTokenRow['scopes'][number];

/** Every scope, in words, in the order the form offers them. */
export const SCOPES: readonly { value: Scope; label: string }[] = [
  { value: 'ORDERS_READ', label: 'Read orders' },
  { value: 'ORDERS_WRITE', label: 'Place, modify and cancel orders' },
  { value: 'ACCOUNTS_READ', label: 'Read accounts and multipliers' },
  { value: 'ACCOUNTS_WRITE', label: 'Change accounts, multipliers and their kill switches' },
];
