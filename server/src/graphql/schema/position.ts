import { paiseToRupees } from '../../core/order-rules.ts';
import { positionsOf, type Position, type PositionSource } from '../../services/positions.ts';
import { anyone, sessionOrToken } from '../auth-rules.ts';
import { builder } from '../builder.ts';
import { loadAccount } from '../context.ts';
import { AccountRef } from './account.ts';
import { ProductTypeEnum } from './enums.ts';

const rupees = (paise: number | null) => (paise === null ? null : paiseToRupees(paise));

const PositionSourceEnum = builder.enumType('PositionSource', {
  description: 'Whose word a position is.',
  values: {
    BROKER: { value: 'BROKER', description: "The broker's own positions and holdings, orders placed outside Tandem included." },
    TANDEM: {
      value: 'TANDEM',
      description: "Tandem's record of the fills of its own orders, shown because the broker could not be asked; it may be out of date.",
    },
  } satisfies Record<PositionSource, { value: PositionSource; description: string }>,
});

const PositionRef = builder.objectRef<Position>('Position').implement({
  description:
    'What one account holds in one instrument and product: net quantity, average price and P&L. Prices and P&L are in rupees, quantities in units (not lots).',
  fields: (t) => ({
    account: t.field({
      type: AccountRef,
      description: 'The account that holds it.',
      authScopes: anyone(),
      resolve: (p, _args, ctx) => loadAccount(ctx, p.accountId),
    }),
    exchange: t.exposeString('exchange', { description: 'The exchange segment, e.g. NSE or NFO.' }),
    symbol: t.exposeString('symbol', { description: 'The trading symbol as the broker spells it, e.g. SBIN-EQ.' }),
    productType: t.field({ type: ProductTypeEnum, description: 'The product it is held under.', resolve: (p) => p.productType }),
    quantity: t.exposeInt('quantity', {
      description: 'Units held now: positive long, negative short, 0 for a position closed today. For DELIVERY, holdings are included.',
    }),
    holdingQuantity: t.exposeInt('holdingQuantity', {
      description: 'For DELIVERY, the units of quantity held from earlier days (demat holdings); 0 for other products.',
    }),
    averagePrice: t.float({
      nullable: true,
      description:
        "Average price of the open quantity in rupees, by its source's method (SmartAPI's averages; Tandem and the paper exchange FIFO); null when flat.",
      resolve: (p) => rupees(p.averagePrice),
    }),
    lastPrice: t.float({
      nullable: true,
      description: "Last traded price in rupees: the broker's, else the price Tandem values the instrument at; null when there is none.",
      resolve: (p) => rupees(p.lastPrice),
    }),
    realisedPnl: t.float({
      description: 'P&L in rupees realised by trades of the IST trading day.',
      resolve: (p) => paiseToRupees(p.realisedPnl),
    }),
    unrealisedPnl: t.float({
      nullable: true,
      description: '(lastPrice − averagePrice) × quantity in rupees; 0 when flat, null without a last price.',
      resolve: (p) => rupees(p.unrealisedPnl),
    }),
    source: t.field({ type: PositionSourceEnum, description: 'Whose word this row is.', resolve: (p) => p.source }),
    asOf: t.field({
      type: 'DateTime',
      description: "BROKER: when the broker answered. TANDEM: when the newest fill in Tandem's record for this row filled (its age).",
      resolve: (p) => p.asOf,
    }),
    tandemQuantity: t.exposeInt('tandemQuantity', {
      nullable: true,
      description: "On a BROKER row, the quantity Tandem's own fills add up to (0 when it has none); null on a TANDEM row.",
    }),
    mismatch: t.exposeBoolean('mismatch', {
      description: 'Whether quantity and tandemQuantity differ by more than one lot of the instrument; always false on a TANDEM row.',
    }),
  }),
});

builder.queryField('positions', (t) =>
  t.field({
    type: [PositionRef],
    description:
      "An account's positions per exchange, symbol and product, as its broker reports them (paper exchange: its book; SmartAPI: getPosition and getHolding), each with Tandem's own count beside it. When the broker cannot be asked (no session, an error, no answer within 5 s), Tandem's record of its own fills instead, with source TANDEM. Flat positions appear only when they traded today.",
    authScopes: sessionOrToken(['accounts:read', 'orders:read']),
    args: { accountId: t.arg.id({ required: true, description: 'The account; NOT_FOUND when you may not see it.' }) },
    resolve: (_root, args, ctx) => positionsOf(ctx.services, ctx.viewer!, String(args.accountId)),
  }),
);
