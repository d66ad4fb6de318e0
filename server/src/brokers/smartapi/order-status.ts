// SmartAPI's lower-case order statuses to Tandem's OrderStatus. Angel has no "partially
// filled" word: a part-filled order stays 'open' (or is 'cancelled' with fills), so the filled
// quantity decides between OPEN, PARTIALLY_FILLED and FILLED. order-mapping.ts passes
// `orderstatus` when it differs from `status`: 'modified' hides 'trigger pending'.
import type { OrderStatus } from '../../core/types.ts';

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

const meaningOf = (brokerStatus: string) => MEANINGS.get(brokerStatus.trim().toLowerCase());

/**
 * Tandem's status for a SmartAPI status and the order's filled / total quantity. Null where the
 * word does not settle it: a pending or failed modify or cancel without fills keeps the order as
 * Tandem last recorded it (core/reported-status.ts), and so does a word Tandem does not know,
 * rather than a guess.
 */
export function toOrderStatus(brokerStatus: string, filled: number, quantity: number): OrderStatus | null {
  const meaning = meaningOf(brokerStatus);
  if (!meaning) return null;
  if (meaning.kind === 'terminal') return meaning.status;
  if (filled > 0) return filled >= quantity ? 'FILLED' : 'PARTIALLY_FILLED';
  return meaning.kind === 'live' ? meaning.status : null;
}

/** Whether Tandem knows the word; an unknown one is logged, so the table above can learn it. */
export function isKnownStatus(brokerStatus: string): boolean {
  return meaningOf(brokerStatus) !== undefined;
}
