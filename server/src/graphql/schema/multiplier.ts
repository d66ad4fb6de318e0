import { Multiplier } from '../../persistence/entities/multiplier.entity.ts';
import {
  createMultiplier,
  deleteMultiplier,
  listMultipliers,
  updateMultiplier,
  type MultiplierFields,
} from '../../services/multipliers.ts';
import {
  EXCHANGES,
  MAX_AMOUNT_TEXT,
  MAX_COPY_QUANTITY,
  MAX_FACTOR,
  MAX_FIXED_LOTS,
  MAX_LIST_ENTRIES,
  MIN_FACTOR,
} from '../../core/input-rules.ts';
import { STAFF, sessionOrToken } from '../auth-rules.ts';
import { builder } from '../builder.ts';
import { visibleAccount } from '../context.ts';
import { AccountRef } from './account.ts';
import { MultiplierModeEnum, ProductTypeEnum, ZeroQuantityPolicyEnum } from './enums.ts';

export const MultiplierRef = builder.objectType(Multiplier, {
  name: 'Multiplier',
  description: "A link that copies a master account's orders into a follower account, with the rules that size and filter each copy.",
  fields: (t) => ({
    id: t.exposeID('id', { description: 'Identifies the link.' }),
    masterId: t.exposeID('masterId', { description: 'The master account, even where you may not see it.' }),
    followerId: t.exposeID('followerId', { description: 'The follower account, even where you may not see it.' }),
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
    mode: t.field({ type: MultiplierModeEnum, description: 'How copies are sized.', resolve: (m) => m.mode }),
    factor: t.float({
      nullable: true,
      description: "MULTIPLY mode: the master's quantity times this, in whole lots; negative copies in reverse. null when never set.",
      resolve: (m) => (m.factor === null ? null : Number(m.factor)),
    }),
    fixedLots: t.exposeInt('fixedLots', {
      nullable: true,
      description: 'FIXED_LOTS mode: lots per copy. null when never set.',
    }),
    maxQuantity: t.exposeInt('maxQuantity', {
      nullable: true,
      description: 'The most units one copy may carry, cut down to whole lots; null for no cap.',
    }),
    maxOrderValue: t.float({
      nullable: true,
      description:
        "The most one copy may be worth in rupees, valued at the master's limit price, else its trigger, else the last price; cut down to whole lots. null for no cap.",
      resolve: (m) => (m.maxOrderValue === null ? null : m.maxOrderValue / 100),
    }),
    symbolsAllow: t.exposeStringList('symbolsAllow', { description: 'Only these symbols are copied; empty copies every symbol.' }),
    symbolsDeny: t.exposeStringList('symbolsDeny', { description: 'These symbols are never copied.' }),
    exchanges: t.exposeStringList('exchanges', { description: 'Only orders on these exchanges are copied; empty copies every exchange.' }),
    productType: t.field({
      type: ProductTypeEnum,
      nullable: true,
      description: "The product type copies are placed with; null keeps the master order's.",
      resolve: (m) => m.productType,
    }),
    copyAmo: t.exposeBoolean('copyAmo', { description: 'Whether after-market (AMO) orders are copied.' }),
    copyModifications: t.exposeBoolean('copyModifications', {
      description: 'Whether a modification of the master order is carried to its open copy, re-sized by the same rules (not while paused).',
    }),
    copyCancellations: t.exposeBoolean('copyCancellations', {
      description: 'Whether cancelling the master order cancels its open copy, even while paused or a kill switch is engaged.',
    }),
    zeroQuantityPolicy: t.field({
      type: ZeroQuantityPolicyEnum,
      description: 'What happens when sizing rounds a copy down to zero lots.',
      resolve: (m) => m.zeroQuantityPolicy,
    }),
    paused: t.exposeBoolean('paused', {
      description: 'While true, new copies and modifications are skipped; cancellations still follow copyCancellations.',
    }),
    createdAt: t.field({ type: 'DateTime', description: 'When the link was created.', resolve: (m) => m.createdAt }),
  }),
});

type FieldBuilder = Parameters<Parameters<typeof builder.inputType>[1]['fields']>[0];
// Shared by create and update: "new links" states the default a create gets when a field is left
// out; on update a field left out keeps its value (UpdateMultiplierInput's description).
const multiplierFields = (t: FieldBuilder) => ({
  mode: t.field({ type: MultiplierModeEnum, description: 'How copies are sized. New links default to MULTIPLY.' }),
  factor: t.float({
    description: `Required in MULTIPLY mode: a decimal, ${MIN_FACTOR} to ${MAX_FACTOR} in magnitude, at most 6 decimals; negative copies in reverse (BUY becomes SELL).`,
  }),
  fixedLots: t.int({
    description: `Required in FIXED_LOTS mode: lots per copied order, 1 to ${MAX_FIXED_LOTS.toLocaleString('en-US')}.`,
  }),
  maxQuantity: t.int({
    description: `The most units one copy may carry, 1 to ${MAX_COPY_QUANTITY.toLocaleString('en-US')}, cut down to whole lots; null for no cap (new links have none).`,
  }),
  maxOrderValue: t.float({
    description: `The most one copy may be worth in rupees: above 0, at most ${MAX_AMOUNT_TEXT}, whole paise; null for no cap (new links have none).`,
  }),
  symbolsAllow: t.stringList({
    description: `Copy only these symbols (as the broker spells them, any case; at most ${MAX_LIST_ENTRIES}). An empty list, as new links have, copies every symbol.`,
  }),
  symbolsDeny: t.stringList({ description: `Never copy these symbols (any case; at most ${MAX_LIST_ENTRIES}). New links deny none.` }),
  exchanges: t.stringList({
    description: `Copy only orders on these exchanges (${EXCHANGES.join(', ')}; any case). An empty list, as new links have, copies every exchange.`,
  }),
  productType: t.field({
    type: ProductTypeEnum,
    description: "Place copies with this product type; null (as new links have) keeps the master order's.",
  }),
  copyAmo: t.boolean({ description: 'Whether after-market (AMO) orders are copied. New links default to true.' }),
  copyModifications: t.boolean({
    description: "Whether the master's modifications are carried to open copies. New links default to true.",
  }),
  copyCancellations: t.boolean({ description: "Whether the master's cancellations cancel open copies. New links default to true." }),
  zeroQuantityPolicy: t.field({
    type: ZeroQuantityPolicyEnum,
    description: 'What happens when a copy rounds to zero lots. New links default to SKIP.',
  }),
  paused: t.boolean({ description: 'Whether new copies and modifications are held back. New links default to false.' }),
});

const CreateMultiplierInput = builder.inputType('CreateMultiplierInput', {
  description:
    'A new link from a master account to a follower account. Fields left out take the defaults their descriptions give for new links.',
  fields: (t) => ({
    masterId: t.id({ required: true, description: 'The MASTER account whose orders are copied; you must be able to manage it.' }),
    followerId: t.id({ required: true, description: 'The FOLLOWER account copies go to; CONFLICT if it follows this master already.' }),
    ...multiplierFields(t),
  }),
});
const UpdateMultiplierInput = builder.inputType('UpdateMultiplierInput', {
  description:
    'Changes to a multiplier: only the fields given change. null clears maxQuantity, maxOrderValue and productType, and leaves any other field as it is.',
  fields: (t) => multiplierFields(t),
});

builder.queryField('multipliers', (t) =>
  t.field({
    type: [MultiplierRef],
    description: 'The links where you may see the master or the follower, oldest first.',
    authScopes: sessionOrToken('accounts:read'),
    args: {
      masterId: t.arg.id({ description: 'Only links from this master account.' }),
      followerId: t.arg.id({ description: 'Only links into this follower account.' }),
    },
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
    description: "Links a follower to a master: the master's next orders are copied into the follower.",
    authScopes: sessionOrToken('accounts:write', STAFF),
    args: { input: t.arg({ type: CreateMultiplierInput, required: true, description: 'The link and its rules.' }) },
    resolve: (_root, { input }, ctx) =>
      createMultiplier(ctx.services, ctx.viewer!, {
        ...(input as MultiplierFields),
        masterId: String(input.masterId),
        followerId: String(input.followerId),
      }),
  }),
  updateMultiplier: t.field({
    type: MultiplierRef,
    description: "Changes a link's rules (you must be able to manage its master) and returns it as changed.",
    authScopes: sessionOrToken('accounts:write', STAFF),
    args: {
      id: t.arg.id({ required: true, description: 'The multiplier to change.' }),
      input: t.arg({ type: UpdateMultiplierInput, required: true, description: 'What to change.' }),
    },
    resolve: (_root, args, ctx) => updateMultiplier(ctx.services, ctx.viewer!, String(args.id), args.input as MultiplierFields),
  }),
  deleteMultiplier: t.id({
    description: "Removes a link, so the master's next orders are no longer copied into that follower; returns its id.",
    authScopes: sessionOrToken('accounts:write', STAFF),
    args: { id: t.arg.id({ required: true, description: 'The multiplier to delete.' }) },
    resolve: (_root, args, ctx) => deleteMultiplier(ctx.services, ctx.viewer!, String(args.id)),
  }),
}));
