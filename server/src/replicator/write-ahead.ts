import type { EntityManager } from '@mikro-orm/core';
import type { Emit, WriteAlong } from '../events/order-journal.ts';
import { Order } from '../persistence/entities/order.entity.ts';
import { claimMasterForPlanning } from '../persistence/repositories/order-plan.repository.ts';
import type { FollowerPlan } from './planner.ts';

const newOrder = (fields: Partial<Order>): Order => Object.assign(new Order(), fields);

/**
 * Writes every child of a master in the caller's transaction before any is sent: rows with
 * their tags for copies (already claimed, SENT, where no rate limit makes them wait; else
 * PENDING), SKIPPED rows with the reason for the rest. The master's copyPlannedAt is set
 * conditionally first (the statement returns the master as it is now), so a second planner
 * (another worker, another instance, a restart) finds it taken and writes nothing; the unique
 * (master, multiplier, leg) constraint backs that up. The children are inserted by the
 * statement that writes the events (WriteAlong). Returns null when the master was planned
 * already. `tags`: one per copy leg.
 */
export async function writeChildrenAhead(
  { tx, emit, along }: { tx: EntityManager; emit: Emit; along: WriteAlong },
  masterId: string,
  plans: FollowerPlan[],
  tags: string[],
  now: Date,
  claimAtBirth: (follower: FollowerPlan['follower']) => boolean,
): Promise<Order[] | null> {
  const master = await claimMasterForPlanning(tx, masterId, now);
  if (!master) return null;
  const children: Order[] = [];
  const base = {
    masterOrderId: master.id,
    exchange: master.exchange,
    symbol: master.symbol,
    token: master.token,
    orderType: master.orderType,
    variety: master.variety,
    price: master.price,
    triggerPrice: master.triggerPrice,
    origin: 'replicator',
    detectedAt: master.detectedAt ?? master.createdAt,
    createdAt: now,
    updatedAt: now,
  };
  for (const { multiplier, follower, plan } of plans) {
    if (plan.kind === 'skip') {
      children.push(
        newOrder({
          ...base,
          accountId: follower.id,
          multiplierId: multiplier.id,
          leg: 0,
          side: master.side,
          quantity: 0,
          productType: multiplier.productType ?? master.productType,
          status: 'SKIPPED',
          reason: plan.reason,
        }),
      );
      continue;
    }
    // With no rate limit to wait for, the child is claimed by this very transaction: no other
    // worker can see it before it is ours, and a crash leaves it SENT, to be looked up by tag.
    const claimed = claimAtBirth(follower);
    plan.legs.forEach((quantity, leg) => {
      children.push(
        newOrder({
          ...base,
          accountId: follower.id,
          multiplierId: multiplier.id,
          leg,
          side: plan.side,
          quantity,
          productType: plan.productType,
          status: claimed ? 'SENT' : 'PENDING',
          sentAt: claimed ? now : null,
          orderTag: tags.shift()!,
          reason: plan.notes.length > 0 ? plan.notes.join('; ') : null,
        }),
      );
    });
  }
  along.insert(Order, children);
  for (const child of children)
    emit(child, child.status === 'SKIPPED' ? 'SKIPPED' : 'CREATED', { masterAccountId: master.accountId, message: child.reason });
  const copies = children.filter((c) => c.status !== 'SKIPPED').length;
  emit(master, 'COPY_PLANNED', { message: `${copies} ${copies === 1 ? 'copy' : 'copies'} to send, ${children.length - copies} skipped` });
  return children;
}
