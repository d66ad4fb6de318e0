import type { OrderType, ProductType, Side, Variety } from '../../lib/ticket.ts';

export interface TicketAccount {
  id: string;
  label: string;
  clientCode: string;
  broker: 'PAPER' | 'SMARTAPI';
  killSwitch: boolean;
}

export const TICKET_ACCOUNTS = `query TicketAccounts { accounts(role: MASTER) { id label clientCode broker killSwitch } globalKillSwitch }`;

export interface TicketAccountsData {
  accounts: TicketAccount[];
  globalKillSwitch: boolean;
}

export interface TicketInstrument {
  symbol: string;
  name: string;
  exchange: string;
  lotSize: number;
  tickSize: number;
  freezeQuantity: number | null;
  lastPrice: number | null;
}

export const TICKET_INSTRUMENTS = `
  query TicketInstruments($exchange: String, $search: String) {
    instruments(exchange: $exchange, search: $search, first: 20) { symbol name exchange lotSize tickSize freezeQuantity lastPrice }
  }
`;

export interface TicketInstrumentsData {
  instruments: TicketInstrument[];
}

export interface TicketOrder {
  id: string;
  symbol: string;
  exchange: string;
  side: Side;
  quantity: number;
  filledQuantity: number;
  orderType: OrderType;
  productType: ProductType;
  variety: Variety;
  price: number | null;
  triggerPrice: number | null;
  status: string;
  reason: string | null;
  createdAt: string;
}

const TICKET_ORDER_FIELDS = 'id symbol exchange side quantity filledQuantity orderType productType variety price triggerPrice status reason createdAt';

export const PLACE_ORDER = `mutation PlaceOrder($input: PlaceOrderInput!) { placeOrder(input: $input) { ${TICKET_ORDER_FIELDS} } }`;
export const MODIFY_ORDER = `mutation ModifyOrder($id: ID!, $input: ModifyOrderInput!) { modifyOrder(id: $id, input: $input) { ${TICKET_ORDER_FIELDS} } }`;
export const CANCEL_ORDER = `mutation CancelOrder($id: ID!) { cancelOrder(id: $id) { ${TICKET_ORDER_FIELDS} } }`;

export const ACCOUNT_ORDERS = `
  query TicketOrders($accountId: ID!) {
    orders(accountId: $accountId, mastersOnly: true, first: 50) { edges { node { ${TICKET_ORDER_FIELDS} } } }
  }
`;

export interface AccountOrdersData {
  orders: { edges: { node: TicketOrder }[] };
}

export const ACCOUNT_EVENTS = `subscription TicketEvents($accountId: ID!) { orderEvents(accountId: $accountId) { cursor order { id status filledQuantity reason } } }`;

/** What an order event says about one order: enough to update a status shown elsewhere. */
export interface OrderChange {
  id: string;
  status: string;
  filledQuantity: number;
  reason: string | null;
}

export interface AccountEventsData {
  orderEvents: { cursor: string; order: OrderChange };
}
