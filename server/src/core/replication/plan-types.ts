// What the Plan step knows about one master order and one follower link. Prices and
// money are integer paise; quantities are integers; positions are +long / -short.
import type { OrderBounds } from '../order-bounds.ts';
import type { InstrumentSpec, MultiplierMode, OrderTerms, ProductType, Side, ZeroQuantityPolicy } from '../types.ts';

export interface MasterOrderFacts extends OrderTerms {
  exchange: string;
  symbol: string;
  placedAt: Date;
  detectedAt: Date;
  /** When the copy is being planned (now); later than detection after a restart or a takeover. Default: detectedAt. */
  plannedAt?: Date;
  /** The master's net position in this instrument and product BEFORE this order (+long, -short). */
  masterPositionBefore: number;
  /** 'ROBO' / 'BO' etc. when the broker reports a kind Tandem does not copy; else null. */
  unsupportedKind?: string | null;
}

export interface MultiplierRules {
  mode: MultiplierMode;
  factor: string | null;
  fixedLots: number | null;
  maxQuantity: number | null;
  /** Paise. */
  maxOrderValue: number | null;
  symbolsAllow: string[];
  symbolsDeny: string[];
  exchanges: string[];
  productType: ProductType | null;
  copyAmo: boolean;
  zeroQuantityPolicy: ZeroQuantityPolicy;
  paused: boolean;
}

export interface FollowerFacts {
  killSwitch: boolean;
  copyEnabled: boolean;
  label: string;
  /**
   * Net position BEFORE this order in the child's product, +long/-short, counting the
   * follower's earlier copies still in flight as filled (an exit right after its entry).
   */
  position: number;
  /** Of `position`, what earlier copies still in flight make up; 0 when absent. */
  inFlight?: number;
  ordersToday: number;
  maxOrdersPerDay: number | null;
  /** Paise, negative = loss. */
  realisedPnlToday: number;
  /** Paise, positive. */
  maxLossPerDay: number | null;
}

export type InstrumentSizing = Pick<InstrumentSpec, 'lotSize' | 'freezeQuantity' | 'tickSize'>;

export interface PlanInput {
  master: MasterOrderFacts;
  rules: MultiplierRules;
  follower: FollowerFacts;
  instrument: InstrumentSizing;
  globalKillSwitch: boolean;
  /** Price used to value a MARKET order against maxOrderValue (paise), e.g. last traded price. */
  referencePrice: number | null;
  maxCopyDelaySeconds: number;
  /** MAX_ORDER_QUANTITY and MAX_ORDER_VALUE: a copy beyond them is skipped, never sent. */
  bounds: OrderBounds;
}

export type ChildPlan =
  | { kind: 'copy'; side: Side; productType: ProductType; legs: number[]; notes: string[] }
  | { kind: 'skip'; reason: string };

export type Skip = { kind: 'skip'; reason: string };

export const skip = (reason: string): Skip => ({ kind: 'skip', reason });
