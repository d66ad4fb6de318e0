import type { Viewer } from '../auth/viewer.ts';
import { expectedPositions } from '../core/replication/drift.ts';
import type { ProductType } from '../core/types.ts';
import { Account } from '../persistence/entities/account.entity.ts';
import { Multiplier } from '../persistence/entities/multiplier.entity.ts';
import { masterFillsSince } from '../persistence/repositories/order-facts.repository.ts';
import { istDayStart } from '../replicator/facts.ts';
import { rulesOf } from '../replicator/planner.ts';
import { accountFor, visibleAccountIds } from './access.ts';
import type { AppServices } from './container.ts';
import { accountPositions, type Position } from './positions.ts';

/** One follower's position in one instrument beside what its rules say it should be; all in units, +long / -short. */
export interface DriftRow {
  follower: Account;
  exchange: string;
  symbol: string;
  productType: ProductType;
  expected: number;
  actual: number;
  /** actual - expected. */
  drift: number;
}

/** What a follower actually holds, keyed by `driftKey`. */
export type ActualPositions = (follower: Account) => Promise<Map<string, number>>;

const driftKey = (exchange: string, symbol: string, productType: ProductType) => `${exchange}|${symbol}|${productType}`;

/** Positions as drift reads them: quantity by exchange, symbol and product. */
export const quantitiesByKey = (positions: readonly Position[]): Map<string, number> =>
  new Map(positions.map((p) => [driftKey(p.exchange, p.symbol, p.productType), p.quantity]));

/** The broker's figures where it can be asked, else Tandem's record (services/positions.ts). */
export const heldPositions =
  (services: AppServices): ActualPositions =>
  async (follower) =>
    quantitiesByKey(await accountPositions(services, follower));

/**
 * For each follower of `masterId` the viewer may see, and each instrument the master filled
 * since the follower was linked: expected (core/replication/drift.ts), actual and the drift.
 * INTRADAY positions end with the day, so for them only today's fills count.
 * Rows with no drift are left out unless `includeZero`.
 */
export async function positionDrift(
  services: AppServices,
  viewer: Viewer,
  masterId: string,
  includeZero: boolean,
  actualOf: ActualPositions = heldPositions(services),
): Promise<DriftRow[]> {
  const em = services.orm.em.fork();
  const master = await accountFor(em, viewer, masterId, 'masterId', 'read');
  return driftOfMaster(services, master, await visibleAccountIds(em, viewer), includeZero, actualOf);
}

/** positionDrift for callers that decided access themselves: the followers in `visible` (null: all). */
export async function driftOfMaster(
  services: AppServices,
  master: Account,
  visible: string[] | null,
  includeZero: boolean,
  actualOf: ActualPositions = heldPositions(services),
): Promise<DriftRow[]> {
  const em = services.orm.em.fork();
  const links = await em.find(
    Multiplier,
    { masterId: master.id, ...(visible === null ? {} : { followerId: { $in: visible } }) },
    { orderBy: { createdAt: 'asc' } },
  );
  if (links.length === 0) return [];
  const followers = new Map((await em.find(Account, { id: { $in: links.map((link) => link.followerId) } })).map((a) => [a.id, a]));
  const today = istDayStart(services.clock.now());
  // From the oldest link, or from today's start for INTRADAY when every link is older.
  const fills = await masterFillsSince(
    em,
    master.id,
    new Date(Math.min(today.getTime(), ...links.map((link) => link.createdAt.getTime()))),
  );
  const rows = await Promise.all(
    links.map(async (link) => {
      const follower = followers.get(link.followerId);
      if (!follower) return [];
      const rules = rulesOf(link);
      const since = (fill: { productType: ProductType }) =>
        (rules.productType ?? fill.productType) === 'INTRADAY' && today > link.createdAt ? today : link.createdAt;
      const owed = expectedPositions(
        fills.filter((fill) => fill.placedAt >= since(fill)).map((fill) => ({ ...fill, masterPositionBefore: fill.positionBefore })),
        rules,
        (exchange, symbol) => services.instruments.find(exchange, symbol) ?? null,
      );
      if (owed.length === 0) return [];
      const actual = await actualOf(follower);
      return owed.map((row) => {
        const held = actual.get(driftKey(row.exchange, row.symbol, row.productType)) ?? 0;
        return { follower, ...row, actual: held, drift: held - row.expected };
      });
    }),
  );
  return rows.flat().filter((row) => includeZero || row.drift !== 0);
}
