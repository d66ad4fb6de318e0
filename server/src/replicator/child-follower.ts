import { BrokerCallError } from '../brokers/port.ts';
import { orderBoundsFrom } from '../core/order-bounds.ts';
import { TERMINAL_STATUSES, type OrderEventKind, type OrderStatus } from '../core/types.ts';
import { planChildModification, shouldCopyCancellation } from '../core/replication/modification.ts';
import type { OrderSender } from './order-sender.ts';
import type { OrderTagPool } from '../persistence/repositories/sequences.ts';
import { Account } from '../persistence/entities/account.entity.ts';
import { Multiplier } from '../persistence/entities/multiplier.entity.ts';
import { Order } from '../persistence/entities/order.entity.ts';
import type { ReplicatorDeps } from './deps.ts';
import { loadFacts, rulesOf } from './planner.ts';

/** Carries a master's modifications and cancellations to its open children, where their multipliers copy them. */
export class ChildFollower {
  constructor(
    private readonly services: ReplicatorDeps,
    private readonly sender: OrderSender,
    private readonly tags: OrderTagPool,
  ) {}

  async propagateCancellation(masterId: string, masterStatus: OrderStatus): Promise<void> {
    const em = this.services.orm.em.fork();
    const children = await em.find(Order, { masterOrderId: masterId, status: { $nin: [...TERMINAL_STATUSES] } });
    if (children.length === 0) return;
    const multipliers = new Map(
      (await em.find(Multiplier, { id: { $in: children.map((c) => c.multiplierId!).filter(Boolean) } })).map((m) => [m.id, m]),
    );
    const accounts = new Map(
      (await em.find(Account, { id: { $in: [...new Set(children.map((c) => c.accountId))] } })).map((a) => [a.id, a]),
    );
    // A master rejected after it was accepted is always unwound; a cancel only where the link copies cancels.
    const targets = children.filter((c) => {
      const multiplier = multipliers.get(c.multiplierId ?? '');
      return masterStatus === 'REJECTED' || !multiplier || shouldCopyCancellation(multiplier).copy;
    });
    await Promise.all(
      targets.map(async (child) => {
        if (child.status === 'PENDING') {
          await this.services.journal.record(async (tx, emit) => {
            const row = await tx.findOne(Order, { id: child.id, status: 'PENDING' });
            if (!row) return;
            row.status = 'CANCELLED';
            row.reason = `master ${masterStatus.toLowerCase()} before this copy was sent`;
            emit(row, 'CANCELLED', { message: row.reason });
          });
          return;
        }
        const account = accounts.get(child.accountId);
        if (!account || !child.brokerOrderId) return;
        try {
          await this.sender.forChild(child, account, () => this.services.brokers.brokerFor(account).cancelOrder(child.brokerOrderId!));
        } catch (error) {
          await this.note(
            child.id,
            'CANCEL_FAILED',
            `could not cancel after the master was ${masterStatus.toLowerCase()}: ${describe(error)}`,
          );
        }
      }),
    );
  }

  async propagateModification(masterId: string): Promise<void> {
    const em = this.services.orm.em.fork();
    const master = await em.findOneOrFail(Order, { id: masterId });
    const children = await em.find(Order, { masterOrderId: masterId, status: { $ne: 'SKIPPED' } }, { orderBy: { leg: 'asc' } });
    const instrument = this.services.instruments.findByToken(master.exchange, master.token);
    if (children.length === 0 || !instrument) return;
    const multipliers = await em.find(Multiplier, { id: { $in: [...new Set(children.map((c) => c.multiplierId!).filter(Boolean))] } });
    const facts = await loadFacts(
      this.services,
      em,
      master,
      instrument,
      multipliers,
      children.map((c) => c.id),
    );
    await Promise.all(
      multipliers.map(async (multiplier) => {
        const follower = facts.followers.get(multiplier.followerId);
        const legs = children.filter((c) => c.multiplierId === multiplier.id);
        const first = legs[0];
        if (!follower || !first) return;
        const plan = planChildModification({
          master: facts.master,
          rules: rulesOf(multiplier),
          follower: facts.followerFacts(multiplier, follower),
          instrument,
          globalKillSwitch: facts.globalKillSwitch,
          referencePrice: facts.referencePrice,
          bounds: orderBoundsFrom(this.services.config),
          child: {
            orderType: first.orderType,
            price: first.price,
            triggerPrice: first.triggerPrice,
            legs: legs.map((c) => ({
              leg: c.leg,
              quantity: c.quantity,
              filledQuantity: c.filledQuantity,
              open: !TERMINAL_STATUSES.has(c.status) && c.brokerOrderId !== null,
            })),
          },
        });
        if (plan.kind === 'unchanged') return;
        if (plan.kind === 'skip') {
          await Promise.all(
            legs.filter((c) => !TERMINAL_STATUSES.has(c.status)).map((c) => this.note(c.id, 'MODIFY_SKIPPED', plan.reason)),
          );
          return;
        }
        const broker = this.services.brokers.brokerFor(follower);
        await Promise.all(
          plan.legs.map(async (change) => {
            const child = legs.find((c) => c.leg === change.leg);
            if (!child?.brokerOrderId || change.action === 'keep') return;
            try {
              await this.sender.forChild(child, follower, () =>
                change.action === 'cancel'
                  ? broker.cancelOrder(child.brokerOrderId!)
                  : broker.modifyOrder(child.brokerOrderId!, {
                      quantity: change.quantity,
                      price: plan.price,
                      triggerPrice: plan.triggerPrice,
                      orderType: plan.orderType,
                    }),
              );
            } catch (error) {
              await this.note(child.id, 'MODIFY_FAILED', `could not follow the master's modification: ${describe(error)}`);
            }
          }),
        );
        if (plan.newLegs.length > 0) await this.addLegs(master, first, follower, plan.newLegs, Math.max(...legs.map((c) => c.leg)) + 1);
      }),
    );
  }

  /** A modification that outgrew the open legs: more legs, written ahead and sent like any copy. */
  private async addLegs(master: Order, template: Order, follower: Account, quantities: number[], firstLeg: number): Promise<void> {
    const created = await this.services.journal.record(async (tx, emit) => {
      const tags = await this.tags.take(quantities.length);
      const now = this.services.clock.now();
      return quantities.map((quantity, index) => {
        const row = tx.create(Order, {
          accountId: follower.id,
          masterOrderId: master.id,
          multiplierId: template.multiplierId,
          leg: firstLeg + index,
          exchange: master.exchange,
          symbol: master.symbol,
          token: master.token,
          side: template.side,
          quantity,
          orderType: master.orderType,
          productType: template.productType,
          variety: master.variety,
          price: master.price,
          triggerPrice: master.triggerPrice,
          status: 'PENDING',
          origin: 'replicator',
          orderTag: tags[index]!,
          detectedAt: now,
          createdAt: now,
          updatedAt: now,
        });
        emit(row, 'CREATED', { masterAccountId: master.accountId, message: 'added when the master was modified' });
        return row;
      });
    });
    await Promise.all(created.map((row) => this.sender.send(row, follower)));
  }

  private async note(orderId: string, kind: OrderEventKind, message: string): Promise<void> {
    await this.services.journal.record(async (tx, emit) => {
      const row = await tx.findOne(Order, { id: orderId });
      if (!row) return;
      row.reason = message;
      emit(row, kind, { message });
    });
  }
}

function describe(error: unknown): string {
  return error instanceof BrokerCallError || error instanceof Error ? error.message : String(error);
}
