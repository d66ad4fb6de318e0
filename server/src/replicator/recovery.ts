import type { Logger } from 'pino';
import type { Broker, BrokerOrder } from '../brokers/port.ts';
import type { Reconciler } from './reconciler.ts';
import { TERMINAL_STATUSES, } from '../core/types.ts';
import { childIdsOfMasters } from '../persistence/repositories/order-facts.repository.ts';
import { Account } from '../persistence/entities/account.entity.ts';
import { Order } from '../persistence/entities/order.entity.ts';
import type { ReplicatorDeps } from './deps.ts';
import type { MasterDetector } from './detector.ts';
import type { Replicator } from './replicator.ts';

export interface RecoveryReport {
  booksSynced: number;
  mastersPlanned: number;
  childrenSent: number;
  unknownLookedUp: number;
  /** Orders placed through the API, never sent, too old to send now. */
  manualOrdersAbandoned: number;
  /** Orders placed through the API and still waiting for their turn: sent now (once; the claim decides). */
  manualOrdersSent: number;
}

/** Folds a broker's report of an order into its row (the order service does this); null when Tandem has no row for it. */
export interface BrokerUpdateSink {
  applyBrokerUpdate(accountId: string, update: BrokerOrder): Promise<Order | null>;
}

export interface RecoveryDeps {
  replicator: Replicator;
  reconciler: Reconciler;
  log: Logger;
}

/**
 * Finishes what an instance left of these masters' replications (its own crash, or another
 * instance that went quiet and whose leases this one took over): plans accepted masters no one
 * planned, sends children never claimed, and looks up by tag every child whose fate is unknown.
 */
export async function recoverMasters(services: ReplicatorDeps, deps: RecoveryDeps, masterAccountIds: string[]): Promise<Pick<RecoveryReport, 'mastersPlanned' | 'childrenSent' | 'unknownLookedUp'>> {
  if (masterAccountIds.length === 0) return { mastersPlanned: 0, childrenSent: 0, unknownLookedUp: 0 };
  const mastersPlanned = await deps.replicator.replicateUnplanned(masterAccountIds);
  const em = services.orm.em.fork();
  const pending = await em.find(Order, { id: { $in: await childIdsOfMasters(em, masterAccountIds, 'PENDING') } });
  const unknown = await em.find(Order, { id: { $in: await childIdsOfMasters(em, masterAccountIds, 'SENT') }, brokerOrderId: null });
  await Promise.all([
    deps.replicator.fanOut(pending),
    deps.reconciler.reconcileMany(unknown.map((order) => order.id)),
  ]);
  return { mastersPlanned, childrenSent: pending.length, unknownLookedUp: unknown.length };
}

/**
 * At start-up, before new work: fold in what the brokers did while Tandem was down, finish
 * every replication a crash interrupted, and look up every order whose fate is unknown.
 * Nothing is sent twice: PENDING children were never claimed; SENT ones are looked up by tag.
 */
export async function recoverAfterRestart(
  services: ReplicatorDeps,
  deps: RecoveryDeps & { orders: BrokerUpdateSink; detector: MasterDetector; masterIds?: string[] },
): Promise<RecoveryReport> {
  const em = services.orm.em.fork();
  const report: RecoveryReport = { booksSynced: 0, mastersPlanned: 0, childrenSent: 0, unknownLookedUp: 0, manualOrdersAbandoned: 0, manualOrdersSent: 0 };

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

  // An order placed through the API waits PENDING only for its account's rate limit, in the
  // instance that took it, which may be this one before a crash or another one still running.
  // A recent one is sent (claimed PENDING -> SENT, so only one instance ever sends it); one
  // older than MAX_COPY_DELAY_S would go out stale and is failed with the reason.
  const maxAgeS = services.config.MAX_COPY_DELAY_S;
  const cutoff = new Date(services.clock.now().getTime() - maxAgeS * 1000);
  const manual = await em.find(Order, { status: 'PENDING', masterOrderId: null });
  const stale = manual.filter((order) => order.createdAt < cutoff);
  const waiting = manual.filter((order) => order.createdAt >= cutoff);
  for (const order of stale) {
    await services.journal.record(async (tx, emit) => {
      const row = await tx.findOne(Order, { id: order.id, status: 'PENDING' });
      if (!row) return;
      row.status = 'FAILED';
      row.reason = `Tandem restarted before this order was sent, more than ${maxAgeS} s after it was placed; not sent, as it would go out stale`;
      emit(row, 'FAILED', { message: row.reason });
    });
    report.manualOrdersAbandoned += 1;
  }
  report.manualOrdersSent = waiting.length;

  const unknownManual = await em.find(Order, { status: 'SENT', brokerOrderId: null, masterOrderId: null });
  const [mastered] = await Promise.all([
    recoverMasters(services, deps, deps.masterIds ?? masters.map((m) => m.id)),
    deps.reconciler.reconcileMany(unknownManual.map((order) => order.id)),
    deps.replicator.fanOut(waiting),
  ]);
  report.mastersPlanned = mastered.mastersPlanned;
  report.childrenSent = mastered.childrenSent;
  report.unknownLookedUp = mastered.unknownLookedUp + unknownManual.length;
  deps.log.info(report, 'start-up recovery finished');
  return report;
}
