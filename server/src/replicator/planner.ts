import type { EntityManager } from '@mikro-orm/core';
import { orderBoundsFrom } from '../core/order-bounds.ts';
import { planChild } from '../core/replication/plan.ts';
import { skip, type ChildPlan, type FollowerFacts, type MasterOrderFacts } from '../core/replication/plan-types.ts';
import type { ReplicationRules } from '../core/replication/modification.ts';
import { Account } from '../persistence/entities/account.entity.ts';
import type { Instrument } from '../persistence/entities/instrument.entity.ts';
import { Multiplier } from '../persistence/entities/multiplier.entity.ts';
import type { Order } from '../persistence/entities/order.entity.ts';
import type { ReplicatorDeps } from './deps.ts';
import { isGlobalKillSwitchEngaged } from '../persistence/repositories/settings.repository.ts';
import { type Holding, holdingsByAccount } from '../persistence/repositories/order-facts.repository.ts';
import { dailyActivity } from './facts.ts';

export interface FollowerPlan {
  multiplier: Multiplier;
  follower: Account;
  plan: ChildPlan;
}

export function rulesOf(multiplier: Multiplier): ReplicationRules {
  return {
    mode: multiplier.mode,
    factor: multiplier.factor,
    fixedLots: multiplier.fixedLots,
    maxQuantity: multiplier.maxQuantity,
    maxOrderValue: multiplier.maxOrderValue,
    symbolsAllow: multiplier.symbolsAllow,
    symbolsDeny: multiplier.symbolsDeny,
    exchanges: multiplier.exchanges,
    productType: multiplier.productType,
    copyAmo: multiplier.copyAmo,
    zeroQuantityPolicy: multiplier.zeroQuantityPolicy,
    paused: multiplier.paused,
    copyModifications: multiplier.copyModifications,
    copyCancellations: multiplier.copyCancellations,
  };
}

/** What the pure planner needs about one master and its followers, gathered in a handful of queries. */
export interface ReplicationFacts {
  master: MasterOrderFacts;
  followers: Map<string, Account>;
  followerFacts(multiplier: Multiplier, follower: Account): FollowerFacts;
  globalKillSwitch: boolean;
  /** What the master's copies are valued at: the price of the master's broker (see brokers/prices.ts). */
  referencePrice: number | null;
}

/** `excludeOrderIds`: orders whose fills must not count in positions (a child being re-sized). */
export async function loadFacts(
  services: ReplicatorDeps,
  em: EntityManager,
  master: Order,
  instrument: Instrument,
  multipliers: Multiplier[],
  excludeOrderIds: string[] = [],
): Promise<ReplicationFacts> {
  const followerIds = multipliers.map((m) => m.followerId);
  const accounts = await em.find(Account, { id: { $in: [...followerIds, master.accountId] } });
  const masterAccount = accounts.find((a) => a.id === master.accountId);
  // Orders keep their account: one with orders on record cannot be deleted (services/accounts.ts).
  if (!masterAccount) throw new Error(`master order ${master.id} has no account ${master.accountId}`);
  const followerRows = accounts.filter((a) => a !== masterAccount);
  // Every position as of this master order: the master's orders placed before it, and each
  // follower's copies of those (filled, or in flight) and own orders placed before it. Masters
  // planned in any order (together after a takeover, or on two instances as a lease moves) are
  // each sized as they were placed.
  const asOf = { createdAt: master.createdAt, id: master.id };
  const [positions, masterPositions, activity, globalKillSwitch] = await Promise.all([
    // A follower's exit also counts its entry copies still in flight: a SELL 100 ms after a BUY
    // finds the BUY's copies, not a follower that holds nothing yet.
    holdingsByAccount(em, followerIds, master.token, { exclude: excludeOrderIds, inFlightCopies: true, before: asOf }),
    holdingsByAccount(em, [master.accountId], master.token, { exclude: [master.id], before: asOf }),
    dailyActivity(
      em,
      {
        orders: followerRows.filter((a) => a.maxOrdersPerDay !== null).map((a) => a.id),
        loss: followerRows.filter((a) => a.maxLossPerDay !== null).map((a) => a.id),
      },
      services.clock.now(),
    ),
    isGlobalKillSwitchEngaged(em),
  ]);
  return {
    master: {
      side: master.side,
      quantity: master.quantity,
      orderType: master.orderType,
      productType: master.productType,
      variety: master.variety,
      price: master.price,
      triggerPrice: master.triggerPrice,
      exchange: master.exchange,
      symbol: master.symbol,
      placedAt: master.exchangeAt ?? master.createdAt,
      detectedAt: master.detectedAt ?? master.createdAt,
      plannedAt: services.clock.now(),
      masterPositionBefore: masterPositions.get(master.accountId)?.get(master.productType)?.filled ?? 0,
    },
    followers: new Map(followerRows.map((a) => [a.id, a])),
    followerFacts(multiplier, follower) {
      const day = activity.get(follower.id);
      return {
        killSwitch: follower.killSwitch,
        copyEnabled: follower.copyEnabled,
        label: follower.label,
        ...holdingFacts(positions.get(follower.id)?.get(multiplier.productType ?? master.productType)),
        ordersToday: day?.ordersToday ?? 0,
        maxOrdersPerDay: follower.maxOrdersPerDay,
        realisedPnlToday: day?.realisedPnl ?? 0,
        maxLossPerDay: follower.maxLossPerDay,
      };
    },
    globalKillSwitch,
    referencePrice: services.brokers.prices(masterAccount.broker).lastPrice(instrument.exchange, instrument.token),
  };
}

/** A holding as the planner reads it: the position it will be once copies in flight settle. */
function holdingFacts(holding: Holding | undefined): Pick<FollowerFacts, 'position' | 'inFlight'> {
  return { position: (holding?.filled ?? 0) + (holding?.inFlight ?? 0), inFlight: holding?.inFlight ?? 0 };
}

/**
 * Plans every follower of a master: copy legs or a skip with its reason. A master on an
 * instrument Tandem does not know (no lot size, tick or freeze limit to size by) gives every
 * follower a skip that says so.
 */
export async function planFollowers(
  services: ReplicatorDeps,
  em: EntityManager,
  master: Order,
  instrument: Instrument | null,
): Promise<FollowerPlan[]> {
  const multipliers = await em.find(Multiplier, { masterId: master.accountId }, { orderBy: { createdAt: 'asc' } });
  if (multipliers.length === 0) return [];
  if (!instrument) {
    const followers = new Map((await em.find(Account, { id: { $in: multipliers.map((m) => m.followerId) } })).map((a) => [a.id, a]));
    const reason = skip(
      `${master.exchange} ${master.symbol} (token ${master.token}) is not in Tandem's instrument list; import the scrip master to copy it`,
    );
    return multipliers.flatMap((multiplier) => {
      const follower = followers.get(multiplier.followerId);
      return follower ? [{ multiplier, follower, plan: reason }] : [];
    });
  }
  const facts = await loadFacts(services, em, master, instrument, multipliers);
  const bounds = orderBoundsFrom(services.config);
  return multipliers.flatMap((multiplier) => {
    const follower = facts.followers.get(multiplier.followerId);
    if (!follower) return [];
    // One follower's copy that cannot be planned must not cost the others theirs.
    let plan: ChildPlan;
    try {
      plan = planChild({
        master: facts.master,
        rules: rulesOf(multiplier),
        follower: facts.followerFacts(multiplier, follower),
        instrument,
        globalKillSwitch: facts.globalKillSwitch,
        referencePrice: facts.referencePrice,
        maxCopyDelaySeconds: services.config.MAX_COPY_DELAY_S,
        bounds,
      });
    } catch (error) {
      services.log.error(
        { err: error, masterId: master.id, followerId: follower.id, multiplierId: multiplier.id },
        'planning one copy failed; that follower is skipped',
      );
      plan = skip(`could not plan this copy: ${error instanceof Error ? error.message : String(error)}`);
    }
    return [{ multiplier, follower, plan }];
  });
}
