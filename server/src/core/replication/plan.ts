// The Plan step for one master order and one follower link: the child's side, product and
// legs, or the reason in words why this follower gets nothing.
import { formatShares, orderBoundProblem, orderRowProblem } from '../order-bounds.ts';
import { dailyOrderLimitReached, dailyOrderLimitSkip, firstFailedGate } from './gates.ts';
import { legCapacity, lotOf, splitIntoLegs } from './legs.ts';
import { skip, type ChildPlan, type PlanInput } from './plan-types.ts';
import { sizeChild } from './sizing.ts';

export type {
  ChildPlan,
  FollowerFacts,
  InstrumentSizing,
  MasterOrderFacts,
  MultiplierRules,
  PlanInput,
} from './plan-types.ts';

/**
 * Gates first (late, unsupported kind, kill switches, copyEnabled, paused, filters, AMO,
 * daily limits), then sizing, then Tandem's order bounds, then the freeze split. A copy split
 * into legs goes out whole or not at all: if the legs would pass the daily order limit, the
 * follower gets nothing rather than part of the position.
 */
export function planChild(input: PlanInput): ChildPlan {
  const gate = firstFailedGate(input);
  if (gate) return gate;

  const size = sizeChild(input);
  if (size.kind === 'skip') return skip(size.reason);
  const { master, instrument } = input;
  const subject = `copy of ${formatShares(size.quantity)}`;
  const tooLarge = orderBoundProblem(subject, { ...master, quantity: size.quantity }, instrument, input.referencePrice, input.bounds);
  if (tooLarge) return skip(tooLarge);

  const capacity = legCapacity(instrument);
  if (capacity === 0) {
    return skip(`freeze quantity ${instrument.freezeQuantity} is less than one lot (${lotOf(instrument)})`);
  }
  const legs = splitIntoLegs(size.quantity, capacity);
  const unstorable = orderRowProblem(subject, legs, master);
  if (unstorable) return skip(unstorable);
  const { ordersToday, maxOrdersPerDay } = input.follower;
  if (dailyOrderLimitReached(ordersToday, maxOrdersPerDay, legs.length)) {
    return dailyOrderLimitSkip(maxOrdersPerDay, ordersToday, legs.length);
  }
  const notes =
    legs.length > 1
      ? [...size.notes, `split into ${legs.length} orders of at most ${capacity} (freeze quantity ${instrument.freezeQuantity})`]
      : size.notes;
  return { kind: 'copy', side: size.side, productType: size.productType, legs, notes };
}
