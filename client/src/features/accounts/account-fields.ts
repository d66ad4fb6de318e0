import { graphql, type ResultOf } from '../../graphql/graphql.ts';

/** What the account pages read of an account; every account document selects it. */
export const AccountFields = graphql(`
  fragment AccountFields on Account {
    id label broker role clientCode connectionStatus statusReason copyEnabled killSwitch hasCredentials
    maxOrdersPerDay maxLossPerDay
    owner { id }
  }
`);

/** An account as the Accounts and Overview pages hold it (`owner` decides a CLIENT's rights). */
export type AccountRow = ResultOf<typeof AccountFields>;
