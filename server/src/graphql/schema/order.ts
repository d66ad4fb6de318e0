import { paiseToRupees } from '../../core/order-rules.ts';
import { badInput } from '../../core/errors.ts';
import { MAX_PAGE_SIZE } from '../../core/input-rules.ts';
import type { OrderStatus } from '../../core/types.ts';
import type { Order } from '../../persistence/entities/order.entity.ts';
import { orderFromSnapshot } from '../../events/order-snapshot.ts';
import { streamOrderEvents } from '../order-event-stream.ts';
import { childrenOf, getOrder, latestEventCursor, listOrders, ORDERS_PAGE_SIZE } from '../../services/order-queries.ts';
import { accountFor } from '../../services/access.ts';
import { sessionOrToken } from '../auth-rules.ts';
import { builder } from '../builder.ts';
import { visibleAccount } from '../context.ts';
import type { OrderEventMessage } from '../../events/pubsub.ts';
import { eachEventFresh } from '../subscriptions.ts';
import { AccountRef } from './account.ts';
import { OrderEventKindEnum, OrderStatusEnum, OrderTypeEnum, ProductTypeEnum, SideEnum, VarietyEnum } from './enums.ts';

const rupees = (paise: number | null) => (paise === null ? null : paiseToRupees(paise));

export const OrderRef = builder.objectRef<Order>('Order');

OrderRef.implement({
  description:
    'One order on one account: placed through Tandem, seen at the broker on a master, or a copy of a master order placed (or skipped) for a follower. Prices are in rupees, quantities in units.',
  fields: (t) => ({
    id: t.exposeID('id', { description: 'Identifies the order.' }),
    accountId: t.exposeID('accountId', { description: 'The account the order is on, even where you may not see it.' }),
    masterOrderId: t.exposeID('masterOrderId', {
      nullable: true,
      description:
        'For a copy, the id of the master order it was made from, even where you may not see the master; null for every other order.',
    }),
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
    exchange: t.exposeString('exchange', { description: 'The exchange segment, e.g. NSE or NFO.' }),
    symbol: t.exposeString('symbol', { description: 'The trading symbol as the broker spells it, e.g. SBIN-EQ.' }),
    token: t.exposeString('token', { description: "The broker's token for the instrument (Instrument.token)." }),
    side: t.field({ type: SideEnum, description: 'Buy or sell.', resolve: (o) => o.side }),
    quantity: t.exposeInt('quantity', { description: 'Units ordered (not lots); 0 for a skipped copy.' }),
    filledQuantity: t.exposeInt('filledQuantity', { description: 'Units filled so far.' }),
    averagePrice: t.float({
      nullable: true,
      description:
        'Average fill price in rupees, as the broker reports it (it may report 0 before anything fills); null before it reports one.',
      resolve: (o) => rupees(o.averagePrice),
    }),
    price: t.float({
      nullable: true,
      description: 'Limit price in rupees (LIMIT and STOPLOSS_LIMIT); null for the other order types.',
      resolve: (o) => rupees(o.price),
    }),
    triggerPrice: t.float({
      nullable: true,
      description: 'Trigger price in rupees (STOPLOSS_LIMIT and STOPLOSS_MARKET); null for the other order types.',
      resolve: (o) => rupees(o.triggerPrice),
    }),
    orderType: t.field({ type: OrderTypeEnum, description: 'How the order is priced.', resolve: (o) => o.orderType }),
    productType: t.field({ type: ProductTypeEnum, description: 'The product it is booked under.', resolve: (o) => o.productType }),
    variety: t.field({ type: VarietyEnum, description: 'How the broker handles it.', resolve: (o) => o.variety }),
    status: t.field({ type: OrderStatusEnum, description: 'Where the order stands.', resolve: (o) => o.status }),
    brokerStatus: t.exposeString('brokerStatus', {
      nullable: true,
      description: "The broker's own status words, as last reported; null before the broker reports on it.",
    }),
    reason: t.exposeString('reason', {
      nullable: true,
      description:
        "Why the order stands where it does: why a copy was skipped or failed, the broker's rejection or cancellation message, or how a copy was sized; null when there is nothing to say.",
    }),
    orderTag: t.exposeString('orderTag', {
      nullable: true,
      description:
        'The tag Tandem sent with the order, by which it finds the order at the broker; null for orders Tandem did not send (a master seen at the broker, a skipped copy).',
    }),
    brokerOrderId: t.exposeString('brokerOrderId', {
      nullable: true,
      description: "The broker's id for the order; null until the broker acknowledges it.",
    }),
    leg: t.exposeInt('leg', {
      description: 'Which part, from 0, of a copy split into several orders by the freeze quantity; 0 for every other order.',
    }),
    latencyMs: t.float({
      nullable: true,
      description:
        "Milliseconds from detection (or request) to the broker's acknowledgement; for a copy, from detecting its master; 0 for a master seen at the broker. null until acknowledged.",
      resolve: (o) => (o.detectedAt && o.acknowledgedAt ? o.acknowledgedAt.getTime() - o.detectedAt.getTime() : null),
    }),
    detectedAt: t.field({
      type: 'DateTime',
      nullable: true,
      description: "When Tandem learnt of the order (placeOrder's request, or a master seen at the broker); a copy carries its master's.",
      resolve: (o) => o.detectedAt,
    }),
    sentAt: t.field({
      type: 'DateTime',
      nullable: true,
      description: 'When Tandem sent it to the broker; null if it has not (a master seen at the broker, a skipped or pending copy).',
      resolve: (o) => o.sentAt,
    }),
    acknowledgedAt: t.field({
      type: 'DateTime',
      nullable: true,
      description: 'When the broker first reported on it; null until then.',
      resolve: (o) => o.acknowledgedAt,
    }),
    createdAt: t.field({ type: 'DateTime', description: 'When Tandem recorded it.', resolve: (o) => o.createdAt }),
    updatedAt: t.field({ type: 'DateTime', description: 'When its record last changed.', resolve: (o) => o.updatedAt }),
  }),
});

export const OrderEventRef = builder.objectRef<OrderEventMessage>('OrderEvent').implement({
  description: 'One change to one order, as orderEvents delivers it.',
  fields: (t) => ({
    cursor: t.string({
      description:
        "The event's place in the event log: a decimal integer, one more than the event committed before it, that only grows (compare as numbers, not text). Pass it as orderEvents' `after` to resume after this event; a client that reconnects should pass the last one it saw and drop any cursor it has already seen.",
      resolve: (e) => String(e.cursor),
    }),
    order: t.field({
      type: OrderRef,
      description: 'The order as it was right after this change.',
      authScopes: sessionOrToken('orders:read'),
      resolve: (e) => orderFromSnapshot(e.snapshot),
    }),
    status: t.field({ type: OrderStatusEnum, description: "The order's status after this change.", resolve: (e) => e.status }),
    kind: t.field({ type: OrderEventKindEnum, description: 'What happened.', resolve: (e) => e.kind }),
    message: t.exposeString('message', {
      nullable: true,
      description: 'Details in words, e.g. why a copy was skipped or an order failed; null when there are none.',
    }),
    at: t.field({ type: 'DateTime', description: 'When the change happened.', resolve: (e) => e.at }),
  }),
});

builder.queryFields((t) => ({
  orders: t.connection(
    {
      type: OrderRef,
      description: `The orders you may read, newest first (by createdAt, then id), ${ORDERS_PAGE_SIZE} at a time unless \`first\` or \`last\` says otherwise (1 to ${MAX_PAGE_SIZE}). Page forward, toward older orders, with \`first\` and pageInfo.endCursor as \`after\`; back, toward newer ones, with \`last\` and pageInfo.startCursor as \`before\`. \`last\` alone gives the oldest orders; \`first\` and \`last\` together are refused with BAD_USER_INPUT. Each page stays newest first.`,
      authScopes: sessionOrToken('orders:read'),
      args: {
        accountId: t.arg.id({ description: "Only this account's orders; for a master, its copies too." }),
        masterOrderId: t.arg.id({ description: 'Only the copies of this master order.' }),
        mastersOnly: t.arg.boolean({ description: 'true: only orders that are not copies of another order; false or omitted: all.' }),
        status: t.arg({ type: OrderStatusEnum, description: 'Only orders in this status.' }),
        symbol: t.arg.string({ description: 'Only orders in this symbol, as the broker spells it (any case).' }),
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
          { first: args.first, after: args.after, last: args.last, before: args.before },
        ),
    },
    {
      description: 'A page of orders, newest first.',
      edgesField: { description: 'The orders on this page, each with its cursor.', authScopes: sessionOrToken('orders:read') },
      fields: (t) => ({
        totalCount: t.int({
          description:
            'How many orders match the filters that you may read, whatever the page; counted only when asked for, so leave it out of page-by-page reads that do not show it.',
          authScopes: sessionOrToken('orders:read'),
          resolve: (page) => page.totalCount(),
        }),
      }),
    },
    {
      description: 'One order in a page, with its cursor.',
      nodeField: { description: 'The order.', authScopes: sessionOrToken('orders:read') },
    },
  ),
  latestOrderEventCursor: t.string({
    description:
      "The newest order event cursor now: a decimal integer that only grows. Pass it as orderEvents' `after` to go live from this moment with no race: nothing committed after it is missed, nothing before it repeated.",
    authScopes: sessionOrToken('orders:read'),
    resolve: (_root, _args, ctx) => latestEventCursor(ctx.services),
  }),
  order: t.field({
    type: OrderRef,
    description: 'One order; NOT_FOUND when it does not exist or you may not read it.',
    authScopes: sessionOrToken('orders:read'),
    args: { id: t.arg.id({ required: true, description: 'The order id.' }) },
    resolve: (_root, args, ctx) => getOrder(ctx.services, ctx.viewer!, String(args.id)),
  }),
}));

builder.subscriptionField('orderEvents', (t) =>
  t.field({
    type: OrderEventRef,
    description:
      'Every change to the orders you may read, in the order it happened: optionally replayed from a cursor, then live. Ends with UNAUTHENTICATED when the session expires or the token is revoked.',
    authScopes: sessionOrToken('orders:read'),
    args: {
      accountId: t.arg.id({ description: 'A master includes its children. Omit for every order you may read.' }),
      after: t.arg.string({
        description:
          'Replay events after this cursor (a decimal integer as a string), then go live. "0" replays everything kept; latestOrderEventCursor goes live from now without a race; omit for live only.',
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
