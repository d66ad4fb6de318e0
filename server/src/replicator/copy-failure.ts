// When the one transaction that writes a master's copies ahead fails (an unexpected database
// error), nothing was sent. Trying the same write again fails the same way until the copies
// are stale, and then every follower's row would blame lateness. Instead the failure is said
// once and as it is: logged with its cause, posted as an alert, and recorded on the master
// and on each follower's row with an error id that leads to the log line.
import { randomUUID } from 'node:crypto';
import type { OrderEventKind } from '../core/types.ts';
import { raiseAlert } from '../alerts/outbox.ts';
import { bulkInsert } from '../persistence/bulk-write.ts';
import { Order } from '../persistence/entities/order.entity.ts';
import type { ReplicatorDeps } from './deps.ts';
import type { LeaseFence } from './account-leases.ts';
import type { FollowerPlan } from './planner.ts';

/** The event kind of the master's and the followers' records of a failed write-ahead. */
export const COPY_FAILED: OrderEventKind = 'COPY_FAILED';

export interface CopyFailure {
  errorId: string;
  plans: FollowerPlan[];
  alerted: boolean;
}

/** What became of recording a failure: only 'unrecorded' is tried again. */
export type FailureRecord = 'recorded' | 'master only' | 'planned elsewhere' | 'not ours' | 'unrecorded';

export function newCopyFailure(plans: FollowerPlan[]): CopyFailure {
  return { errorId: randomUUID().slice(0, 8), plans, alerted: false };
}

export function copyFailedReason(errorId: string): string {
  return `copying failed: could not record the copies (error id ${errorId}); see the server log`;
}

/**
 * Marks the master planned so nothing retries it, with a COPY_FAILED event, and writes each
 * follower's row: FAILED with the reason where a copy was planned, SKIPPED with its own reason
 * where none was. If those rows cannot be written either, the master alone records it.
 */
export async function recordCopyFailure(
  services: ReplicatorDeps,
  fence: LeaseFence | null,
  masterId: string,
  failure: CopyFailure,
): Promise<FailureRecord> {
  const reason = copyFailedReason(failure.errorId);
  const attempts: { outcome: FailureRecord; rows: boolean; message: string }[] = [
    { outcome: 'recorded', rows: true, message: `${reason}; no copy was sent` },
    { outcome: 'master only', rows: false, message: `${reason}; no copy was sent, and the followers' rows could not be written either` },
  ];
  for (const attempt of attempts) {
    try {
      return await services.journal.record(async (tx, emit) => {
        const master = await tx.findOneOrFail(Order, { id: masterId });
        // Fenced like the write-ahead: a new holder of the lease plans the master itself.
        if (fence && !(await fence.heldIn(tx, [master.accountId])).has(master.accountId)) return 'not ours';
        const now = services.clock.now();
        const taken = await tx.nativeUpdate(Order, { id: masterId, copyPlannedAt: null }, { copyPlannedAt: now });
        if (taken === 0) return 'planned elsewhere';
        master.copyPlannedAt = now;
        if (attempt.rows) {
          const rows = failure.plans.map(({ multiplier, follower, plan }) =>
            Object.assign(new Order(), {
              masterOrderId: master.id,
              accountId: follower.id,
              multiplierId: multiplier.id,
              leg: 0,
              exchange: master.exchange,
              symbol: master.symbol,
              token: master.token,
              orderType: master.orderType,
              variety: master.variety,
              price: master.price,
              triggerPrice: master.triggerPrice,
              origin: 'replicator',
              detectedAt: master.detectedAt ?? master.createdAt,
              side: plan.kind === 'copy' ? plan.side : master.side,
              quantity: 0,
              productType: plan.kind === 'copy' ? plan.productType : (multiplier.productType ?? master.productType),
              status: plan.kind === 'copy' ? 'FAILED' : 'SKIPPED',
              reason: plan.kind === 'copy' ? reason : plan.reason,
              createdAt: now,
              updatedAt: now,
            } satisfies Partial<Order>),
          );
          await bulkInsert(tx, Order, rows);
          // COPY_FAILED rather than FAILED: the one alert is posted for the master, not per follower.
          for (const row of rows)
            emit(row, row.status === 'SKIPPED' ? 'SKIPPED' : COPY_FAILED, { masterAccountId: master.accountId, message: row.reason });
        }
        emit(master, COPY_FAILED, { message: attempt.message });
        return attempt.outcome;
      });
    } catch (error) {
      services.log.error(
        { err: error, errorId: failure.errorId, masterId, followerRows: attempt.rows },
        'recording the failed copies failed too',
      );
    }
  }
  return 'unrecorded';
}

/** One critical alert per failure, whether or not the database could record it. */
export function alertCopyFailure(services: ReplicatorDeps, master: Order, failure: CopyFailure): void {
  if (failure.alerted) return;
  failure.alerted = true;
  // Through the outbox when the database takes it, else posted once directly (raiseAlert).
  void raiseAlert(services, {
    kind: 'copy.write_failed',
    severity: 'critical',
    orderId: master.id,
    accountId: master.accountId,
    status: master.status,
    at: services.clock.now().toISOString(),
    text: `Copying of ${master.symbol} failed: could not record the copies (error id ${failure.errorId}); no copy was sent; see the server log`,
  });
}
