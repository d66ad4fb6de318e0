import { Multiplier } from '../../persistence/entities/multiplier.entity.ts';
import {
  createMultiplier,
  deleteMultiplier,
  listMultipliers,
  updateMultiplier,
  type MultiplierFields,
} from '../../services/multipliers.ts';
import { STAFF, sessionOrToken } from '../auth-rules.ts';
import { builder } from '../builder.ts';
import { visibleAccount } from '../context.ts';
import { AccountRef } from './account.ts';
import { MultiplierModeEnum, ProductTypeEnum, ZeroQuantityPolicyEnum } from './enums.ts';

export const MultiplierRef = builder.objectType(Multiplier, {
  name: 'Multiplier',
  fields: (t) => ({
    id: t.exposeID('id'),
    masterId: t.exposeID('masterId'),
    followerId: t.exposeID('followerId'),
    master: t.field({
      type: AccountRef,
      nullable: true,
      description: 'null where you may not see the master (a CLIENT sees only the accounts they own).',
      authScopes: sessionOrToken('accounts:read'),
      resolve: (m, _args, ctx) => visibleAccount(ctx, m.masterId),
    }),
    follower: t.field({
      type: AccountRef,
      nullable: true,
      description: 'null where you may not see the follower.',
      authScopes: sessionOrToken('accounts:read'),
      resolve: (m, _args, ctx) => visibleAccount(ctx, m.followerId),
    }),
    mode: t.field({ type: MultiplierModeEnum, resolve: (m) => m.mode }),
    factor: t.float({ nullable: true, resolve: (m) => (m.factor === null ? null : Number(m.factor)) }),
    fixedLots: t.exposeInt('fixedLots', { nullable: true }),
    maxQuantity: t.exposeInt('maxQuantity', { nullable: true }),
    maxOrderValue: t.float({ nullable: true, resolve: (m) => (m.maxOrderValue === null ? null : m.maxOrderValue / 100) }),
    symbolsAllow: t.exposeStringList('symbolsAllow'),
    symbolsDeny: t.exposeStringList('symbolsDeny'),
    exchanges: t.exposeStringList('exchanges'),
    productType: t.field({ type: ProductTypeEnum, nullable: true, resolve: (m) => m.productType }),
    copyAmo: t.exposeBoolean('copyAmo'),
    copyModifications: t.exposeBoolean('copyModifications'),
    copyCancellations: t.exposeBoolean('copyCancellations'),
    zeroQuantityPolicy: t.field({ type: ZeroQuantityPolicyEnum, resolve: (m) => m.zeroQuantityPolicy }),
    paused: t.exposeBoolean('paused'),
    createdAt: t.field({ type: 'DateTime', resolve: (m) => m.createdAt }),
  }),
});

type FieldBuilder = Parameters<Parameters<typeof builder.inputType>[1]['fields']>[0];
const multiplierFields = (t: FieldBuilder) => ({
  mode: t.field({ type: MultiplierModeEnum, description: 'Defaults to MULTIPLY.' }),
  factor: t.float({ description: 'MULTIPLY: decimal, negative copies in reverse (BUY becomes SELL).' }),
  fixedLots: t.int({ description: 'FIXED_LOTS: lots per copied order.' }),
  maxQuantity: t.int(),
  maxOrderValue: t.float({ description: 'Rupees.' }),
  symbolsAllow: t.stringList(),
  symbolsDeny: t.stringList(),
  exchanges: t.stringList(),
  productType: t.field({ type: ProductTypeEnum }),
  copyAmo: t.boolean(),
  copyModifications: t.boolean(),
  copyCancellations: t.boolean(),
  zeroQuantityPolicy: t.field({ type: ZeroQuantityPolicyEnum }),
  paused: t.boolean(),
});

const CreateMultiplierInput = builder.inputType('CreateMultiplierInput', {
  fields: (t) => ({ masterId: t.id({ required: true }), followerId: t.id({ required: true }), ...multiplierFields(t) }),
});
const UpdateMultiplierInput = builder.inputType('UpdateMultiplierInput', { fields: (t) => multiplierFields(t) });

builder.queryField('multipliers', (t) =>
  t.field({
    type: [MultiplierRef],
    authScopes: sessionOrToken('accounts:read'),
    args: { masterId: t.arg.id(), followerId: t.arg.id() },
    resolve: (_root, args, ctx) =>
      listMultipliers(
        ctx.services,
        ctx.viewer!,
        args.masterId == null ? null : String(args.masterId),
        args.followerId == null ? null : String(args.followerId),
      ),
  }),
);

builder.mutationFields((t) => ({
  createMultiplier: t.field({
    type: MultiplierRef,
    authScopes: sessionOrToken('accounts:write', STAFF),
    args: { input: t.arg({ type: CreateMultiplierInput, required: true }) },
    resolve: (_root, { input }, ctx) =>
      createMultiplier(ctx.services, ctx.viewer!, {
        ...(input as MultiplierFields),
        masterId: String(input.masterId),
        followerId: String(input.followerId),
      }),
  }),
  updateMultiplier: t.field({
    type: MultiplierRef,
    authScopes: sessionOrToken('accounts:write', STAFF),
    args: { id: t.arg.id({ required: true }), input: t.arg({ type: UpdateMultiplierInput, required: true }) },
    resolve: (_root, args, ctx) => updateMultiplier(ctx.services, ctx.viewer!, String(args.id), args.input as MultiplierFields),
  }),
  deleteMultiplier: t.id({
    authScopes: sessionOrToken('accounts:write', STAFF),
    args: { id: t.arg.id({ required: true }) },
    resolve: (_root, args, ctx) => deleteMultiplier(ctx.services, ctx.viewer!, String(args.id)),
  }),
}));
