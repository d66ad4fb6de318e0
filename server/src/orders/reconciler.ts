import { setTimeout as sleep } from 'node:timers/promises';
import type { BrokerOrder } from '../brokers/port.ts';
import { toOrderStatus } from '../core/broker-status.ts';
import { Account } from '../persistence/entities/account.entity.ts';
import { Order } from '../persistence/entities/order.entity.ts';
import type { AppServices } from '../services/container.ts';
import type { OrderSender } from './order-sender.ts';

/**
 * Exactly once: an order whose fate is unknown (a timeout, a crash between claim and reply)
 * is looked up in its account's book by tag before anything is resent. It counts as absent
 * only after two look-ups `recheckMs` apart both miss, because order books lag.
 */
export class Reconciler {
  constructor(
    private readonly services: AppServices,
    private readonly sender: OrderSender,
    private readonly recheckMs = 3000,
  ) {}

  async reconcile(orderId: string): Promise<'found' | 'resent' | 'settled'> {
    const em = this.services.orm.em.fork();
    const order = await em.findOne(Order, { id: orderId });
    if (!order || order.status !== 'SENT' || order.brokerOrderId || !order.orderTag) return 'settled';
    const account = await em.findOneOrFail(Account, { id: order.accountId });
    const broker = this.services.brokers.brokerFor(account);
    for (let attempt = 0; attempt < 2; attempt += 1) {
      if (attempt > 0) await sleep(this.recheckMs);
      const found = await broker.findOrderByTag(order.orderTag);
      if (found) {
        await this.adopt(order.id, found);
        return 'found';
      }
    }
    const reset = await this.services.journal.record(async (tx, emit) => {
      const row = await tx.findOne(Order, { id: order.id, status: 'SENT', brokerOrderId: null });
      if (!row) return false;
      row.status = 'PENDING';
      row.reason = `not in ${account.label}'s order book after two look-ups ${this.recheckMs} ms apart; sending again`;
      emit(row, 'NOT_AT_BROKER', { message: row.reason });
      return true;
    });
    if (!reset) return 'settled';
    await this.sender.send(order, account);
    return 'resent';
  }

  /** The broker has it: take its id and state, as if the reply had arrived. */
  private async adopt(orderId: string, found: BrokerOrder): Promise<void> {
    await this.services.journal.record(async (tx, emit) => {
      const row = await tx.findOne(Order, { id: orderId });
      if (!row || row.brokerOrderId) return;
      row.brokerOrderId = found.brokerOrderId;
      row.acknowledgedAt = this.services.clock.now();
      row.brokerStatus = found.status;
      row.status = toOrderStatus(found.status, found.filledQuantity, found.quantity, row.status) ?? 'OPEN';
      row.filledQuantity = found.filledQuantity;
      row.averagePrice = found.averagePrice;
      row.reason = `found in the broker's book by tag ${row.orderTag}; not resent`;
      emit(row, 'RECONCILED', { message: row.reason });
    });
  }
}
