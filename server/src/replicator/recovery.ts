import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from 'pino';
import type { BrokerOrder } from '../brokers/port.ts';
import type { Reconciler } from './reconciler.ts';
import { TERMINAL_STATUSES } from '../core/types.ts';
import {
  accountsWithUnsettledChildren,
  accountsWithUnsettledOwnOrders,
  childIdsOfMasters,
  ownOrdersSentWithoutAnswer,
} from '../persistence/repositories/order-facts.repository.ts';
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

/** Folds brokers' reports of orders into their rows, many per transaction (the order service does this); null where Tandem has no row. */
export interface BrokerUpdateSink {
  applyBrokerUpdates(items: { accountId: string; update: BrokerOrder }[]): Promise<(Order | null)[]>;
}

/** Book rows folded per transaction: a takeover re-reads a hundred books without a transaction per row. */
const BOOK_BATCH = 500;
/** Books read and folded at the same time. */
const BOOKS_AT_ONCE = 4;

export interface RecoveryDeps {
  replicator: Replicator;
  reconciler: Reconciler;
  orders: BrokerUpdateSink;
  detector: MasterDetector;
  log: Logger;
}

/**
 * Reads each account's order book and folds in what Tandem missed: updates of its orders, and
 * orders it has no row for (a master's, detected). One account's failing book is logged and
 * skipped. Returns how many books were read.
 */
async function syncBooks(services: ReplicatorDeps, deps: RecoveryDeps, accounts: Account[]): Promise<number> {
  let synced = 0;
  // A few books at a time: a hundred at once would queue every other transaction (the copies
  // being planned and sent meanwhile) behind their writes.
  const queue = [...accounts];
  const worker = async () => {
    for (let account = queue.shift(); account; account = queue.shift()) await syncOne(account);
  };
  const syncOne = async (account: Account) => {
    try {
      const book = await services.brokers.brokerFor(account).orderBook();
      for (let start = 0; start < book.length; start += BOOK_BATCH) {
        const updates = book.slice(start, start + BOOK_BATCH);
        const applied = await deps.orders.applyBrokerUpdates(updates.map((update) => ({ accountId: account.id, update })));
        // Orders Tandem has no row for: a master's, placed at the broker, detected in book order.
        for (const [index, update] of updates.entries()) if (!applied[index]) await deps.detector.detect(account, update);
      }
      synced += 1;
    } catch (error) {
      deps.log.error(
        { err: error, accountId: account.id },
        "reading an account's order book failed; its orders are read again at the next recovery",
      );
    }
  };
  await Promise.all(Array.from({ length: Math.min(BOOKS_AT_ONCE, accounts.length) }, worker));
  return synced;
}

/**
 * Finishes what an instance left of these masters' replications (its own crash, or another
 * instance that went quiet and whose leases this one took over): plans accepted masters no one
 * planned, sends children never claimed, re-reads the books holding children the broker may
 * still move (their fills may have reached only the old holder), and looks up by tag every
 * child whose fate is unknown. `unknownAfterMs`: at a takeover, one lease TTL, so an old holder
 * paused between its last check and its broker call has sent, or never will, before the look-up.
 */
export async function recoverMasters(
  services: ReplicatorDeps,
  deps: RecoveryDeps,
  masterAccountIds: string[],
  options: { unknownAfterMs?: number; booksRead?: boolean } = {},
): Promise<Pick<RecoveryReport, 'mastersPlanned' | 'childrenSent' | 'unknownLookedUp' | 'booksSynced'>> {
  if (masterAccountIds.length === 0) return { mastersPlanned: 0, childrenSent: 0, unknownLookedUp: 0, booksSynced: 0 };
  const em = services.orm.em.fork();
  // The masters' own books first: a master's fill the old holder heard and never recorded
  // decides whether the next master order closes or opens.
  const mastersBooks = options.booksRead ? 0 : await syncBooks(services, deps, await em.find(Account, { id: { $in: masterAccountIds } }));
  // Children of unknown fate as the old holder left them, taken before this instance sends
  // anything of its own (its own sends in flight are never looked up as unknown), and looked up
  // one TTL later while the backlog is planned and sent.
  const unknown = await childIdsOfMasters(em, masterAccountIds, 'SENT');
  const lookUpUnknown = async () => {
    if (unknown.length > 0 && (options.unknownAfterMs ?? 0) > 0) {
      deps.log.info(
        { count: unknown.length, waitMs: options.unknownAfterMs },
        'children of unknown fate: waiting one lease TTL before looking them up, so a paused old holder cannot send after',
      );
      await sleep(options.unknownAfterMs!);
    }
    await deps.reconciler.reconcileMany(unknown);
    return unknown.length;
  };
  const unknownLookedUp = lookUpUnknown();
  const mastersPlanned = await deps.replicator.replicateUnplanned(masterAccountIds);
  // The followers' books after the backlog went out, not before it: sizing counts an unsettled
  // copy's unfilled rest as in flight, so its unrecorded fill changes no copy's size.
  const followerBooks = options.booksRead
    ? Promise.resolve(0)
    : (async () => {
        const moving = (await accountsWithUnsettledChildren(em, masterAccountIds)).filter((id) => !masterAccountIds.includes(id));
        return syncBooks(services, deps, await em.find(Account, { id: { $in: moving } }));
      })();
  const pending = await em.find(Order, { id: { $in: await childIdsOfMasters(em, masterAccountIds, 'PENDING') } });
  const [, looked, followersBooks] = await Promise.all([deps.replicator.fanOut(pending), unknownLookedUp, followerBooks]);
  return { mastersPlanned, childrenSent: pending.length, unknownLookedUp: looked, booksSynced: mastersBooks + followersBooks };
}

/**
 * At start-up, before new work: fold in what the brokers did while Tandem was down, finish
 * every replication a crash interrupted, and look up every order whose fate is unknown.
 * Nothing is sent twice: PENDING children were never claimed; SENT ones are looked up by tag.
 */
export async function recoverAfterRestart(
  services: ReplicatorDeps,
  deps: RecoveryDeps & { masterIds?: string[]; unknownAfterMs?: number },
): Promise<RecoveryReport> {
  const em = services.orm.em.fork();
  const report: RecoveryReport = {
    booksSynced: 0,
    mastersPlanned: 0,
    childrenSent: 0,
    unknownLookedUp: 0,
    manualOrdersAbandoned: 0,
    manualOrdersSent: 0,
  };

  const live = await em.find(Order, { status: { $nin: [...TERMINAL_STATUSES, 'PENDING'] } }, { fields: ['accountId'] });
  const masters = await em.find(Account, { role: 'MASTER' });
  const accountIds = new Set([...live.map((o) => o.accountId), ...masters.map((a) => a.id)]);
  const accounts = await em.find(Account, { id: { $in: [...accountIds] } });
  report.booksSynced = await syncBooks(services, deps, accounts);

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
    recoverMasters(services, deps, deps.masterIds ?? masters.map((m) => m.id), { booksRead: true, unknownAfterMs: deps.unknownAfterMs }),
    deps.reconciler.reconcileMany(unknownManual.map((order) => order.id)),
    deps.replicator.fanOut(waiting),
  ]);
  report.mastersPlanned = mastered.mastersPlanned;
  report.childrenSent = mastered.childrenSent;
  report.unknownLookedUp = mastered.unknownLookedUp + unknownManual.length;
  deps.log.info(report, 'start-up recovery finished');
  return report;
}

/**
 * Every non-final order of the masters held here is eventually reconciled with its broker's
 * book, not only at a takeover or a restart: an update whose transaction died (a cut database
 * connection) is read again from the book; an order left SENT with no broker id (its placement
 * cut) is looked up by tag and sent if the broker never got it; a child left PENDING (its send
 * cut before the claim) is sent. Children and the masters' own orders alike; only those
 * unchanged since `unchangedSince`, and never one this process is sending right now (`sending`).
 */
export async function settleStale(
  services: ReplicatorDeps,
  deps: RecoveryDeps,
  masterAccountIds: string[],
  unchangedSince: Date,
  sending: (orderId: string) => boolean,
): Promise<{ booksSynced: number; unknownLookedUp: number; childrenSent: number }> {
  if (masterAccountIds.length === 0) return { booksSynced: 0, unknownLookedUp: 0, childrenSent: 0 };
  const em = services.orm.em.fork();
  const accounts = [
    ...new Set([
      ...(await accountsWithUnsettledOwnOrders(em, masterAccountIds, unchangedSince)),
      ...(await accountsWithUnsettledChildren(em, masterAccountIds, unchangedSince)),
    ]),
  ];
  const booksSynced = accounts.length === 0 ? 0 : await syncBooks(services, deps, await em.find(Account, { id: { $in: accounts } }));
  const stuck = [
    ...(await childIdsOfMasters(em, masterAccountIds, 'SENT', unchangedSince)),
    ...(await ownOrdersSentWithoutAnswer(em, masterAccountIds, unchangedSince)),
  ].filter((id) => !sending(id));
  const unsent = (await childIdsOfMasters(em, masterAccountIds, 'PENDING', unchangedSince)).filter((id) => !sending(id));
  if (stuck.length > 0) deps.log.warn({ count: stuck.length }, 'orders sent with no answer recorded for a while: looking them up by tag');
  if (unsent.length > 0) deps.log.warn({ count: unsent.length }, 'children never claimed for a while: sending them now');
  await Promise.all([
    deps.reconciler.reconcileMany(stuck),
    unsent.length > 0 ? deps.replicator.fanOut(await em.find(Order, { id: { $in: unsent }, status: 'PENDING' })) : undefined,
  ]);
  return { booksSynced, unknownLookedUp: stuck.length, childrenSent: unsent.length };
}
