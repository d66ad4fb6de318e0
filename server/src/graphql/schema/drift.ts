import { positionDrift, type DriftRow } from '../../services/drift.ts';
import { anyone, sessionOrToken } from '../auth-rules.ts';
import { builder } from '../builder.ts';
import { AccountRef } from './account.ts';
import { ProductTypeEnum } from './enums.ts';

const PositionDriftRef = builder.objectRef<DriftRow>('PositionDrift').implement({
  description:
    "How far one follower's position in one instrument is from what its multiplier's rules make of the master's fills since the link. Quantities in units (not lots), +long / -short.",
  fields: (t) => ({
    follower: t.field({
      type: AccountRef,
      description: 'The follower account.',
      authScopes: anyone(),
      resolve: (row) => row.follower,
    }),
    exchange: t.exposeString('exchange', { description: 'The exchange segment, e.g. NSE or NFO.' }),
    symbol: t.exposeString('symbol', { description: 'The trading symbol as the broker spells it, e.g. SBIN-EQ.' }),
    productType: t.field({
      type: ProductTypeEnum,
      description: "The follower's product: the multiplier's productType, else the master's.",
      resolve: (row) => row.productType,
    }),
    expected: t.exposeInt('expected', {
      description:
        "What the follower should hold: each master fill since the link sized by the multiplier's rules (factor or lots, the zero-quantity policy, caps), whether or not the copy went out; the filters leave orders out. INTRADAY counts today's fills only.",
    }),
    actual: t.exposeInt('actual', {
      description:
        "What the follower holds: the broker's figure, or Tandem's record when the broker cannot be asked (positions says which).",
    }),
    drift: t.exposeInt('drift', { description: 'actual − expected: positive holds more than it should, negative less.' }),
  }),
});

builder.queryField('positionDrift', (t) =>
  t.field({
    type: [PositionDriftRef],
    description:
      "For each follower of the master you may see and each instrument the master filled since the follower was linked: expected, actual and drift. A copy skipped by a kill switch, turned off, paused, refused or partly filled shows as drift; what the multiplier's filters leave out does not. Rows without drift are left out unless includeZero.",
    authScopes: sessionOrToken(['accounts:read', 'orders:read']),
    args: {
      masterId: t.arg.id({ required: true, description: 'The master account.' }),
      includeZero: t.arg.boolean({ defaultValue: false, description: 'Also list the instruments without drift.' }),
    },
    resolve: (_root, args, ctx) => positionDrift(ctx.services, ctx.viewer!, String(args.masterId), args.includeZero ?? false),
  }),
);
