import type { BlotterEvent, BlotterMasterOrder, BlotterOrder } from '../../lib/blotter.ts';

// What the blotter reads of an order: everything a row or a child line shows.
const ORDER_FIELDS = `
  id master { id } account { id label clientCode }
  exchange symbol side quantity filledQuantity averagePrice status reason latencyMs leg createdAt updatedAt
`;

export const BLOTTER_PAGE = `
  query BlotterPage($first: Int!, $after: String, $mastersOnly: Boolean!) {
    orders(first: $first, after: $after, mastersOnly: $mastersOnly) {
      edges { node { ${ORDER_FIELDS} children { ${ORDER_FIELDS} } } }
      pageInfo { hasNextPage endCursor }
    }
  }
`;

export interface BlotterPageData {
  orders: {
    edges: { node: BlotterMasterOrder }[];
    pageInfo: { hasNextPage: boolean; endCursor: string | null };
  };
}

export const BLOTTER_ORDER = `query BlotterOrder($id: ID!) { order(id: $id) { ${ORDER_FIELDS} } }`;

export interface BlotterOrderData {
  order: BlotterOrder;
}

export const BLOTTER_EVENTS = `
  subscription BlotterEvents($after: String) {
    orderEvents(after: $after) { cursor status order { ${ORDER_FIELDS} } }
  }
`;

export interface BlotterEventsData {
  orderEvents: BlotterEvent;
}

export const BLOTTER_ACCOUNTS = `query BlotterAccounts { accounts { id label clientCode role } }`;

export interface BlotterAccountsData {
  accounts: { id: string; label: string; clientCode: string; role: 'MASTER' | 'FOLLOWER' }[];
}
