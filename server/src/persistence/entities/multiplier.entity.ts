import { randomUUID } from 'node:crypto';
import { EntitySchema, OptionalProps } from '@mikro-orm/core';
import type { MultiplierMode, ProductType, ZeroQuantityPolicy } from '../../core/types.ts';
import { Account } from './account.entity.ts';
import { bigintNumber, createdAtProperty, idProperty, updatedAtProperty } from './base.ts';

export class Multiplier {
  [OptionalProps]?:
    | 'mode'
    | 'factor'
    | 'fixedLots'
    | 'maxQuantity'
    | 'maxOrderValue'
    | 'symbolsAllow'
    | 'symbolsDeny'
    | 'exchanges'
    | 'productType'
    | 'copyAmo'
    | 'copyModifications'
    | 'copyCancellations'
    | 'zeroQuantityPolicy'
    | 'paused'
    | 'createdAt'
    | 'updatedAt';
  id: string = randomUUID();
  masterId!: string;
  followerId!: string;
  mode: MultiplierMode = 'MULTIPLY';
  /** Decimal text as stored (numeric), e.g. "2.5"; applied with integer arithmetic. */
  factor: string | null = null;
  fixedLots: number | null = null;
  maxQuantity: number | null = null;
  /** Paise. */
  maxOrderValue: number | null = null;
  symbolsAllow: string[] = [];
  symbolsDeny: string[] = [];
  exchanges: string[] = [];
  productType: ProductType | null = null;
  copyAmo = true;
  copyModifications = true;
  copyCancellations = true;
  zeroQuantityPolicy: ZeroQuantityPolicy = 'SKIP';
  paused = false;
  createdAt!: Date;
  updatedAt!: Date;
}

export const MultiplierSchema = new EntitySchema<Multiplier>({
  class: Multiplier,
  tableName: 'multipliers',
  uniques: [{ properties: ['masterId', 'followerId'] }],
  properties: {
    id: idProperty,
    masterId: { kind: 'm:1', entity: () => Account, mapToPk: true, fieldName: 'master_id', deleteRule: 'cascade' },
    followerId: { kind: 'm:1', entity: () => Account, mapToPk: true, fieldName: 'follower_id', deleteRule: 'cascade' },
    mode: { type: 'string', length: 16 },
    factor: { type: 'decimal', precision: 14, scale: 6, nullable: true },
    fixedLots: { type: 'integer', nullable: true },
    maxQuantity: { type: 'integer', nullable: true },
    maxOrderValue: bigintNumber(true),
    symbolsAllow: { type: 'json' },
    symbolsDeny: { type: 'json' },
    exchanges: { type: 'json' },
    productType: { type: 'string', length: 16, nullable: true },
    copyAmo: { type: 'boolean' },
    copyModifications: { type: 'boolean' },
    copyCancellations: { type: 'boolean' },
    zeroQuantityPolicy: { type: 'string', length: 16 },
    paused: { type: 'boolean' },
    createdAt: createdAtProperty,
    updatedAt: updatedAtProperty,
  },
});
