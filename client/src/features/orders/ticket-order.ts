import { graphql, type ResultOf } from '../../graphql/graphql.ts';

/** What the ticket and its open orders read of an order. */
export const TicketOrderFields = graphql(`
  fragment TicketOrderFields on Order {
    id symbol exchange side quantity filledQuantity orderType productType variety price triggerPrice status reason createdAt
  }
`);

export type TicketOrder = ResultOf<typeof TicketOrderFields>;
