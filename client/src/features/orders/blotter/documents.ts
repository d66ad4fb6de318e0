import { graphql } from '../../../graphql/graphql.ts';

// What the blotter reads of an order: everything a row or a child line shows.
const BlotterOrderFields = graphql(`
  fragment BlotterOrderFields on Order {
    id master { id } account { id label clientCode }
    exchange symbol side quantity filledQuantity averagePrice status reason latencyMs leg createdAt updatedAt
  }
`);

export const BLOTTER_PAGE = graphql(
  `
  query BlotterPage($first: Int!, $after: String, $mastersOnly: Boolean!) {
    orders(first: $first, after: $after, mastersOnly: $mastersOnly) {
      edges { node { ...BlotterOrderFields children { ...BlotterOrderFields } } }
      pageInfo { hasNextPage endCursor }
    }
  }
`,
  [BlotterOrderFields],
);

export const BLOTTER_ORDER = graphql(`query BlotterOrder($id: ID!) { order(id: $id) { ...BlotterOrderFields } }`, [BlotterOrderFields]);

export const BLOTTER_EVENTS = graphql(
  `
  subscription BlotterEvents($after: String) {
    orderEvents(after: $after) { cursor status order { ...BlotterOrderFields } }
  }
`,
  [BlotterOrderFields],
);

export const BLOTTER_ACCOUNTS = graphql(`query BlotterAccounts { accounts { id label clientCode role } }`);
