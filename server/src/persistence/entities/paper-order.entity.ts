import { EntitySchema, OptionalProps } from '@mikro-orm/core';
import type { OrderType, ProductType, Side, Variety } from '../../core/types.ts';
import { createdAtProperty, orderColumns, updatedAtProperty } from './base.ts';

/**
 * The paper exchange's own order book, kept apart from Tandem's orders like a real broker's:
 * it survives restarts, is shared by processes and can be searched by tag after a crash.
 */
export class PaperOrder {
  [OptionalProps]?:
    | 'filledQuantity'
    | 'averagePrice'
    | 'price'
    | 'triggerPrice'
    | 'statusMessage'
    | 'orderTag'
    | 'releaseAt'
    | 'createdAt'
    | 'updatedAt';
  brokerOrderId!: string;
  clientCode!: string;
  exchange!: string;
  symbol!: string;
  token!: string;
  side!: Side;
  quantity!: number;
  filledQuantity = 0;
  averagePrice: number | null = null;
  orderType!: OrderType;
  productType!: ProductType;
  variety!: Variety;
  price: number | null = null;
  triggerPrice: number | null = null;
  /** SmartAPI's lower-case words: open, trigger pending, amo queued, complete, rejected, cancelled. */
  status!: string;
  statusMessage: string | null = null;
  orderTag: string | null = null;
  releaseAt: Date | null = null;
  createdAt!: Date;
  updatedAt!: Date;
}

export const PaperOrderSchema = new EntitySchema<PaperOrder>({
  class: PaperOrder,
  tableName: 'paper_orders',
  indexes: [{ properties: ['clientCode', 'orderTag'] }, { properties: ['status'] }],
  properties: {
    brokerOrderId: { type: 'string', length: 32, primary: true },
    clientCode: { type: 'string', length: 64 },
    ...orderColumns,
    statusMessage: { type: 'text', nullable: true },
    orderTag: { type: 'string', length: 20, nullable: true },
    releaseAt: { type: 'Date', nullable: true },
    createdAt: createdAtProperty,
    updatedAt: updatedAtProperty,
  },
});
