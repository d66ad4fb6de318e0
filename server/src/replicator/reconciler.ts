import { LockMode } from '@mikro-orm/core';
import { setTimeout as sleep } from 'node:timers/promises';
import type { BrokerOrder } from '../brokers/port.ts';
import { statusAfterReport } from '../core/reported-status.ts';
import { Account } from '../persistence/entities/account.entity.ts';
import { Order } from '../persistence/entities/order.entity.ts';
import type { ReplicatorDeps } from './deps.ts';
import type { OrderSender } from './order-sender.ts';

export type ReconcileOutcome = 'found' | 'resent' | 'settled';

/**
 * Exactly once: an order whose fate is unknown (a timeout, a crash between claim and reply)
 * is looked up in its account's book by tag before anything is resent. It counts as absent
 * only after two look-ups `recheckMs` apart both miss, because order books lag.
 */
export class Reconciler {
  constructor(
    private readonly services: ReplicatorDeps,
    private readonly sender: OrderSender,
    private readonly recheckMs = 3000,
  ) {}

  async reconcile(orderId: string): Promise<ReconcileOutcome> {
    const [outcome] = await this.reconcileMany([orderId]);
    return outcome ?? 'settled';
  }

  /**
   * Many unknown orders at once (start-up recovery after a crash in a fan-out): the same two
   * look-ups for each, but one transaction per step for all of them and the resends claimed
   * together, so a thousand unknown children cost a few transactions, not a few thousand.
   */
  async reconcileMany(orderIds: string[]): Promise<ReconcileOutcome[]> {
    const em = this.services.orm.em.fork();
    const orders = await em.find(Order, { id: { $in: orderIds }, status: 'SENT', brokerOrderId: null, orderTag: { $ne: null } });
    const accounts = new Map((await em.find(Account, { id: { $in: [...new Set(orders.map((o) => o.accountId))] } })).map((a) => [a.id, a]));
    const outcomes = new Map<string, ReconcileOutcome>();
    let missing = orders.filter((order) => accounts.has(order.accountId));
    for (let attempt = 0; attempt < 2 && missing.length > 0; attempt += 1) {
      if (attempt > 0) await sleep(this.recheckMs);
      // One account's failing look-up leaves only its own order unknown (still SENT), never the others.
      const looked = await Promise.all(
        missing.map(async (order) => {
          try {
            return { order, found: await this.services.brokers.brokerFor(accounts.get(order.accountId)!).findOrderByTag(order.orderTag!) };
          } catch (error) {
            this.services.log.error({ err: error, orderId: order.id }, 'looking up an order of unknown fate failed; it stays unknown');
            return { order, found: undefined };
          }
        }),
      );
      const found = looked.flatMap(({ order, found }) => (found ? [{ orderId: order.id, found }] : []));
      if (found.length > 0) await this.adopt(found);
      for (const { orderId } of found) outcomes.set(orderId, 'found');
      missing = looked.filter(({ found }) => found === null).map(({ order }) => order);
    }
    const reset =
      missing.length === 0
        ? new Set<string>()
        : await this.services.journal.record(async (tx, emit) => {
            // Only the instance replicating a child's master may send it again, and only a row no
            // one touched since it was read before the look-ups (another look-up, a late reply).
            const seen = new Map(missing.map((o) => [o.id, o.updatedAt.getTime()]));
            const unchanged = (
              await tx.find(
                Order,
                { id: { $in: missing.map((o) => o.id) }, status: 'SENT', brokerOrderId: null },
                { lockMode: LockMode.PESSIMISTIC_WRITE },
              )
            ).filter((row) => row.updatedAt.getTime() === seen.get(row.id));
            const rows = await this.sender.ours(tx, unchanged);
            // One placed longer ago than MAX_COPY_DELAY_S would go out stale (a broker down for
            // minutes): failed with the reason instead, as a restart fails such an order.
            const maxAgeS = this.services.config.MAX_COPY_DELAY_S;
            const cutoff = this.services.clock.now().getTime() - maxAgeS * 1000;
            const resend = new Set<string>();
            for (const row of rows) {
              const absent = `not in ${accounts.get(row.accountId)!.label}'s order book after two look-ups ${this.recheckMs} ms apart`;
              if (row.createdAt.getTime() < cutoff) {
                row.status = 'FAILED';
                row.reason = `${absent}, and placed more than ${maxAgeS} s ago: not sent again, as it would go out stale`;
                emit(row, 'FAILED', { message: row.reason });
                continue;
              }
              row.status = 'PENDING';
              row.reason = `${absent}; sending again`;
              emit(row, 'NOT_AT_BROKER', { message: row.reason });
              resend.add(row.id);
            }
            return resend;
          });
    await Promise.all(
      missing
        .filter((order) => reset.has(order.id))
        .map(async (order) => {
          try {
            await this.sender.send(order, accounts.get(order.accountId)!);
            outcomes.set(order.id, 'resent');
          } catch (error) {
            this.services.log.error({ err: error, orderId: order.id }, 'resending an order that was not at the broker failed');
          }
        }),
    );
    return orderIds.map((id) => outcomes.get(id) ?? 'settled');
  }

  /** The broker has them: take their ids and states, as if the replies had arrived. */
  private async adopt(found: { orderId: string; found: BrokerOrder }[]): Promise<void> {
    await this.services.journal.record(async (tx, emit) => {
      const rows = new Map((await tx.find(Order, { id: { $in: found.map((f) => f.orderId) } })).map((row) => [row.id, row]));
      for (const { orderId, found: order } of found) {
        const row = rows.get(orderId);
        if (!row || row.brokerOrderId) continue;
        row.brokerOrderId = order.brokerOrderId;
        row.acknowledgedAt = this.services.clock.now();
        row.brokerStatus = order.brokerStatus;
        row.status = statusAfterReport(order.status, row.status);
        row.filledQuantity = order.filledQuantity;
        row.averagePrice = order.averagePrice;
        row.reason = `found in the broker's book by tag ${row.orderTag}; not resent`;
        emit(row, 'RECONCILED', { message: row.reason });
      }
    });
  }
}
