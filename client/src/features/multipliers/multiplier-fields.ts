import { graphql, type ResultOf } from '../../graphql/graphql.ts';

/** What the Multipliers page reads of a link; every multiplier document selects it. */
export const MultiplierFields = graphql(`
  fragment MultiplierFields on Multiplier {
    id masterId followerId
    master { id label }
    follower { id label clientCode }
    mode factor fixedLots maxQuantity maxOrderValue symbolsAllow symbolsDeny exchanges productType zeroQuantityPolicy
    copyAmo copyModifications copyCancellations paused
  }
`);

/**
 * A master→follower link. `master` is null where the viewer may not see it (a CLIENT never
 * sees the master they follow), `follower` where they may not see the follower.
 */
export type MultiplierRow = ResultOf<typeof MultiplierFields>;

/** How a link names its follower, even one the viewer may not see. */
export const followerLabel = (link: MultiplierRow) => link.follower?.label ?? 'A follower you cannot see';
