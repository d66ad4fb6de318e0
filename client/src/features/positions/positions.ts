// What the positions page says of a row beyond its figures: whose word it is, and how old.
import type { ResultOf } from '../../graphql/graphql.ts';
import { formatTimestamp } from '../../ui/format.ts';
import type { POSITION_DRIFT, POSITIONS } from './documents.ts';

export type PositionRow = ResultOf<typeof POSITIONS>['positions'][number];

/** "Broker", or "Tandem's record, as of 10:42:05" (IST; with the date when it is not today). */
export function sourceText(row: Pick<PositionRow, 'source' | 'asOf'>, now: Date = new Date()): string {
  return row.source === 'BROKER' ? 'Broker' : `Tandem's record, as of ${formatTimestamp(row.asOf, now)}`;
}

/** Whether every row is Tandem's own record: the broker could not be asked. */
export function brokerUnavailable(rows: readonly Pick<PositionRow, 'source'>[]): boolean {
  return rows.length > 0 && rows.every((row) => row.source === 'TANDEM');
}

/** A stable key for a row, for tests and styles. */
export const positionKey = (row: Pick<PositionRow, 'exchange' | 'symbol' | 'productType'>): string =>
  `${row.exchange}:${row.symbol}:${row.productType}`;

export type DriftRow = ResultOf<typeof POSITION_DRIFT>['positionDrift'][number];

/** "+4", "-10", "0": how far a follower is from what its rules make, in units. */
export const driftText = (drift: number): string => (drift > 0 ? `+${drift}` : String(drift));

/** A stable key for a drift row, for tests and styles. */
export const driftKey = (row: Pick<DriftRow, 'follower' | 'exchange' | 'symbol' | 'productType'>): string =>
  `${row.follower.id}:${row.exchange}:${row.symbol}:${row.productType}`;

/** "Sell 40 SBIN-EQ" / "Buy back 10 NIFTY26DECFUT": what squaring off a position does. */
export function closingWords(row: Pick<PositionRow, 'quantity' | 'symbol'>): string {
  return row.quantity > 0 ? `Sell ${row.quantity} ${row.symbol}` : `Buy back ${-row.quantity} ${row.symbol}`;
}

/** What a square-off did, in a line: how many orders went out, and how many could not. */
export function squareOffSummary(orders: readonly { status: string }[]): string {
  if (orders.length === 0) return 'Nothing to close: no open position (or its exit is already on its way).';
  const refused = orders.filter((o) => o.status === 'FAILED' || o.status === 'SKIPPED' || o.status === 'REJECTED').length;
  const placed = orders.length - refused;
  const words = `${placed} square-off ${placed === 1 ? 'order' : 'orders'} placed at market`;
  return refused === 0 ? `${words}.` : `${words}; ${refused} could not be placed (see the blotter for why).`;
}
