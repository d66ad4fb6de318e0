// What a square-off closes: for each open position, the opposite side for what is held, less what
// orders already on their way will close, never more than is held (so a repeat never exits twice
// and never flips a position), split into legs the exchange's freeze quantity allows.
import { positionKey } from './position-figures.ts';
import { legCapacity, splitIntoLegs } from './replication/legs.ts';
import type { InstrumentSpec, ProductType, Side } from './types.ts';

export interface HeldPosition {
  exchange: string;
  symbol: string;
  token: string;
  productType: ProductType;
  /** Units held now, +long / -short (DELIVERY: holdings included). */
  quantity: number;
}

export interface SquareOffFilter {
  /** Only this symbol, upper case; null for all. */
  symbol: string | null;
  productType: ProductType | null;
}

export type SquareOffLine = HeldPosition & {
  /** Opposite to the position. */
  side: Side;
  /** Units to close now: the position less what is on its way to close it. */
  closing: number;
} & ({ kind: 'close'; legs: number[] } | { kind: 'skip'; reason: string });

/**
 * Units to close of a position `held` (+long / -short) while orders still unsettled would add
 * `inFlight` (signed) to it: what is left once they are done, and only in the direction that
 * reduces the position. Orders that add to it are not closed ahead of their fills; orders that
 * would close more than is held close nothing more.
 */
export function closingQuantity(held: number, inFlight: number): number {
  const after = held + inFlight;
  if (held > 0) return Math.max(0, Math.min(held, after));
  if (held < 0) return Math.max(0, Math.min(-held, -after));
  return 0;
}

/**
 * One line per position the filter selects that still needs closing. `inFlight`: per
 * positionKey, what the account's unsettled orders would still add (signed). An instrument
 * Tandem does not know, or one whose freeze quantity is below a lot, is a skipped line with the
 * reason.
 */
export function planSquareOff(
  positions: readonly HeldPosition[],
  inFlight: ReadonlyMap<string, number>,
  filter: SquareOffFilter,
  instrumentOf: (position: HeldPosition) => Pick<InstrumentSpec, 'lotSize' | 'freezeQuantity'> | null,
): SquareOffLine[] {
  const lines: SquareOffLine[] = [];
  for (const position of positions) {
    if (filter.symbol !== null && position.symbol.toUpperCase() !== filter.symbol) continue;
    if (filter.productType !== null && position.productType !== filter.productType) continue;
    const closing = closingQuantity(position.quantity, inFlight.get(positionKey(position)) ?? 0);
    if (closing === 0) continue;
    const base = { ...position, side: position.quantity > 0 ? ('SELL' as const) : ('BUY' as const), closing };
    const instrument = instrumentOf(position);
    if (!instrument) {
      lines.push({
        ...base,
        kind: 'skip',
        reason: `${position.exchange} ${position.symbol} (token ${position.token}) is not in Tandem's instrument list; import the scrip master, or close it at the broker`,
      });
      continue;
    }
    const capacity = legCapacity(instrument);
    if (capacity <= 0) {
      lines.push({
        ...base,
        kind: 'skip',
        reason: `the freeze quantity of ${position.symbol} (${instrument.freezeQuantity}) is below one lot (${instrument.lotSize}); close it at the broker`,
      });
      continue;
    }
    lines.push({ ...base, kind: 'close', legs: splitIntoLegs(closing, capacity) });
  }
  return lines;
}
