import { EntitySchema, OptionalProps } from '@mikro-orm/core';
import { bigintNumber } from './base.ts';

export class Instrument {
  [OptionalProps]?: 'id' | 'freezeQuantity' | 'expiry' | 'strike' | 'referencePrice';
  id!: number;
  token!: string;
  symbol!: string;
  name!: string;
  exchange!: string;
  instrumentType!: string;
  lotSize!: number;
  /** Paise. */
  tickSize!: number;
  freezeQuantity: number | null = null;
  expiry: string | null = null;
  /** Paise. */
  strike: number | null = null;
  /** Paise; where the paper exchange starts its price walk. */
  referencePrice: number | null = null;
}

export const InstrumentSchema = new EntitySchema<Instrument>({
  class: Instrument,
  tableName: 'instruments',
  uniques: [{ properties: ['exchange', 'token'] }],
  indexes: [{ properties: ['exchange', 'symbol'] }],
  properties: {
    id: { type: 'integer', primary: true, autoincrement: true },
    token: { type: 'string', length: 32 },
    symbol: { type: 'string', length: 64 },
    name: { type: 'string', length: 128 },
    exchange: { type: 'string', length: 16 },
    instrumentType: { type: 'string', length: 16 },
    lotSize: { type: 'integer' },
    tickSize: { type: 'integer' },
    freezeQuantity: { type: 'integer', nullable: true },
    expiry: { type: 'string', length: 10, nullable: true },
    strike: bigintNumber(true),
    referencePrice: bigintNumber(true),
  },
});
