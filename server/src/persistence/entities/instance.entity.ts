import { EntitySchema } from '@mikro-orm/core';

/**
 * One running Tandem process, seen alive at `seenAt` (it beats every few seconds). While Redis
 * is unreachable, each instance counts broker calls alone and takes its share of each limit:
 * the limit divided by the instances alive.
 */
export class Instance {
  id!: string;
  role!: string;
  startedAt!: Date;
  seenAt!: Date;
}

export const InstanceSchema = new EntitySchema<Instance>({
  class: Instance,
  tableName: 'instances',
  properties: {
    id: { type: 'string', length: 128, primary: true },
    role: { type: 'string', length: 16 },
    startedAt: { type: 'Date' },
    seenAt: { type: 'Date', index: true },
  },
});
