// Every GraphQL document this page sends, as plain strings in one place:
// tests/unit/example-documents.test.ts validates each one against schema.graphql, so a schema
// change that would break the page fails Tandem's build instead of a third party's wallboard.

/** What the page shows of any order, master or copy. */
const DASHBOARD_ORDER = `
  fragment DashboardOrder on Order {
    id
    accountId
    account {
      label
      clientCode
    }
    symbol
    side
    quantity
    filledQuantity
    status
    reason
    latencyMs
    createdAt
    updatedAt
  }
`;

/** The newest event cursor: subscribing after it goes live from now with no gap and no repeat. */
export const LATEST_CURSOR_QUERY = `
  query LatestOrderEventCursor {
    latestOrderEventCursor
  }
`;

/** The newest master orders with their copies, read once after the cursor so the table is not empty. */
export const RECENT_MASTER_ORDERS_QUERY = `
  query RecentMasterOrders($first: Int!) {
    orders(first: $first, mastersOnly: true) {
      edges {
        node {
          ...DashboardOrder
          children {
            ...DashboardOrder
          }
        }
      }
    }
  }
  ${DASHBOARD_ORDER}
`;

/** Every order change after `after`; a copy names its master so a copy of an unseen master still finds its row. */
export const ORDER_EVENTS_SUBSCRIPTION = `
  subscription DashboardOrderEvents($after: String) {
    orderEvents(after: $after) {
      cursor
      kind
      status
      message
      at
      order {
        ...DashboardOrder
        master {
          ...DashboardOrder
        }
      }
    }
  }
  ${DASHBOARD_ORDER}
`;

/** Counts and latency percentiles per follower since the start of the IST trading day. */
export const REPLICATION_STATS_QUERY = `
  query DashboardReplicationStats {
    replicationStats {
      followerId
      follower {
        label
        clientCode
      }
      copied
      failed
      skipped
      inFlight
      samples
      latencyP50Ms
      latencyP95Ms
      latencyP99Ms
    }
  }
`;
