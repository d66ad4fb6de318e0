import { STAFF, sessionOrToken } from '../auth-rules.ts';
import { builder } from '../builder.ts';
import { OrderTypeEnum, ProductTypeEnum, SideEnum, VarietyEnum } from './enums.ts';
import { OrderRef } from './order.ts';

const PlaceOrderInput = builder.inputType('PlaceOrderInput', {
  fields: (t) => ({
    accountId: t.id({ required: true }),
    exchange: t.string({ required: true }),
    symbol: t.string({ required: true, description: 'As the broker spells it, e.g. SBIN-EQ.' }),
    side: t.field({ type: SideEnum, required: true }),
    quantity: t.int({ required: true }),
    orderType: t.field({ type: OrderTypeEnum, required: true }),
    productType: t.field({ type: ProductTypeEnum, required: true }),
    variety: t.field({ type: VarietyEnum }),
    price: t.float({ description: 'Rupees; required for LIMIT and STOPLOSS_LIMIT.' }),
    triggerPrice: t.float({ description: 'Rupees; required for STOPLOSS_LIMIT and STOPLOSS_MARKET.' }),
  }),
});

const ModifyOrderInput = builder.inputType('ModifyOrderInput', {
  fields: (t) => ({
    quantity: t.int(),
    price: t.float(),
    triggerPrice: t.float(),
    orderType: t.field({ type: OrderTypeEnum }),
  }),
});

builder.mutationFields((t) => ({
  placeOrder: t.field({
    type: OrderRef,
    description: 'Places an order on one account. On a master account it is then copied to the followers.',
    authScopes: sessionOrToken('orders:write', STAFF),
    args: { input: t.arg({ type: PlaceOrderInput, required: true }) },
    resolve: (_root, { input }, ctx) => ctx.orders.placeOrder(ctx.viewer!, { ...input, accountId: String(input.accountId) }),
  }),
  modifyOrder: t.field({
    type: OrderRef,
    authScopes: sessionOrToken('orders:write', STAFF),
    args: { id: t.arg.id({ required: true }), input: t.arg({ type: ModifyOrderInput, required: true }) },
    resolve: (_root, args, ctx) => ctx.orders.modifyOrder(ctx.viewer!, String(args.id), args.input),
  }),
  cancelOrder: t.field({
    type: OrderRef,
    authScopes: sessionOrToken('orders:write', STAFF),
    args: { id: t.arg.id({ required: true }) },
    resolve: (_root, args, ctx) => ctx.orders.cancelOrder(ctx.viewer!, String(args.id)),
  }),
}));
