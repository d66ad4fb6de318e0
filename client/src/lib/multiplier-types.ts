/** A multiplier as the Multipliers page reads it; `MULTIPLIER_FIELDS` selects exactly these. */
export interface MultiplierRow {
  id: string;
  masterId: string;
  followerId: string;
  /** null where the viewer may not see the master (a CLIENT never sees the master they follow). */
  master: { id: string; label: string } | null;
  follower: { id: string; label: string; clientCode: string };
  mode: 'MULTIPLY' | 'FIXED_LOTS';
  factor: number | null;
  fixedLots: number | null;
  maxQuantity: number | null;
  maxOrderValue: number | null;
  symbolsAllow: string[];
  symbolsDeny: string[];
  exchanges: string[];
  productType: ProductType | null;
  zeroQuantityPolicy: 'SKIP' | 'MIN_ONE_LOT';
  copyAmo: boolean;
  copyModifications: boolean;
  copyCancellations: boolean;
  paused: boolean;
}

export type ProductType = 'DELIVERY' | 'INTRADAY' | 'CARRYFORWARD' | 'MARGIN';

export const MULTIPLIER_FIELDS = `id masterId followerId master { id label } follower { id label clientCode } mode factor fixedLots maxQuantity maxOrderValue
  symbolsAllow symbolsDeny exchanges productType zeroQuantityPolicy copyAmo copyModifications copyCancellations paused`;
