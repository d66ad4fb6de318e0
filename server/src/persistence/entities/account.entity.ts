import { randomUUID } from 'node:crypto';
import { EntitySchema, OptionalProps } from '@mikro-orm/core';
import type { AccountRole, BrokerKind, ConnectionStatus } from '../../core/types.ts';
import { bigintNumber, createdAtProperty, idProperty, updatedAtProperty } from './base.ts';
import { User } from './user.entity.ts';

export class Account {
  [OptionalProps]?:
    | 'createdById'
    | 'credentialsSealed'
    | 'status'
    | 'statusReason'
    | 'copyEnabled'
    | 'killSwitch'
    | 'maxOrdersPerDay'
    | 'maxLossPerDay'
    | 'createdAt'
    | 'updatedAt';
  id: string = randomUUID();
  label!: string;
  broker!: BrokerKind;
  role!: AccountRole;
  clientCode!: string;
  ownerId!: string;
  /** Who created it: a trader manages the client accounts they set up, and only those. */
  createdById: string | null = null;
  /** AES-256-GCM sealed broker credentials; never leaves the server. */
  credentialsSealed: string | null = null;
  status: ConnectionStatus = 'DISCONNECTED';
  statusReason: string | null = null;
  copyEnabled = true;
  killSwitch = false;
  maxOrdersPerDay: number | null = null;
  /** Paise. */
  maxLossPerDay: number | null = null;
  createdAt!: Date;
  updatedAt!: Date;
}

export const AccountSchema = new EntitySchema<Account>({
  class: Account,
  tableName: 'accounts',
  uniques: [{ properties: ['broker', 'clientCode'] }],
  properties: {
    id: idProperty,
    label: { type: 'string' },
    broker: { type: 'string', length: 16 },
    role: { type: 'string', length: 16 },
    clientCode: { type: 'string', length: 64 },
    ownerId: { kind: 'm:1', entity: () => User, mapToPk: true, fieldName: 'owner_id', deleteRule: 'restrict' },
    createdById: { kind: 'm:1', entity: () => User, mapToPk: true, fieldName: 'created_by_id', nullable: true, deleteRule: 'set null' },
    credentialsSealed: { type: 'text', nullable: true, lazy: true },
    status: { type: 'string', length: 24 },
    statusReason: { type: 'text', nullable: true },
    copyEnabled: { type: 'boolean' },
    killSwitch: { type: 'boolean' },
    maxOrdersPerDay: { type: 'integer', nullable: true },
    maxLossPerDay: bigintNumber(true),
    createdAt: createdAtProperty,
    updatedAt: updatedAtProperty,
  },
});
