// SmartAPI's (and the paper exchange's) lower-case order statuses to Tandem's OrderStatus.
// Angel has no "partially filled" word: a part-filled order stays 'open' (or is 'cancelled'
// with fills), so the filled quantity decides between OPEN, PARTIALLY_FILLED and FILLED.
// Callers pass `orderstatus` when it differs from `status`: 'modified' hides 'trigger pending'.
import type { OrderStatus } from './types.ts';

type Meaning =
  | { kind: 'live'; status: 'SENT' | 'OPEN' | 'TRIGGER_PENDING' | 'AMO_QUEUED' }
  | { kind: 'unchanged' }
  | { kind: 'terminal'; status: 'FILLED' | 'CANCELLED' | 'REJECTED' };

const MEANINGS: ReadonlyMap<string, Meaning> = new Map<string, Meaning>([
  // Accepted by the broker, not yet resting on the exchange's book.
  ['put order req received', { kind: 'live', status: 'SENT' }],
  ['validation pending', { kind: 'live', status: 'SENT' }],
  ['open pending', { kind: 'live', status: 'SENT' }],
  ['open', { kind: 'live', status: 'OPEN' }],
  ['modified', { kind: 'live', status: 'OPEN' }],
  ['trigger pending', { kind: 'live', status: 'TRIGGER_PENDING' }],
  ['after market order req received', { kind: 'live', status: 'AMO_QUEUED' }],
  ['modify after market order req received', { kind: 'live', status: 'AMO_QUEUED' }],
  ['amo queued', { kind: 'live', status: 'AMO_QUEUED' }],
  // A modify or cancel in flight, or one that failed: the order keeps its previous state.
  ['modify pending', { kind: 'unchanged' }],
  ['modify validation pending', { kind: 'unchanged' }],
  ['cancel pending', { kind: 'unchanged' }],
  ['not modified', { kind: 'unchanged' }],
  ['not cancelled', { kind: 'unchanged' }],
  ['complete', { kind: 'terminal', status: 'FILLED' }],
  ['cancelled', { kind: 'terminal', status: 'CANCELLED' }],
  ['cancelled after market order', { kind: 'terminal', status: 'CANCELLED' }],
  ['rejected', { kind: 'terminal', status: 'REJECTED' }],
]);

const LIVE_STATUSES: ReadonlySet<OrderStatus> = new Set(['SENT', 'OPEN', 'TRIGGER_PENDING', 'AMO_QUEUED', 'PARTIALLY_FILLED']);

/**
 * Tandem's status for a broker status and the order's filled / total quantity.
 * `previous` is the status Tandem last recorded; a pending or failed modify or cancel keeps
 * it (OPEN when it is unknown or not live). Null for a word Tandem does not know: keep the
 * previous status and log the raw one rather than guess.
 */
export function toOrderStatus(brokerStatus: string, filled: number, quantity: number, previous?: OrderStatus): OrderStatus | null {
  const meaning = MEANINGS.get(brokerStatus.trim().toLowerCase());
  if (!meaning) return null;
  if (meaning.kind === 'terminal') return meaning.status;
  if (filled > 0) return filled >= quantity ? 'FILLED' : 'PARTIALLY_FILLED';
  if (meaning.kind === 'live') return meaning.status;
  return previous !== undefined && LIVE_STATUSES.has(previous) ? previous : 'OPEN';
}
