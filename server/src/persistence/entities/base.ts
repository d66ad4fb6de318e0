import { BigIntType } from '@mikro-orm/core';

/** Properties every table shares: an app-generated UUID and creation time. */
// Entities assign their own UUID when constructed, so related rows can point at it before the flush.
export const idProperty = { type: 'uuid', primary: true } as const;
export const createdAtProperty = { type: 'Date', onCreate: () => new Date() } as const;
export const updatedAtProperty = { type: 'Date', onCreate: () => new Date(), onUpdate: () => new Date() } as const;

/** A bigint column read as a JS number: paise and cursors stay far below 2^53. */
export const bigintNumber = (nullable = false) =>
  ({ type: new BigIntType('number'), columnType: 'bigint', nullable }) as const;
