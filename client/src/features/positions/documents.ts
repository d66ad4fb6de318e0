import { graphql } from '../../graphql/graphql.ts';

export const POSITION_ACCOUNTS = graphql(`query PositionAccounts { accounts { id label clientCode broker role } }`);

export const POSITIONS = graphql(`
  query Positions($accountId: ID!) {
    positions(accountId: $accountId) {
      exchange symbol productType quantity holdingQuantity averagePrice lastPrice realisedPnl unrealisedPnl
      source asOf tandemQuantity mismatch
    }
  }
`);

export const POSITION_DRIFT = graphql(`
  query PositionDrift($masterId: ID!) {
    positionDrift(masterId: $masterId, includeZero: true) {
      follower { id label clientCode }
      exchange symbol productType expected actual drift
    }
  }
`);

export const SQUARE_OFF = graphql(`
  mutation SquareOff($accountId: ID!, $symbol: String, $productType: ProductType) {
    squareOff(accountId: $accountId, symbol: $symbol, productType: $productType) { id accountId symbol side quantity status reason }
  }
`);

export const SQUARE_OFF_FOLLOWERS = graphql(`
  mutation SquareOffFollowers($masterId: ID!, $includeMaster: Boolean) {
    squareOffFollowers(masterId: $masterId, includeMaster: $includeMaster) { id accountId symbol side quantity status reason }
  }
`);
