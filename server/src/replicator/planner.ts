import type { EntityManager } from '@mikro-orm/core';
import { orderBoundsFrom } from '../core/order-bounds.ts';
import { planChild } from '../core/replication/plan.ts';
import { skip, type ChildPlan, type FollowerFacts, type MasterOrderFacts } from '../core/replication/plan-types.ts';
import type { ReplicationRules } from '../core/replication/modification.ts';
import type { ProductType } from '../core/types.ts';
import { Account } from '../persistence/entities/account.entity.ts';
import type { Instrument } from '../persistence/entities/instrument.entity.ts';
import { Multiplier } from '../persistence/entities/multiplier.entity.ts';
import type { Order } from '../persistence/entities/order.entity.ts';
import type { ReplicatorDeps } from './deps.ts';
import { isGlobalKillSwitchEngaged } from '../persistence/repositories/settings.repository.ts';
import { type Holding, holdingsByAccount } from '../persistence/repositories/order-facts.repository.ts';
import { type DailyActivity, dailyActivity } from './facts.ts';

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

/** What planning reads of a master: fields an order never changes, so an event's snapshot has them. */
export type MasterKey = Pick<Order, 'id' | 'accountId' | 'token' | 'createdAt'>;

/** What planning reads from the database for some of a master's followers, all of it as of the master. */
interface FollowerReads {
  /** The followers' accounts and the master's. */
  accounts: Map<string, Account>;
  positions: Map<string, Map<ProductType, Holding>>;
  masterPositions: Map<string, Map<ProductType, Holding>>;
  activity: Map<string, DailyActivity>;
  globalKillSwitch: boolean;
}

/**
 * Reads for these followers in one round of parallel queries (a second one only for followers
 * with a daily limit). Every position is as of this master order: the master's orders placed
 * before it, and each follower's copies of those (filled, or in flight) and own orders placed
 * before it. Masters planned in any order (together after a takeover, or on two instances as a
 * lease moves) are each sized as they were placed.
 */
async function readFollowers(
  services: ReplicatorDeps,
  em: EntityManager,
  master: MasterKey,
  followerIds: string[],
  excludeOrderIds: string[],
): Promise<FollowerReads> {
  const asOf = { createdAt: master.createdAt, id: master.id };
  const [accounts, positions, masterPositions, globalKillSwitch] = await Promise.all([
    em.find(Account, { id: { $in: [...followerIds, master.accountId] } }),
    // A follower's exit also counts its entry copies still in flight: a SELL 100 ms after a BUY
    // finds the BUY's copies, not a follower that holds nothing yet.
    holdingsByAccount(em, followerIds, master.token, { exclude: excludeOrderIds, inFlightCopies: true, before: asOf }),
    holdingsByAccount(em, [master.accountId], master.token, { exclude: [master.id], before: asOf }),
    isGlobalKillSwitchEngaged(em),
  ]);
  const wanted = new Set(followerIds);
  const followers = accounts.filter((a) => a.id !== master.accountId && wanted.has(a.id));
  const activity = await dailyActivity(
    em,
    {
      orders: followers.filter((a) => a.maxOrdersPerDay !== null).map((a) => a.id),
      loss: followers.filter((a) => a.maxLossPerDay !== null).map((a) => a.id),
    },
    services.clock.now(),
  );
  return { accounts: new Map(accounts.map((a) => [a.id, a])), positions, masterPositions, activity, globalKillSwitch };
}

/** The reads of two sets of followers as one: the second adds followers the first did not have. */
function joined(first: FollowerReads, more: FollowerReads): FollowerReads {
  return {
    ...first,
    accounts: new Map([...first.accounts, ...more.accounts]),
    positions: new Map([...first.positions, ...more.positions]),
    activity: new Map([...first.activity, ...more.activity]),
  };
}

function factsFrom(services: ReplicatorDeps, master: Order, instrument: Instrument, reads: FollowerReads): ReplicationFacts {
  const masterAccount = reads.accounts.get(master.accountId);
  // Orders keep their account: one with orders on record cannot be deleted (services/accounts.ts).
  if (!masterAccount) throw new Error(`master order ${master.id} has no account ${master.accountId}`);
  const { positions, activity } = reads;
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
      masterPositionBefore: reads.masterPositions.get(master.accountId)?.get(master.productType)?.filled ?? 0,
    },
    followers: new Map([...reads.accounts].filter(([id]) => id !== master.accountId)),
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
    globalKillSwitch: reads.globalKillSwitch,
    referencePrice: services.brokers.prices(masterAccount.broker).lastPrice(instrument.exchange, instrument.token),
  };
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
  const reads = await readFollowers(
    services,
    em,
    master,
    multipliers.map((m) => m.followerId),
    excludeOrderIds,
  );
  return factsFrom(services, master, instrument, reads);
}

/** How many masters' follower lists are remembered. */
const FOLLOWER_LISTS_KEPT = 10_000;

/**
 * Each master account's followers as its last plan found them: the guess that lets the next plan
 * read links, accounts and positions in one round instead of one after another. Only a guess:
 * the links are read in the same round, and followers linked since are read in a second.
 */
export class FollowerGuess {
  private readonly known = new Map<string, string[]>();

  get(masterAccountId: string): string[] | undefined {
    return this.known.get(masterAccountId);
  }

  set(masterAccountId: string, followerIds: string[]): void {
    this.known.delete(masterAccountId);
    this.known.set(masterAccountId, followerIds);
    if (this.known.size > FOLLOWER_LISTS_KEPT) this.known.delete(this.known.keys().next().value!);
  }
}

/** What a plan reads of the database, started before the master itself is read again (see Replicator.planInOrder). */
export interface PlanningReads {
  multipliers: Multiplier[];
  reads: FollowerReads | null;
}

/**
 * Reads the master's links and, with a guess of its followers, their accounts and positions in
 * the same round; whatever the guess missed (a follower linked since) is read after.
 */
export async function readForPlanning(
  services: ReplicatorDeps,
  em: EntityManager,
  master: MasterKey,
  guess: FollowerGuess | null,
): Promise<PlanningReads> {
  const guessed = guess?.get(master.accountId);
  const [multipliers, speculative] = await Promise.all([
    em.find(Multiplier, { masterId: master.accountId }, { orderBy: { createdAt: 'asc' } }),
    guessed && guessed.length > 0 ? readFollowers(services, em, master, guessed, []) : null,
  ]);
  const followerIds = [...new Set(multipliers.map((m) => m.followerId))];
  guess?.set(master.accountId, followerIds);
  if (followerIds.length === 0) return { multipliers, reads: null };
  const missing = speculative ? followerIds.filter((id) => !speculative.accounts.has(id)) : followerIds;
  if (missing.length === 0) return { multipliers, reads: speculative };
  const more = await readFollowers(services, em, master, missing, []);
  return { multipliers, reads: speculative ? joined(speculative, more) : more };
}

/** A holding as the planner reads it: the position it will be once copies in flight settle. */
function holdingFacts(holding: Holding | undefined): Pick<FollowerFacts, 'position' | 'inFlight'> {
  return { position: (holding?.filled ?? 0) + (holding?.inFlight ?? 0), inFlight: holding?.inFlight ?? 0 };
}

/**
 * Plans every follower of a master: copy legs or a skip with its reason. A master on an
 * instrument Tandem does not know (no lot size, tick or freeze limit to size by) gives every
 * follower a skip that says so. `read`: what readForPlanning read for it, if already started.
 */
export async function planFollowers(
  services: ReplicatorDeps,
  em: EntityManager,
  master: Order,
  instrument: Instrument | null,
  read: Promise<PlanningReads> = readForPlanning(services, em, master, null),
): Promise<FollowerPlan[]> {
  const { multipliers, reads } = await read;
  if (multipliers.length === 0 || !reads) return [];
  const followers = new Map([...reads.accounts].filter(([id]) => id !== master.accountId));
  if (!instrument) {
    const reason = skip(
      `${master.exchange} ${master.symbol} (token ${master.token}) is not in Tandem's instrument list; import the scrip master to copy it`,
    );
    return multipliers.flatMap((multiplier) => {
      const follower = followers.get(multiplier.followerId);
      return follower ? [{ multiplier, follower, plan: reason }] : [];
    });
  }
  const facts = factsFrom(services, master, instrument, reads);
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
