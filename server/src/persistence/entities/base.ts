import { BigIntType } from '@mikro-orm/core';

/** Properties every table shares: an app-generated UUID and creation time. */
// Entities assign their own UUID when constructed, so related rows can point at it before the flush.
export const idProperty = { type: 'uuid', primary: true } as const;
export const createdAtProperty = { type: 'Date', onCreate: () => new Date() } as const;
export const updatedAtProperty = { type: 'Date', onCreate: () => new Date(), onUpdate: () => new Date() } as const;

/** A bigint column read as a JS number: paise and cursors stay far below 2^53. */
export const bigintNumber = (nullable = false) => ({ type: new BigIntType('number'), columnType: 'bigint', nullable }) as const;

/** The columns Tandem's orders and the paper exchange's book both keep: the same order, seen from two sides. */
export const orderColumns = {
  exchange: { type: 'string', length: 16 },
  symbol: { type: 'string', length: 64 },
  token: { type: 'string', length: 32 },
  side: { type: 'string', length: 4 },
  quantity: { type: 'integer' },
  filledQuantity: { type: 'integer' },
  averagePrice: bigintNumber(true),
  orderType: { type: 'string', length: 24 },
  productType: { type: 'string', length: 16 },
  variety: { type: 'string', length: 16 },
  price: bigintNumber(true),
  triggerPrice: bigintNumber(true),
  status: { type: 'string', length: 24 },
} as const;
