import { EntitySchema } from '@mikro-orm/core';
import { Account } from './account.entity.ts';

/**
 * Which instance watches an account (replicates a master; follows a SmartAPI account's order
 * socket and book), until when, and in which epoch. The epoch grows with every change of
 * holder, so work begun under an old one is refused.
 */
export class AccountLease {
  accountId!: string;
  holder!: string;
  epoch!: number;
  expiresAt!: Date;
}

export const AccountLeaseSchema = new EntitySchema<AccountLease>({
  class: AccountLease,
  tableName: 'account_leases',
  properties: {
    accountId: {
      kind: '1:1',
      entity: () => Account,
      mapToPk: true,
      primary: true,
      fieldName: 'account_id',
      deleteRule: 'cascade',
      owner: true,
    },
    holder: { type: 'string', length: 128 },
    epoch: { type: 'integer' },
    expiresAt: { type: 'Date' },
  },
});
