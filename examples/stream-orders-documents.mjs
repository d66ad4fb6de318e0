// The GraphQL documents examples/stream-orders.mjs sends, apart from it so importing them
// starts nothing: tests/unit/example-documents.test.ts validates them against schema.graphql.

export const LATEST_CURSOR_QUERY = `
  query LatestOrderEventCursor {
    latestOrderEventCursor
  }
`;

export const ORDER_EVENTS_SUBSCRIPTION = `
  subscription StreamOrders($after: String) {
    orderEvents(after: $after) {
      cursor
      kind
      status
      order {
        id
        accountId
        account {
          label
        }
        symbol
        side
        quantity
      }
    }
  }
`;
