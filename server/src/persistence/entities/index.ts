import { AccountSchema } from './account.entity.ts';
import { AlertAttemptSchema, AlertDeliverySchema } from './alert-delivery.entity.ts';
import { ApiTokenSchema } from './api-token.entity.ts';
import { AuditEntrySchema } from './audit-entry.entity.ts';
import { InstanceSchema } from './instance.entity.ts';
import { InstrumentSchema } from './instrument.entity.ts';
import { AccountLeaseSchema } from './account-lease.entity.ts';
import { MultiplierSchema } from './multiplier.entity.ts';
import { EventCounterSchema, OrderEventSchema } from './order-event.entity.ts';
import { OrderSchema } from './order.entity.ts';
import { PaperOrderSchema } from './paper-order.entity.ts';
import { SettingSchema } from './setting.entity.ts';
import { UserSchema } from './user.entity.ts';

export const entities = [
  UserSchema,
  AccountSchema,
  MultiplierSchema,
  InstrumentSchema,
  OrderSchema,
  OrderEventSchema,
  EventCounterSchema,
  ApiTokenSchema,
  AuditEntrySchema,
  PaperOrderSchema,
  SettingSchema,
  AccountLeaseSchema,
  InstanceSchema,
  AlertDeliverySchema,
  AlertAttemptSchema,
];

export { Account } from './account.entity.ts';
export { AlertAttempt, AlertDelivery } from './alert-delivery.entity.ts';
export { ApiToken } from './api-token.entity.ts';
export { AuditEntry } from './audit-entry.entity.ts';
export { Instance } from './instance.entity.ts';
export { Instrument } from './instrument.entity.ts';
export { AccountLease } from './account-lease.entity.ts';
export { Multiplier } from './multiplier.entity.ts';
export { EventCounter, OrderEvent } from './order-event.entity.ts';
export { Order } from './order.entity.ts';
export { PaperOrder } from './paper-order.entity.ts';
export { Setting } from './setting.entity.ts';
export { User } from './user.entity.ts';
