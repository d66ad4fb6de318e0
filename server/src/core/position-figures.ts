// Net positions from a book of fills, the way Tandem keeps its own record and the paper exchange
// reports its book: quantity and realised P&L by FIFO (replication/fifo-pnl.ts), the average of
// the lots still open, and the units carried in from earlier IST days. Integer paise only.
import { netPosition, openLots, realisedPnl, type Fill } from './replication/fifo-pnl.ts';
import type { ProductType } from './types.ts';

/** One fill of one instrument and product, at the time it filled. */
export interface PositionFill extends Fill {
  exchange: string;
  symbol: string;
  token: string;
  productType: ProductType;
  at: Date;
}

export interface NetPosition {
  exchange: string;
  symbol: string;
  token: string;
  productType: ProductType;
  /** +long / -short. */
  quantity: number;
  /** Paise, the average of the lots still open (FIFO); null when flat. */
  averagePrice: number | null;
  /** Paise, realised by fills since `dayStart`. */
  realisedPnl: number;
  /** For DELIVERY, the long units carried in from before `dayStart`; 0 for other products. */
  holdingQuantity: number;
  /** When its newest fill filled. */
  lastFillAt: Date;
}

/** The key a position is netted under. */
export const positionKey = (p: { exchange: string; token: string; productType: ProductType }): string =>
  `${p.exchange}|${p.token}|${p.productType}`;

/**
 * One position per (exchange, token, product) of these fills. A position flat now with no fill
 * since `dayStart` is left out: it has nothing to show today.
 */
export function netPositions(fills: readonly PositionFill[], dayStart: Date): NetPosition[] {
  const byKey = new Map<string, PositionFill[]>();
  for (const fill of fills) {
    const key = positionKey(fill);
    const list = byKey.get(key) ?? [];
    list.push(fill);
    byKey.set(key, list);
  }
  const positions: NetPosition[] = [];
  for (const list of byKey.values()) {
    const position = netPositionOf(list, dayStart);
    if (position.quantity !== 0 || position.lastFillAt >= dayStart) positions.push(position);
  }
  return positions;
}

function netPositionOf(unordered: readonly PositionFill[], dayStart: Date): NetPosition {
  const fills = [...unordered].sort((a, b) => a.at.getTime() - b.at.getTime());
  const newest = fills.at(-1)!;
  // FIFO is decided by the order of fills, so what was realised before the day is a prefix's.
  const before = fills.filter((fill) => fill.at < dayStart);
  const carriedIn = netPosition(before);
  return {
    exchange: newest.exchange,
    symbol: newest.symbol,
    token: newest.token,
    productType: newest.productType,
    quantity: netPosition(fills),
    averagePrice: averageOfOpenLots(fills),
    realisedPnl: realisedPnl(fills) - realisedPnl(before),
    holdingQuantity: newest.productType === 'DELIVERY' ? Math.max(0, carriedIn) : 0,
    lastFillAt: newest.at,
  };
}

function averageOfOpenLots(fills: readonly Fill[]): number | null {
  const lots = openLots(fills);
  const units = lots.reduce((sum, lot) => sum + Math.abs(lot.quantity), 0);
  if (units === 0) return null;
  return Math.round(lots.reduce((sum, lot) => sum + Math.abs(lot.quantity) * lot.price, 0) / units);
}

/** (last − average) × quantity in paise; 0 when flat, null without a last price. */
export function unrealisedPnl(position: { quantity: number; averagePrice: number | null }, lastPrice: number | null): number | null {
  if (lastPrice === null) return null;
  if (position.quantity === 0 || position.averagePrice === null) return 0;
  return (lastPrice - position.averagePrice) * position.quantity;
}

/** Whether two counts of one position differ by more than one lot (of `lotSize` units, at least 1): a mismatch to show. */
export function differsByMoreThanALot(brokerQuantity: number, tandemQuantity: number, lotSize: number): boolean {
  return Math.abs(brokerQuantity - tandemQuantity) > Math.max(1, lotSize);
}
