import { EntitySchema } from '@mikro-orm/core';
import { Account } from './account.entity.ts';

/**
 * Which instance watches and replicates a master account, until when, and in which epoch.
 * The epoch grows with every change of holder, so work begun under an old one is refused.
 */
export class MasterLease {
  accountId!: string;
  holder!: string;
  epoch!: number;
  expiresAt!: Date;
}

export const MasterLeaseSchema = new EntitySchema<MasterLease>({
  class: MasterLease,
  tableName: 'master_leases',
  properties: {
    accountId: { kind: '1:1', entity: () => Account, mapToPk: true, primary: true, fieldName: 'account_id', deleteRule: 'cascade', owner: true },
    holder: { type: 'string', length: 128 },
    epoch: { type: 'integer' },
    expiresAt: { type: 'Date' },
  },
});
