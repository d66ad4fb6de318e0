// SmartAPI's getPosition and getHolding answers as BrokerPositions (docs/smartapi.md §4.3).
// Position rows carry every field as a string; holding rows as numbers or strings. A position
// row is the day's trades plus what was carried forward (cf*); a holding is DELIVERY units
// from earlier days, so the two are added under (exchange, token, DELIVERY).
import { positionKey } from '../../core/position-figures.ts';
import type { BrokerPosition } from '../port.ts';
import { productTypeOf } from './order-mapping.ts';
import { paiseOf, quantityOf, textOf } from './wire-values.ts';

type Row = Record<string, unknown>;

/** A holding as getHolding shows it, in Tandem's units. */
export interface BrokerHolding {
  exchange: string;
  symbol: string;
  token: string;
  /** Settled units plus those bought and not yet settled (T1). */
  quantity: number;
  averagePrice: number | null;
  lastPrice: number | null;
}

const rowsOf = (data: unknown): Row[] =>
  Array.isArray(data) ? data.filter((row): row is Row => row !== null && typeof row === 'object' && !Array.isArray(row)) : [];

/** An amount in paise when it is above 0; SmartAPI writes "0.00" for none. */
function positivePaise(value: unknown): number | null {
  const paise = paiseOf(value);
  return paise !== null && paise > 0 ? paise : null;
}

const firstPositive = (...values: unknown[]): number | null => values.map(positivePaise).find((paise) => paise !== null) ?? null;

/**
 * One getPosition row, or null without an instrument. The average is that of the side the open
 * quantity was built on (buys for a long, sells for a short), carried-forward trades included.
 * Realised P&L is the row's `realised` where it has one (seen in captures); otherwise the units
 * both bought and sold times the difference of the two averages, as Angel's own figures run.
 */
export function positionFromRow(row: Row): BrokerPosition | null {
  const exchange = textOf(row.exchange);
  const token = textOf(row.symboltoken);
  if (!exchange || !token) return null;
  const quantity = quantityOf(row.netqty);
  const buyAverage = firstPositive(row.totalbuyavgprice, row.buyavgprice);
  const sellAverage = firstPositive(row.totalsellavgprice, row.sellavgprice);
  const bought = quantityOf(row.buyqty) + quantityOf(row.cfbuyqty);
  const sold = quantityOf(row.sellqty) + quantityOf(row.cfsellqty);
  const matched = buyAverage !== null && sellAverage !== null ? Math.min(bought, sold) * (sellAverage - buyAverage) : 0;
  return {
    exchange,
    symbol: textOf(row.tradingsymbol),
    token,
    productType: productTypeOf(textOf(row.producttype)),
    quantity,
    averagePrice: quantity > 0 ? buyAverage : quantity < 0 ? sellAverage : null,
    realisedPnl: paiseOf(row.realised) ?? matched,
    lastPrice: positivePaise(row.ltp),
    holdingQuantity: 0,
  };
}

/** One getHolding row, or null without an instrument or units. */
export function holdingFromRow(row: Row): BrokerHolding | null {
  const exchange = textOf(row.exchange);
  const token = textOf(row.symboltoken);
  // Read as Kite's model, whose field names Angel's follow: `quantity` is settled, `t1quantity` on its way.
  const quantity = quantityOf(row.quantity) + quantityOf(row.t1quantity);
  if (!exchange || !token || quantity <= 0) return null;
  return {
    exchange,
    symbol: textOf(row.tradingsymbol),
    token,
    quantity,
    averagePrice: positivePaise(row.averageprice),
    lastPrice: positivePaise(row.ltp),
  };
}

/**
 * A DELIVERY position of the day and a holding of the same instrument: one position of both.
 * Buying more averages the two; selling out of the holding leaves its average; the day's
 * realised P&L is the position row's.
 */
function withHolding(day: BrokerPosition | undefined, holding: BrokerHolding): BrokerPosition {
  const base = { exchange: holding.exchange, symbol: holding.symbol || (day?.symbol ?? ''), token: holding.token };
  if (!day) {
    return {
      ...base,
      productType: 'DELIVERY',
      quantity: holding.quantity,
      averagePrice: holding.averagePrice,
      realisedPnl: 0,
      lastPrice: holding.lastPrice,
      holdingQuantity: holding.quantity,
    };
  }
  const quantity = holding.quantity + day.quantity;
  let averagePrice: number | null = null;
  if (quantity > 0 && day.quantity > 0) averagePrice = weighted(holding, day, quantity);
  else if (quantity > 0) averagePrice = holding.averagePrice;
  else if (quantity < 0) averagePrice = day.averagePrice;
  return {
    ...day,
    ...base,
    quantity,
    averagePrice,
    lastPrice: day.lastPrice ?? holding.lastPrice,
    holdingQuantity: holding.quantity,
  };
}

function weighted(holding: BrokerHolding, day: BrokerPosition, quantity: number): number | null {
  if (holding.averagePrice === null || day.averagePrice === null) return holding.averagePrice ?? day.averagePrice;
  return Math.round((holding.quantity * holding.averagePrice + day.quantity * day.averagePrice) / quantity);
}

/**
 * The account's positions from the `data` of getPosition and of getHolding (an array, or
 * getAllHolding's `{ holdings }`; null or [] when there are none).
 */
export function positionsFromAnswers(positionData: unknown, holdingData: unknown): BrokerPosition[] {
  const positions = new Map<string, BrokerPosition>();
  for (const row of rowsOf(positionData)) {
    const position = positionFromRow(row);
    if (position) positions.set(positionKey(position), position);
  }
  const holdingRows =
    holdingData !== null && typeof holdingData === 'object' && !Array.isArray(holdingData) ? (holdingData as Row).holdings : holdingData;
  for (const row of rowsOf(holdingRows)) {
    const holding = holdingFromRow(row);
    if (!holding) continue;
    const key = positionKey({ ...holding, productType: 'DELIVERY' });
    positions.set(key, withHolding(positions.get(key), holding));
  }
  return [...positions.values()];
}
