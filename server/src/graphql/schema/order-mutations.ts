import { STAFF, sessionOrToken } from '../auth-rules.ts';
import { builder } from '../builder.ts';
import { OrderTypeEnum, ProductTypeEnum, SideEnum, VarietyEnum } from './enums.ts';
import { OrderRef } from './order.ts';

const PlaceOrderInput = builder.inputType('PlaceOrderInput', {
  description: "An order to place on one account. Prices in rupees with at most 2 decimals, on the instrument's tick size.",
  fields: (t) => ({
    accountId: t.id({ required: true, description: 'The account to place it on.' }),
    exchange: t.string({ required: true, description: 'The exchange segment, e.g. NSE or NFO (any case).' }),
    symbol: t.string({ required: true, description: 'As the broker spells it, e.g. SBIN-EQ.' }),
    side: t.field({ type: SideEnum, required: true, description: 'Buy or sell.' }),
    quantity: t.int({
      required: true,
      description:
        "Units, not lots: a multiple of the lot size, at most the freeze quantity, and within the server's largest order (quantity and value).",
    }),
    orderType: t.field({ type: OrderTypeEnum, required: true, description: 'How it is priced.' }),
    productType: t.field({ type: ProductTypeEnum, required: true, description: 'The product to book it under.' }),
    variety: t.field({ type: VarietyEnum, description: 'Defaults to STOPLOSS for the STOPLOSS order types, else NORMAL.' }),
    price: t.float({ description: 'Rupees; required for LIMIT and STOPLOSS_LIMIT.' }),
    triggerPrice: t.float({ description: 'Rupees; required for STOPLOSS_LIMIT and STOPLOSS_MARKET.' }),
  }),
});

const ModifyOrderInput = builder.inputType('ModifyOrderInput', {
  description: "New terms for an open order; the fields left out keep the order's current values. The same rules as placeOrder apply.",
  fields: (t) => ({
    quantity: t.int({ description: 'New quantity in units; null keeps the current one.' }),
    price: t.float({ description: 'New limit price in rupees; null removes it. Dropped when the order becomes MARKET.' }),
    triggerPrice: t.float({ description: 'New trigger price in rupees; null removes it.' }),
    orderType: t.field({
      type: OrderTypeEnum,
      description: 'New order type; null keeps the current one. The variety stays, so changing to or from a STOPLOSS type is refused.',
    }),
  }),
});

builder.mutationFields((t) => ({
  placeOrder: t.field({
    type: OrderRef,
    description:
      "Places an order on one account. On a master account it is then copied to the followers. Refused with KILL_SWITCH while the account's or the global kill switch is engaged.",
    authScopes: sessionOrToken('orders:write', STAFF),
    args: { input: t.arg({ type: PlaceOrderInput, required: true, description: 'The order.' }) },
    resolve: (_root, { input }, ctx) => ctx.orders.placeOrder(ctx.viewer!, { ...input, accountId: String(input.accountId) }),
  }),
  modifyOrder: t.field({
    type: OrderRef,
    description:
      'Changes an open order at its broker and returns it with the new terms. Refused once the order is final, or before the broker has acknowledged it.',
    authScopes: sessionOrToken('orders:write', STAFF),
    args: {
      id: t.arg.id({ required: true, description: 'The order to change.' }),
      input: t.arg({ type: ModifyOrderInput, required: true, description: 'The new terms.' }),
    },
    resolve: (_root, args, ctx) => ctx.orders.modifyOrder(ctx.viewer!, String(args.id), args.input),
  }),
  cancelOrder: t.field({
    type: OrderRef,
    description:
      'Asks the broker to cancel an open order and returns the order as recorded then; it turns CANCELLED when the broker reports it. Refused once the order is final, or before the broker has acknowledged it.',
    authScopes: sessionOrToken('orders:write', STAFF),
    args: { id: t.arg.id({ required: true, description: 'The order to cancel.' }) },
    resolve: (_root, args, ctx) => ctx.orders.cancelOrder(ctx.viewer!, String(args.id)),
  }),
}));
