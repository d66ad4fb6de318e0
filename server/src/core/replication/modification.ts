// Following a master modification: the child is re-sized from the master's new quantity
// with the same rules as a new copy (factor, lots, caps, exit cap), and takes the master's
// new order type, price and trigger. A cancellation follows the copyCancellations switch.
import { formatShares, orderBoundProblem, orderRowProblem, type OrderBounds } from '../order-bounds.ts';
import type { OrderType } from '../types.ts';
import { accountGuard, dailyOrderLimitReached, dailyOrderLimitSkip } from './gates.ts';
import { legCapacity, lotOf, splitIntoLegs } from './legs.ts';
import { skip, type FollowerFacts, type InstrumentSizing, type MasterOrderFacts, type MultiplierRules, type Skip } from './plan-types.ts';
import { sizeChild } from './sizing.ts';

export interface ReplicationRules extends MultiplierRules {
  copyModifications: boolean;
  copyCancellations: boolean;
}

export type CopyDecision = { copy: true } | { copy: false; reason: string };

/** A paused multiplier stops following modifications too: they can add to a position. */
export function shouldCopyModification(rules: Pick<ReplicationRules, 'copyModifications' | 'paused'>): CopyDecision {
  if (!rules.copyModifications) return { copy: false, reason: 'this multiplier does not copy modifications' };
  if (rules.paused) return { copy: false, reason: 'multiplier is paused' };
  return { copy: true };
}

/**
 * Only copyCancellations decides: a cancel only ever takes risk off, so a paused multiplier
 * or an engaged kill switch does not hold it back.
 */
export function shouldCopyCancellation(rules: Pick<ReplicationRules, 'copyCancellations'>): CopyDecision {
  return rules.copyCancellations ? { copy: true } : { copy: false, reason: 'this multiplier does not copy cancellations' };
}

/** One leg of the child as it stands at the broker. `open`: it can still be modified or cancelled. */
export interface ChildLegState {
  leg: number;
  quantity: number;
  filledQuantity: number;
  open: boolean;
}

export interface ChildOrderState {
  orderType: OrderType;
  price: number | null;
  triggerPrice: number | null;
  legs: ChildLegState[];
}

export interface ModificationInput {
  /** The master order as modified: new quantity, order type, price and trigger. */
  master: MasterOrderFacts;
  rules: ReplicationRules;
  /** `position` is the follower's position before this child, not counting the child's own fills. */
  follower: FollowerFacts;
  instrument: InstrumentSizing;
  globalKillSwitch: boolean;
  referencePrice: number | null;
  /** MAX_ORDER_QUANTITY and MAX_ORDER_VALUE: a child is never modified beyond them. */
  bounds: OrderBounds;
  child: ChildOrderState;
}

/** 'cancel' ends a leg at what it has filled: used when a leg should carry no more than that. */
export type LegChange =
  | { leg: number; action: 'modify'; quantity: number }
  | { leg: number; action: 'cancel' }
  | { leg: number; action: 'keep' };

export type ChildModificationPlan =
  | {
      kind: 'modify';
      orderType: OrderType;
      price: number | null;
      triggerPrice: number | null;
      /** One entry per open leg; closed legs cannot change and are left out. */
      legs: LegChange[];
      /** Quantities of legs to place in addition, when the new size outgrows the open legs. */
      newLegs: number[];
      notes: string[];
    }
  | { kind: 'unchanged' }
  | Skip;

/**
 * The child's new legs. The new size is spread over the legs in leg order: each keeps what
 * it filled and takes more up to the freeze-sized leg capacity; what does not fit goes out
 * as new legs. The child never goes below what it has filled.
 */
export function planChildModification(input: ModificationInput): ChildModificationPlan {
  const { master, rules, follower, child } = input;
  const guarded = accountGuard(input.globalKillSwitch, follower);
  if (guarded) return guarded;
  const decision = shouldCopyModification(rules);
  if (!decision.copy) return skip(decision.reason);
  if (!child.legs.some((leg) => leg.open)) return skip('the child has no open order left to modify');

  const size = sizeChild(input);
  if (size.kind === 'skip' && !size.roundedToZero) return skip(`modification not copied: ${size.reason}`);
  const target = size.kind === 'sized' ? size.quantity : 0;
  const subject = `copy of ${formatShares(target)}`;
  const tooLarge = orderBoundProblem(subject, { ...master, quantity: target }, input.instrument, input.referencePrice, input.bounds);
  if (tooLarge) return skip(`modification not copied: ${tooLarge}`);
  const notes = size.kind === 'sized' ? [...size.notes] : ['new size rounds to 0 lots; cancelling what is unfilled'];

  const filled = child.legs.reduce((sum, leg) => sum + leg.filledQuantity, 0);
  if (target < filled) return skip(`cannot reduce below filled: the child has filled ${filled} and the new size is ${target}`);
  const capacity = legCapacity(input.instrument);
  if (capacity === 0) return skip(`freeze quantity ${input.instrument.freezeQuantity} is less than one lot (${lotOf(input.instrument)})`);

  const priceChanged = child.orderType !== master.orderType || child.price !== master.price || child.triggerPrice !== master.triggerPrice;
  let extra = target - filled;
  const legs: LegChange[] = [];
  for (const leg of child.legs) {
    if (!leg.open) continue;
    const add = Math.min(extra, Math.max(capacity - leg.filledQuantity, 0));
    extra -= add;
    const quantity = leg.filledQuantity + add;
    if (add === 0) legs.push({ leg: leg.leg, action: 'cancel' });
    else if (quantity === leg.quantity && !priceChanged) legs.push({ leg: leg.leg, action: 'keep' });
    else legs.push({ leg: leg.leg, action: 'modify', quantity });
  }
  const newLegs = splitIntoLegs(extra, capacity);
  const unstorable = orderRowProblem(
    subject,
    [...legs.flatMap((change) => (change.action === 'modify' ? [change.quantity] : [])), ...newLegs],
    master,
  );
  if (unstorable) return skip(`modification not copied: ${unstorable}`);
  if (newLegs.length > 0 && dailyOrderLimitReached(follower.ordersToday, follower.maxOrdersPerDay, newLegs.length)) {
    return dailyOrderLimitSkip(follower.maxOrdersPerDay, follower.ordersToday, newLegs.length);
  }
  if (newLegs.length === 0 && legs.every((change) => change.action === 'keep')) return { kind: 'unchanged' };
  if (newLegs.length > 0) notes.push(`${newLegs.length} more order(s) needed above the freeze quantity ${input.instrument.freezeQuantity}`);
  return { kind: 'modify', orderType: master.orderType, price: master.price, triggerPrice: master.triggerPrice, legs, newLegs, notes };
}
