// Exchanges reject one order above the freeze quantity, so a larger child goes out as
// several legs of whole lots: full legs first, the remainder last.
import type { InstrumentSizing } from './plan-types.ts';

/** Index rows in the scrip master can carry lot 0; they trade in units. */
export function lotOf(instrument: Pick<InstrumentSizing, 'lotSize'>): number {
  return Math.max(1, instrument.lotSize);
}

export function floorToLots(quantity: number, lot: number): number {
  return Math.floor(quantity / lot) * lot;
}

/**
 * The most one leg may carry: the freeze quantity rounded down to whole lots (freeze 1800,
 * lot 65: 1755). Infinity when the exchange sets no freeze; 0 when freeze is below one lot.
 */
export function legCapacity(instrument: Pick<InstrumentSizing, 'lotSize' | 'freezeQuantity'>): number {
  if (instrument.freezeQuantity === null) return Number.POSITIVE_INFINITY;
  return floorToLots(instrument.freezeQuantity, lotOf(instrument));
}

/** `total` as legs of at most `capacity` each; capacity must be above 0. */
export function splitIntoLegs(total: number, capacity: number): number[] {
  if (capacity <= 0) throw new RangeError(`leg capacity must be above 0, got ${capacity}`);
  if (total <= 0) return [];
  if (total <= capacity) return [total];
  const full = Math.floor(total / capacity);
  const rest = total - full * capacity;
  const legs = new Array<number>(full).fill(capacity);
  if (rest > 0) legs.push(rest);
  return legs;
}
