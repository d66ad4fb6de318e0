import { randomUUID } from 'node:crypto';
import { EntitySchema, OptionalProps } from '@mikro-orm/core';
import type { OrderStatus, OrderType, ProductType, Side, Variety } from '../../core/types.ts';
import { Account } from './account.entity.ts';
import { createdAtProperty, idProperty, orderColumns, updatedAtProperty } from './base.ts';
import { Multiplier } from './multiplier.entity.ts';

/** One master order seen, or one child placed or skipped for a follower. Prices in paise. */
export class Order {
  [OptionalProps]?:
    | 'masterOrderId'
    | 'multiplierId'
    | 'leg'
    | 'filledQuantity'
    | 'averagePrice'
    | 'variety'
    | 'price'
    | 'triggerPrice'
    | 'status'
    | 'brokerStatus'
    | 'reason'
    | 'brokerOrderId'
    | 'orderTag'
    | 'origin'
    | 'placedByUserId'
    | 'detectedAt'
    | 'exchangeAt'
    | 'sentAt'
    | 'acknowledgedAt'
    | 'copyPlannedAt'
    | 'createdAt'
    | 'updatedAt';
  id: string = randomUUID();
  accountId!: string;
  masterOrderId: string | null = null;
  multiplierId: string | null = null;
  /** Which slice of a freeze-split child this is; 0 for masters and unsplit children. */
  leg = 0;
  exchange!: string;
  symbol!: string;
  token!: string;
  side!: Side;
  quantity!: number;
  filledQuantity = 0;
  averagePrice: number | null = null;
  orderType!: OrderType;
  productType!: ProductType;
  variety: Variety = 'NORMAL';
  price: number | null = null;
  triggerPrice: number | null = null;
  status: OrderStatus = 'PENDING';
  brokerStatus: string | null = null;
  reason: string | null = null;
  brokerOrderId: string | null = null;
  orderTag: string | null = null;
  /** Who asked for it: 'api' (placeOrder), 'broker' (seen on a master), 'replicator'. */
  origin: string = 'api';
  placedByUserId: string | null = null;
  /** When Tandem first knew of it; exchange time when the broker gives one. */
  detectedAt: Date | null = null;
  exchangeAt: Date | null = null;
  sentAt: Date | null = null;
  acknowledgedAt: Date | null = null;
  /** Set on a master, in the transaction that writes its children ahead: planned once, ever. */
  copyPlannedAt: Date | null = null;
  createdAt!: Date;
  updatedAt!: Date;
}

export const OrderSchema = new EntitySchema<Order>({
  class: Order,
  tableName: 'orders',
  uniques: [
    { properties: ['masterOrderId', 'multiplierId', 'leg'] },
    { properties: ['accountId', 'brokerOrderId'] },
    { properties: ['orderTag'] },
  ],
  indexes: [
    // The order every listing and export reads in, newest first, a page at a time.
    { properties: ['createdAt', 'id'] },
    { properties: ['accountId', 'createdAt'] },
    { properties: ['accountId', 'token'] },
    { properties: ['status'] },
    { properties: ['masterOrderId'] },
  ],
  properties: {
    id: idProperty,
    // Orders outlive nothing: an account with orders cannot be deleted, so no order row is ever lost.
    accountId: { kind: 'm:1', entity: () => Account, mapToPk: true, fieldName: 'account_id', deleteRule: 'restrict' },
    masterOrderId: {
      kind: 'm:1',
      entity: () => Order,
      mapToPk: true,
      fieldName: 'master_order_id',
      nullable: true,
      deleteRule: 'restrict',
    },
    multiplierId: {
      kind: 'm:1',
      entity: () => Multiplier,
      mapToPk: true,
      fieldName: 'multiplier_id',
      nullable: true,
      deleteRule: 'set null',
    },
    leg: { type: 'integer' },
    ...orderColumns,
    brokerStatus: { type: 'string', nullable: true },
    reason: { type: 'text', nullable: true },
    brokerOrderId: { type: 'string', length: 64, nullable: true },
    orderTag: { type: 'string', length: 20, nullable: true },
    origin: { type: 'string', length: 16 },
    placedByUserId: { type: 'uuid', nullable: true },
    detectedAt: { type: 'Date', nullable: true },
    exchangeAt: { type: 'Date', nullable: true },
    sentAt: { type: 'Date', nullable: true },
    acknowledgedAt: { type: 'Date', nullable: true },
    copyPlannedAt: { type: 'Date', nullable: true },
    createdAt: createdAtProperty,
    updatedAt: updatedAtProperty,
  },
});
