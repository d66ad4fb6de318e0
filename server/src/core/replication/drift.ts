// What a follower should hold if every master fill since it was linked had been copied by its
// multiplier's rules: the same sizing as a live copy (factor or fixed lots, whole lots, the
// zero-quantity policy, exits capped at what the follower would hold, maxQuantity and
// maxOrderValue), applied to what the master actually filled, one fill after another, each
// sized against the position the earlier ones would have left.
//
// Only the rules decide what is expected. The multiplier's filters (exchanges, allow and deny
// lists, AMO) leave an order out: the follower is not meant to have it. Everything that stops a
// copy without being a rule (a kill switch, copying turned off, a paused link, a daily limit, a
// late detection, a broker refusal, a partial fill) is not: the copy was meant to be there, so
// its absence is drift.
import type { OrderTerms, ProductType } from '../types.ts';
import { ruleFilter } from './gates.ts';
import type { InstrumentSizing, MultiplierRules } from './plan-types.ts';
import { sizeChild } from './sizing.ts';

/** One master order as far as it filled. Prices are integer paise. */
export interface MasterFill extends OrderTerms {
  exchange: string;
  symbol: string;
  /** When the master order was placed; fills are taken in this order. */
  placedAt: Date;
  /** What filled: the quantity sized (`quantity` is what was ordered). */
  filledQuantity: number;
  averagePrice: number | null;
  /** The master's net position in this instrument and product before this order (+long, -short). */
  masterPositionBefore: number;
}

export interface ExpectedPosition {
  exchange: string;
  symbol: string;
  /** The follower's product: the multiplier's productType, else the master's. */
  productType: ProductType;
  /** Net units the follower should hold, +long / -short. */
  expected: number;
}

const keyOf = (exchange: string, symbol: string, productType: ProductType) => `${exchange}|${symbol}|${productType}`;

/**
 * The follower's expected net position per (exchange, symbol, product) after `fills`, in the
 * order they were placed. `instrumentOf` gives lot and freeze sizes (null: not tradable, the
 * fill is left out, as a live copy would be skipped). Instruments a fill touched appear even
 * when the expectation nets to 0.
 */
export function expectedPositions(
  fills: readonly MasterFill[],
  rules: MultiplierRules,
  instrumentOf: (exchange: string, symbol: string) => InstrumentSizing | null,
): ExpectedPosition[] {
  const positions = new Map<string, ExpectedPosition>();
  const ordered = [...fills].sort((a, b) => a.placedAt.getTime() - b.placedAt.getTime());
  for (const fill of ordered) {
    if (fill.filledQuantity <= 0 || ruleFilter(fill, rules)) continue;
    const instrument = instrumentOf(fill.exchange, fill.symbol);
    if (!instrument) continue;
    const productType = rules.productType ?? fill.productType;
    const key = keyOf(fill.exchange, fill.symbol, productType);
    const position = positions.get(key) ?? { exchange: fill.exchange, symbol: fill.symbol, productType, expected: 0 };
    positions.set(key, position);
    const size = sizeChild({
      master: { ...fill, quantity: fill.filledQuantity, detectedAt: fill.placedAt },
      rules,
      follower: { position: position.expected, inFlight: 0 },
      instrument,
      referencePrice: fill.averagePrice,
    });
    if (size.kind === 'sized') position.expected += size.side === 'BUY' ? size.quantity : -size.quantity;
  }
  return [...positions.values()];
}
