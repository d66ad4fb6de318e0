import { STAFF, sessionOrToken } from '../auth-rules.ts';
import { builder } from '../builder.ts';
import { ProductTypeEnum } from './enums.ts';
import { OrderRef } from './order.ts';

builder.mutationFields((t) => ({
  squareOff: t.field({
    type: [OrderRef],
    description:
      "Closes an account's open positions: for each (optionally only one symbol and/or product), one MARKET order on the opposite side for what is held (DELIVERY: holdings included), less what the account's unsettled orders will already close, in the product held, split into legs by the freeze quantity. A position that cannot be closed gets a SKIPPED order saying why. Exactly once: a repeat, while the first square-off's orders are open or after they filled, returns an empty list. Allowed while a kill switch is engaged. A square-off on a master is never copied to its followers.",
    authScopes: sessionOrToken('orders:write', STAFF),
    args: {
      accountId: t.arg.id({ required: true, description: 'The account to square off; NOT_FOUND when you may not see it.' }),
      symbol: t.arg.string({
        description: 'Only this symbol as the broker spells it (any case), e.g. SBIN-EQ; every symbol when left out.',
      }),
      productType: t.arg({ type: ProductTypeEnum, description: 'Only positions held under this product; every product when left out.' }),
    },
    resolve: (_root, args, ctx) =>
      ctx.orders.squareOffs.squareOff(ctx.viewer!, String(args.accountId), { symbol: args.symbol, productType: args.productType }),
  }),
  squareOffFollowers: t.field({
    type: [OrderRef],
    description:
      "Squares off every follower of a master that you may trade, all at once, each as squareOff(follower, symbol), and the master too when includeMaster; the master's square-off is never copied. Followers with nothing to close are left out, so a repeat returns an empty list. One follower's failure stops no other (it is logged and alerted).",
    authScopes: sessionOrToken('orders:write', STAFF),
    args: {
      masterId: t.arg.id({ required: true, description: 'The master account whose followers to square off.' }),
      symbol: t.arg.string({ description: 'Only this symbol as the broker spells it (any case); every symbol when left out.' }),
      includeMaster: t.arg.boolean({ defaultValue: false, description: "Also close the master's own positions." }),
    },
    resolve: (_root, args, ctx) =>
      ctx.orders.squareOffs.squareOffFollowers(ctx.viewer!, String(args.masterId), {
        symbol: args.symbol,
        includeMaster: args.includeMaster ?? false,
      }),
  }),
}));
