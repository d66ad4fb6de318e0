import { graphql, type ResultOf } from '../../../graphql/graphql.ts';
import { TicketOrderFields } from '../ticket-order.ts';

export const TICKET_ACCOUNTS = graphql(
  `query TicketAccounts { accounts(role: MASTER) { id label clientCode broker killSwitch } globalKillSwitch }`,
);

export type TicketAccount = ResultOf<typeof TICKET_ACCOUNTS>['accounts'][number];

export const TICKET_INSTRUMENTS = graphql(`
  query TicketInstruments($exchange: String, $search: String) {
    instruments(exchange: $exchange, search: $search, first: 20) { symbol name exchange lotSize tickSize freezeQuantity lastPrice }
  }
`);

export const PLACE_ORDER = graphql(`mutation PlaceOrder($input: PlaceOrderInput!) { placeOrder(input: $input) { ...TicketOrderFields } }`, [
  TicketOrderFields,
]);
