import { paiseToRupees } from '../../core/order-rules.ts';
import { badInput } from '../../core/errors.ts';
import type { OrderStatus } from '../../core/types.ts';
import type { Order } from '../../persistence/entities/order.entity.ts';
import { orderFromSnapshot } from '../../events/order-snapshot.ts';
import { streamOrderEvents } from '../order-event-stream.ts';
import { childrenOf, getOrder, listOrders } from '../../services/order-queries.ts';
import { accountFor } from '../../services/access.ts';
import { sessionOrToken } from '../auth-rules.ts';
import { builder } from '../builder.ts';
import { visibleAccount } from '../context.ts';
import type { OrderEventMessage } from '../../events/pubsub.ts';
import { eachEventFresh } from '../subscriptions.ts';
import { AccountRef } from './account.ts';
import { OrderStatusEnum, OrderTypeEnum, ProductTypeEnum, SideEnum, VarietyEnum } from './enums.ts';

const rupees = (paise: number | null) => (paise === null ? null : paiseToRupees(paise));

export const OrderRef = builder.objectRef<Order>('Order');

OrderRef.implement({
  fields: (t) => ({
    id: t.exposeID('id'),
    accountId: t.exposeID('accountId'),
    account: t.field({
      type: AccountRef,
      nullable: true,
      description: 'null where you may not see the account.',
      authScopes: sessionOrToken('accounts:read'),
      resolve: (order, _args, ctx) => visibleAccount(ctx, order.accountId),
    }),
    master: t.field({
      type: OrderRef,
      nullable: true,
      description: 'The master order this copy was made from; null for a master, or where you may not see it.',
      authScopes: sessionOrToken('orders:read'),
      resolve: (order, _args, ctx) =>
        order.masterOrderId ? getOrder(ctx.services, ctx.viewer!, order.masterOrderId).catch(() => null) : null,
    }),
    children: t.field({
      type: [OrderRef],
      description: 'The copies of a master order that you may see; empty for a copy.',
      authScopes: sessionOrToken('orders:read'),
      resolve: (order, _args, ctx) => (order.masterOrderId ? [] : childrenOf(ctx.services, ctx.viewer!, order.id)),
    }),
    exchange: t.exposeString('exchange'),
    symbol: t.exposeString('symbol'),
    token: t.exposeString('token'),
    side: t.field({ type: SideEnum, resolve: (o) => o.side }),
    quantity: t.exposeInt('quantity'),
    filledQuantity: t.exposeInt('filledQuantity'),
    averagePrice: t.float({ nullable: true, resolve: (o) => rupees(o.averagePrice) }),
    price: t.float({ nullable: true, resolve: (o) => rupees(o.price) }),
    triggerPrice: t.float({ nullable: true, resolve: (o) => rupees(o.triggerPrice) }),
    orderType: t.field({ type: OrderTypeEnum, resolve: (o) => o.orderType }),
    productType: t.field({ type: ProductTypeEnum, resolve: (o) => o.productType }),
    variety: t.field({ type: VarietyEnum, resolve: (o) => o.variety }),
    status: t.field({ type: OrderStatusEnum, resolve: (o) => o.status }),
    brokerStatus: t.exposeString('brokerStatus', { nullable: true }),
    reason: t.exposeString('reason', { nullable: true }),
    orderTag: t.exposeString('orderTag', { nullable: true }),
    brokerOrderId: t.exposeString('brokerOrderId', { nullable: true }),
    leg: t.exposeInt('leg'),
    latencyMs: t.float({
      nullable: true,
      description: "From detection (or request) to the broker's acknowledgement.",
      resolve: (o) => (o.detectedAt && o.acknowledgedAt ? o.acknowledgedAt.getTime() - o.detectedAt.getTime() : null),
    }),
    detectedAt: t.field({ type: 'DateTime', nullable: true, resolve: (o) => o.detectedAt }),
    sentAt: t.field({ type: 'DateTime', nullable: true, resolve: (o) => o.sentAt }),
    acknowledgedAt: t.field({ type: 'DateTime', nullable: true, resolve: (o) => o.acknowledgedAt }),
    createdAt: t.field({ type: 'DateTime', resolve: (o) => o.createdAt }),
    updatedAt: t.field({ type: 'DateTime', resolve: (o) => o.updatedAt }),
  }),
});

export const OrderEventRef = builder.objectRef<OrderEventMessage>('OrderEvent').implement({
  fields: (t) => ({
    cursor: t.string({ resolve: (e) => String(e.cursor) }),
    order: t.field({
      type: OrderRef,
      description: 'The order as it was right after this change.',
      authScopes: sessionOrToken('orders:read'),
      resolve: (e) => orderFromSnapshot(e.snapshot),
    }),
    status: t.field({ type: OrderStatusEnum, resolve: (e) => e.status }),
    kind: t.exposeString('kind'),
    message: t.exposeString('message', { nullable: true }),
    at: t.field({ type: 'DateTime', resolve: (e) => e.at }),
  }),
});

builder.queryFields((t) => ({
  orders: t.connection(
    {
      type: OrderRef,
      authScopes: sessionOrToken('orders:read'),
      args: {
        accountId: t.arg.id(),
        masterOrderId: t.arg.id(),
        mastersOnly: t.arg.boolean(),
        status: t.arg({ type: OrderStatusEnum }),
        symbol: t.arg.string(),
      },
      resolve: (_root, args, ctx) =>
        listOrders(
          ctx.services,
          ctx.viewer!,
          {
            accountId: args.accountId == null ? null : String(args.accountId),
            masterOrderId: args.masterOrderId == null ? null : String(args.masterOrderId),
            mastersOnly: args.mastersOnly,
            status: args.status as OrderStatus | null | undefined,
            symbol: args.symbol,
          },
          args.first,
          args.after,
        ),
    },
    {
      edgesField: { authScopes: sessionOrToken('orders:read') },
    },
    {
      nodeField: { authScopes: sessionOrToken('orders:read') },
    },
  ),
  order: t.field({
    type: OrderRef,
    authScopes: sessionOrToken('orders:read'),
    args: { id: t.arg.id({ required: true }) },
    resolve: (_root, args, ctx) => getOrder(ctx.services, ctx.viewer!, String(args.id)),
  }),
}));

builder.subscriptionField('orderEvents', (t) =>
  t.field({
    type: OrderEventRef,
    authScopes: sessionOrToken('orders:read'),
    args: {
      accountId: t.arg.id({ description: 'A master includes its children. Omit for every order you may read.' }),
      after: t.arg.string({
        description: 'Replay events after this cursor, then go live. "0" replays everything kept; omit for live only.',
      }),
    },
    subscribe: async (_root, args, ctx) => {
      const accountId =
        args.accountId == null
          ? null
          : (await accountFor(ctx.services.orm.em.fork(), ctx.viewer!, String(args.accountId), 'accountId', 'read')).id;
      let after: number | null = null;
      if (args.after != null) {
        after = Number(args.after);
        if (!/^\d+$/.test(args.after) || !Number.isSafeInteger(after))
          throw badInput('after', 'after must be a cursor such as "0" or "1234"');
      }
      return streamOrderEvents(ctx, after, accountId);
    },
    resolve: eachEventFresh,
  }),
);
