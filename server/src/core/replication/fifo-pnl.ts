// Realised P&L by FIFO, the way brokers report it for the daily loss limit: each closing
// quantity is matched against the oldest open quantity, long or short. Integer paise only.
import type { Side } from '../types.ts';

export interface Fill {
  side: Side;
  quantity: number;
  /** Paise. */
  price: number;
}

interface OpenLot {
  /** +long / -short. */
  quantity: number;
  price: number;
}

/**
 * Realised P&L in paise of fills in the order they happened. Fills before the period that
 * opened a still-open position must be included, or their closing counts as opening.
 */
export function realisedPnl(fills: readonly Fill[]): number {
  return replay(fills).realised;
}

/** Net position after the fills, +long / -short. */
export function netPosition(fills: readonly Fill[]): number {
  return fills.reduce((net, fill) => net + signedQuantity(fill), 0);
}

/** The open lots left after the fills, oldest first; for average-price displays. */
export function openLots(fills: readonly Fill[]): readonly OpenLot[] {
  return replay(fills).lots;
}

function replay(fills: readonly Fill[]): { realised: number; lots: OpenLot[] } {
  const lots: OpenLot[] = [];
  let realised = 0;
  for (const fill of fills) {
    let remaining = signedQuantity(fill);
    while (remaining !== 0 && lots.length > 0 && Math.sign(lots[0]!.quantity) !== Math.sign(remaining)) {
      const oldest = lots[0]!;
      const matched = Math.min(Math.abs(remaining), Math.abs(oldest.quantity));
      // A long closed by a sell earns sell - buy; a short closed by a buy earns sell - buy too.
      realised += oldest.quantity > 0 ? (fill.price - oldest.price) * matched : (oldest.price - fill.price) * matched;
      oldest.quantity -= Math.sign(oldest.quantity) * matched;
      remaining -= Math.sign(remaining) * matched;
      if (oldest.quantity === 0) lots.shift();
    }
    if (remaining !== 0) lots.push({ quantity: remaining, price: fill.price });
  }
  return { realised, lots };
}

function signedQuantity(fill: Fill): number {
  if (!Number.isSafeInteger(fill.quantity) || fill.quantity < 0) {
    throw new RangeError(`fill quantity must be a whole number of at least 0, got ${fill.quantity}`);
  }
  if (!Number.isSafeInteger(fill.price)) throw new RangeError(`fill price must be whole paise, got ${fill.price}`);
  return fill.side === 'BUY' ? fill.quantity : -fill.quantity;
}
