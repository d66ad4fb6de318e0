// The paper exchange's words for an order's state (Angel's, as the exchange plays an Angel One
// book) in Tandem's. Its orders fill whole, at once, so the word alone decides.
import type { PaperOrderStatus } from '../../core/paper/matching.ts';
import type { OrderStatus } from '../../core/types.ts';

const STATUSES: Readonly<Record<PaperOrderStatus, OrderStatus>> = {
  open: 'OPEN',
  'trigger pending': 'TRIGGER_PENDING',
  'amo queued': 'AMO_QUEUED',
  complete: 'FILLED',
  cancelled: 'CANCELLED',
  rejected: 'REJECTED',
};

/** Null for a word the paper exchange never writes (a row changed by hand): Tandem keeps what it had. */
export function paperOrderStatus(status: string): OrderStatus | null {
  return Object.hasOwn(STATUSES, status) ? STATUSES[status as PaperOrderStatus] : null;
}
