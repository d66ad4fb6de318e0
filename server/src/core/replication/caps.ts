// Per-order caps of a multiplier. Each only ever lowers a quantity, to whole lots, so a cap
// can shrink a copy or skip it but never turn it around.
import { formatRupees } from '../order-rules.ts';
import type { OrderType } from '../types.ts';
import { floorToLots } from './legs.ts';

export type Capped = { ok: true; quantity: number; note: string | null } | { ok: false; reason: string };

export function capAtMaxQuantity(quantity: number, maxQuantity: number | null, lot: number): Capped {
  if (maxQuantity === null || quantity <= maxQuantity) return { ok: true, quantity, note: null };
  const capped = floorToLots(maxQuantity, lot);
  if (capped === 0) return { ok: false, reason: `maxQuantity ${maxQuantity} is less than one lot (${lot})` };
  const note =
    capped === maxQuantity
      ? `capped at maxQuantity ${maxQuantity}`
      : `capped at maxQuantity ${maxQuantity}: ${capped} in whole lots of ${lot}`;
  return { ok: true, quantity: capped, note };
}

export function capAtMaxOrderValue(
  quantity: number,
  maxOrderValue: number | null,
  price: number | null,
  orderType: OrderType,
  lot: number,
): Capped {
  if (maxOrderValue === null) return { ok: true, quantity, note: null };
  if (price === null) {
    return { ok: false, reason: `no price known to value this ${orderType} order against maxOrderValue ${formatRupees(maxOrderValue)}` };
  }
  // bigint: a float quotient can round up to the next whole number near the boundary.
  const affordable = Number(BigInt(maxOrderValue) / BigInt(price));
  if (quantity <= affordable) return { ok: true, quantity, note: null };
  const capped = floorToLots(affordable, lot);
  const value = formatRupees(maxOrderValue);
  if (capped === 0) return { ok: false, reason: `maxOrderValue ${value} is less than one lot (${lot}) at ${formatRupees(price)}` };
  return { ok: true, quantity: capped, note: `capped at maxOrderValue ${value} at ${formatRupees(price)}: ${capped}` };
}
