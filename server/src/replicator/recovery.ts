import type { Logger } from 'pino';
import type { Broker } from '../brokers/port.ts';
import type { OrderService } from '../orders/order-service.ts';
import type { Reconciler } from '../orders/reconciler.ts';
import { TERMINAL_STATUSES } from '../core/types.ts';
import { Account } from '../persistence/entities/account.entity.ts';
import { Order } from '../persistence/entities/order.entity.ts';
import type { AppServices } from '../services/container.ts';
import type { MasterDetector } from './detector.ts';
import type { Replicator } from './replicator.ts';

export interface RecoveryReport {
  booksSynced: number;
  mastersPlanned: number;
  childrenSent: number;
  unknownLookedUp: number;
  manualOrdersAbandoned: number;
}

/**
 * At start-up, before new work: fold in what the brokers did while Tandem was down, finish
 * every replication a crash interrupted, and look up every order whose fate is unknown.
 * Nothing is sent twice: PENDING children were never claimed; SENT ones are looked up by tag.
 */
export async function recoverAfterRestart(
  services: AppServices,
  deps: { orders: OrderService; replicator: Replicator; reconciler: Reconciler; detector: MasterDetector; log: Logger },
): Promise<RecoveryReport> {
  const em = services.orm.em.fork();
  const report: RecoveryReport = { booksSynced: 0, mastersPlanned: 0, childrenSent: 0, unknownLookedUp: 0, manualOrdersAbandoned: 0 };

  const live = await em.find(Order, { status: { $nin: [...TERMINAL_STATUSES, 'PENDING'] } }, { fields: ['accountId'] });
  const masters = await em.find(Account, { role: 'MASTER' });
  const accountIds = new Set([...live.map((o) => o.accountId), ...masters.map((a) => a.id)]);
  const accounts = await em.find(Account, { id: { $in: [...accountIds] } });
  await Promise.all(accounts.map(async (account) => {
    let broker: Broker;
    try {
      broker = services.brokers.brokerFor(account);
    } catch {
      return;
    }
    for (const update of await broker.orderBook()) {
      const applied = await deps.orders.applyBrokerUpdate(account.id, update);
      if (!applied) await deps.detector.detect(account, update);
    }
    report.booksSynced += 1;
  }));

  const manual = await em.find(Order, { status: 'PENDING', masterOrderId: null });
  for (const order of manual) {
    await services.journal.record(async (tx, emit) => {
      const row = await tx.findOne(Order, { id: order.id, status: 'PENDING' });
      if (!row) return;
      row.status = 'FAILED';
      row.reason = 'Tandem restarted before this order was sent; it was not sent';
      emit(row, 'FAILED', { message: row.reason });
    });
    report.manualOrdersAbandoned += 1;
  }

  const unplanned = await em.find(Order, {
    masterOrderId: null, copyPlannedAt: null, accountId: { $in: masters.map((m) => m.id) },
    status: { $in: ['OPEN', 'TRIGGER_PENDING', 'AMO_QUEUED', 'PARTIALLY_FILLED', 'FILLED'] },
  });
  for (const master of unplanned) {
    await deps.replicator.replicate(master.id);
    report.mastersPlanned += 1;
  }

  const pending = await em.find(Order, { status: 'PENDING', masterOrderId: { $ne: null } });
  report.childrenSent = pending.length;
  const unknown = await em.find(Order, { status: 'SENT', brokerOrderId: null });
  report.unknownLookedUp = unknown.length;
  await Promise.all([
    deps.replicator.fanOut(pending),
    deps.reconciler.reconcileMany(unknown.map((order) => order.id)),
  ]);
  deps.log.info(report, 'start-up recovery finished');
  return report;
}
