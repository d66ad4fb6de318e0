import { EntitySchema } from '@mikro-orm/core';

/** Facts about this installation (its short id for order tags, ...), one row each. */
export class Setting {
  key!: string;
  value!: string;
}

export const SettingSchema = new EntitySchema<Setting>({
  class: Setting,
  tableName: 'settings',
  properties: {
    key: { type: 'string', length: 64, primary: true },
    value: { type: 'text' },
  },
});
