// An order's status once its broker has reported on it. Each adapter maps its broker's words to
// Tandem's statuses; a word that does not settle the state (a modify or cancel in flight or
// refused, or one the adapter does not know) comes as null, and the order keeps the live status
// Tandem last recorded: the broker still has it, and guessing could end it or move it back.
import type { OrderStatus } from './types.ts';

const LIVE_STATUSES: ReadonlySet<OrderStatus> = new Set(['SENT', 'OPEN', 'TRIGGER_PENDING', 'AMO_QUEUED', 'PARTIALLY_FILLED']);

/** `previous`: the status Tandem last recorded, if any; OPEN stands in when it is unknown or not live. */
export function statusAfterReport(reported: OrderStatus | null, previous?: OrderStatus): OrderStatus {
  if (reported !== null) return reported;
  return previous !== undefined && LIVE_STATUSES.has(previous) ? previous : 'OPEN';
}
