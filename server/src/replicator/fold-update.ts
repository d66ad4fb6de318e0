import type { BrokerOrder } from '../brokers/port.ts';
import { statusAfterReport } from '../core/reported-status.ts';
import { TERMINAL_STATUSES } from '../core/types.ts';
import type { Order } from '../persistence/entities/order.entity.ts';
import { SQUARE_OFF_ORIGIN } from '../persistence/repositories/square-off.repository.ts';

/**
 * Folds a broker's view of an order into its row. Returns the event kind to record, or null
 * when nothing changed. Terminal states are never left (FAILED may be corrected by the broker).
 */
export function foldBrokerUpdate(row: Order, update: BrokerOrder, now: Date): 'BROKER_UPDATE' | 'MODIFIED' | null {
  if (TERMINAL_STATUSES.has(row.status) && row.status !== 'FAILED') return null;
  const status = statusAfterReport(update.status, row.status);
  // The broker's book changed the terms: a modification made at the broker (or by us). It
  // usually leaves the status as it was, so it counts as a change on its own.
  const modified =
    update.quantity !== row.quantity ||
    update.price !== row.price ||
    update.triggerPrice !== row.triggerPrice ||
    update.orderType !== row.orderType;
  if (!modified && status === row.status && update.filledQuantity === row.filledQuantity && update.brokerStatus === row.brokerStatus)
    return null;
  row.brokerOrderId ??= update.brokerOrderId;
  row.acknowledgedAt ??= now;
  row.status = status;
  row.brokerStatus = update.brokerStatus;
  row.filledQuantity = update.filledQuantity;
  row.averagePrice = update.averagePrice;
  row.quantity = update.quantity;
  row.price = update.price;
  row.triggerPrice = update.triggerPrice;
  row.orderType = update.orderType;
  if (status === 'REJECTED' || status === 'CANCELLED') row.reason = update.statusMessage ?? row.reason;
  // A square-off's reason says who asked for it and what it closes; the broker's report does not change that.
  else if (status !== 'FAILED' && row.origin !== SQUARE_OFF_ORIGIN) row.reason = null;
  row.updatedAt = now;
  return modified ? 'MODIFIED' : 'BROKER_UPDATE';
}
