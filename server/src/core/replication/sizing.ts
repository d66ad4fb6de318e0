// How many the follower's child carries and which way: factor or fixed lots, whole lots,
// the zero-quantity policy, exits capped at what the follower holds, then the per-order caps.
//
// Exits and flips: when the master order reduces the master's position, the part that
// closes it (up to the master's position) is an exit for the follower: it is sized like
// any order, then capped at the follower's opposite position in the child's product, so
// the follower is never turned around by rounding, MIN_ONE_LOT or missed fills. When the
// master order more than closes its position (a flip), the closing part and the opening
// rest are sized separately (factor and lots on each, the zero-quantity policy on each)
// and added; only the closing part is capped at the follower's holding. A follower holding
// nothing then just opens its share of the master's new position.
import { valuationPrice } from '../order-bounds.ts';
import type { ProductType, Side } from '../types.ts';
import { parseDecimalFactor, applyFactor } from './decimal-factor.ts';
import { capAtMaxOrderValue, capAtMaxQuantity, type Capped } from './caps.ts';
import { floorToLots, lotOf } from './legs.ts';
import type { FollowerFacts, InstrumentSizing, MasterOrderFacts, MultiplierRules } from './plan-types.ts';

export interface SizingInput {
  master: MasterOrderFacts;
  rules: MultiplierRules;
  follower: Pick<FollowerFacts, 'position' | 'inFlight'>;
  instrument: InstrumentSizing;
  referencePrice: number | null;
}

/** `roundedToZero`: the rules size this order to nothing (as opposed to cannot size it). */
export type ChildSize =
  | { kind: 'sized'; side: Side; productType: ProductType; quantity: number; notes: string[] }
  | { kind: 'skip'; reason: string; roundedToZero: boolean };

type Scaler = { reverse: boolean; raw: (quantity: number) => number; describe: (quantity: number, raw: number) => string };

const ROUNDED_TO_ZERO = 'rounded to 0 lots; policy SKIP';

export function sizeChild(input: SizingInput): ChildSize {
  const { master, rules, follower } = input;
  const lot = lotOf(input.instrument);
  if (!Number.isSafeInteger(master.quantity) || master.quantity <= 0) {
    return fail(`master order quantity ${master.quantity} is not a whole number above 0`);
  }
  const scaler = scalerFor(rules, lot);
  if ('reason' in scaler) return fail(scaler.reason);

  const side = scaler.reverse ? opposite(master.side) : master.side;
  const productType = rules.productType ?? master.productType;
  const where = `${master.symbol} in ${productType}`;
  const nothingToExit =
    side === 'SELL'
      ? `follower holds no ${master.symbol} to sell in ${productType}`
      : `follower has no short ${master.symbol} position to buy back in ${productType}`;
  const masterHeld = master.side === 'SELL' ? Math.max(master.masterPositionBefore, 0) : Math.max(-master.masterPositionBefore, 0);
  const closing = Math.min(master.quantity, masterHeld);
  const opening = master.quantity - closing;
  const followerHeld = side === 'SELL' ? Math.max(follower.position, 0) : Math.max(-follower.position, 0);
  const notes: string[] = [];

  if (closing > 0 && opening === 0 && floorToLots(followerHeld, lot) === 0) {
    return fail(followerHeld === 0 ? nothingToExit : `${heldWords(side, followerHeld, where)}, less than one lot (${lot})`);
  }
  if (side === 'SELL' && productType === 'DELIVERY' && follower.position <= 0) {
    return fail(`${scaler.reverse ? 'reverse copy' : 'copy'} would sell DELIVERY stock the follower does not hold`);
  }
  if (closing > 0 && opening > 0) {
    notes.push(
      `master position turns from ${master.masterPositionBefore} to ${master.masterPositionBefore + signed(master.side, master.quantity)}: closing ${closing} and opening ${opening} sized separately`,
    );
  }

  const prefix = (part: string) => (closing > 0 && opening > 0 ? `${part}: ` : '');
  let closeQty = closing > 0 ? sizePart(closing, scaler, rules, lot, notes, prefix('closing part')) : 0;
  if (closeQty > floorToLots(followerHeld, lot)) {
    closeQty = floorToLots(followerHeld, lot);
    const held = followerHeld === 0 ? nothingToExit : heldWords(side, followerHeld, where);
    notes.push(
      closeQty === 0 ? `${held}; copying only the opening part` : `exit capped at what the follower can close: ${closeQty} (${held})`,
    );
  }
  const inFlight = follower.inFlight ?? 0;
  if (closeQty > 0 && inFlight !== 0)
    notes.push(`the follower's holding counts ${inFlight > 0 ? '+' : ''}${inFlight} of earlier copies still in flight`);
  const openQty = opening > 0 ? sizePart(opening, scaler, rules, lot, notes, prefix('opening part')) : 0;
  if (closeQty + openQty === 0) return { kind: 'skip', reason: ROUNDED_TO_ZERO, roundedToZero: true };

  const capped = applyCaps(
    closeQty + openQty,
    [
      (q) => capAtMaxQuantity(q, rules.maxQuantity, lot),
      (q) => capAtMaxOrderValue(q, rules.maxOrderValue, valuationPrice(master, input.referencePrice), master.orderType, lot),
      (q) => capDeliverySell(q, side, productType, follower.position, lot, where),
    ],
    notes,
  );
  if (!capped.ok) return fail(capped.reason);
  return { kind: 'sized', side, productType, quantity: capped.quantity, notes };
}

function scalerFor(rules: MultiplierRules, lot: number): Scaler | { reason: string } {
  if (rules.mode === 'FIXED_LOTS') {
    const lots = rules.fixedLots;
    if (lots === null || !Number.isSafeInteger(lots) || lots <= 0) return { reason: 'multiplier has no fixed lot count above 0' };
    return { reverse: false, raw: () => lots * lot, describe: () => `${lots} fixed lots of ${lot}` };
  }
  const factor = rules.factor;
  if (factor === null) return { reason: 'multiplier has no factor' };
  let numerator: bigint;
  try {
    numerator = parseDecimalFactor(factor).numerator;
  } catch (error) {
    return { reason: error instanceof Error ? error.message : String(error) };
  }
  if (numerator === 0n) return { reason: 'factor 0 copies nothing' };
  return {
    reverse: numerator < 0n,
    raw: (quantity) => applyFactor(quantity, factor).quantity,
    describe: (quantity, raw) => `factor ${factor} on ${quantity} is ${raw}`,
  };
}

/** One part sized alone: scaled, floored to lots, then the zero-quantity policy (0 for SKIP). */
function sizePart(quantity: number, scaler: Scaler, rules: MultiplierRules, lot: number, notes: string[], prefix: string): number {
  const raw = scaler.raw(quantity);
  const sized = floorToLots(raw, lot);
  if (sized === 0) {
    if (rules.zeroQuantityPolicy === 'SKIP') return 0;
    notes.push(`${prefix}${scaler.describe(quantity, raw)}; rounded to 0 lots; copied one lot (${lot}) under policy MIN_ONE_LOT`);
    return lot;
  }
  if (sized !== raw) notes.push(`${prefix}${scaler.describe(quantity, raw)}; rounded down to ${sized} in whole lots of ${lot}`);
  return sized;
}

function applyCaps(quantity: number, caps: ((q: number) => Capped)[], notes: string[]): Capped {
  let current = quantity;
  for (const cap of caps) {
    const result = cap(current);
    if (!result.ok) return result;
    if (result.note) notes.push(result.note);
    current = result.quantity;
  }
  return { ok: true, quantity: current, note: null };
}

/** Selling DELIVERY stock beyond the holding would be a short sale the exchange settles in auction. */
function capDeliverySell(quantity: number, side: Side, productType: ProductType, position: number, lot: number, where: string): Capped {
  if (side !== 'SELL' || productType !== 'DELIVERY' || quantity <= position) return { ok: true, quantity, note: null };
  const capped = floorToLots(position, lot);
  if (capped === 0) return { ok: false, reason: `follower holds ${position} ${where}, less than one lot (${lot})` };
  return { ok: true, quantity: capped, note: `capped at the ${capped} ${where} the follower holds` };
}

function heldWords(side: Side, held: number, where: string): string {
  return side === 'SELL' ? `follower holds ${held} ${where}` : `follower is short ${held} ${where}`;
}

function fail(reason: string): ChildSize {
  return { kind: 'skip', reason, roundedToZero: false };
}

export function opposite(side: Side): Side {
  return side === 'BUY' ? 'SELL' : 'BUY';
}

function signed(side: Side, quantity: number): number {
  return side === 'BUY' ? quantity : -quantity;
}
