import { Account } from '../../persistence/entities/account.entity.ts';
import { User } from '../../persistence/entities/user.entity.ts';
import { visibleAccountIds } from '../../services/access.ts';
import {
  connectAccount,
  createAccount,
  deleteAccount,
  getAccount,
  listAccounts,
  setKillSwitch,
  updateAccount,
} from '../../services/accounts.ts';
import { isGlobalKillSwitchEngaged } from '../../persistence/repositories/settings.repository.ts';
import { STAFF, sessionOnly, sessionOrToken } from '../auth-rules.ts';
import { builder } from '../builder.ts';
import { memoize } from '../context.ts';
import type { AccountStatusMessage } from '../../events/pubsub.ts';
import { eachEventFresh, streamTopic } from '../subscriptions.ts';
import { AccountRoleEnum, BrokerEnum, ConnectionStatusEnum } from './enums.ts';
import { UserRef } from './user.ts';

const paiseToRupees = (paise: number | null) => (paise === null ? null : paise / 100);

export const AccountRef = builder.objectType(Account, {
  name: 'Account',
  fields: (t) => ({
    id: t.exposeID('id'),
    label: t.exposeString('label'),
    broker: t.field({ type: BrokerEnum, resolve: (a) => a.broker }),
    role: t.field({ type: AccountRoleEnum, resolve: (a) => a.role }),
    clientCode: t.exposeString('clientCode'),
    status: t.exposeString('status'),
    connectionStatus: t.field({ type: ConnectionStatusEnum, resolve: (a) => a.status }),
    statusReason: t.exposeString('statusReason', { nullable: true }),
    copyEnabled: t.exposeBoolean('copyEnabled'),
    killSwitch: t.exposeBoolean('killSwitch'),
    maxOrdersPerDay: t.exposeInt('maxOrdersPerDay', { nullable: true }),
    maxLossPerDay: t.float({ nullable: true, resolve: (a) => paiseToRupees(a.maxLossPerDay) }),
    hasCredentials: t.boolean({
      description: 'Whether broker credentials are stored. The credentials themselves are write-only.',
      resolve: async (a, _args, ctx) => {
        const row = await ctx.services.orm.em.fork().findOne(Account, { id: a.id }, { fields: ['credentialsSealed'] });
        return Boolean(row?.credentialsSealed);
      },
    }),
    owner: t.field({
      type: UserRef,
      nullable: true,
      authScopes: sessionOrToken('accounts:read'),
      resolve: (a, _args, ctx) => memoize(ctx, `user:${a.ownerId}`, () => ctx.services.orm.em.fork().findOne(User, { id: a.ownerId })),
    }),
    createdAt: t.field({ type: 'DateTime', resolve: (a) => a.createdAt }),
  }),
});

const KillSwitchState = builder.objectRef<{ engaged: boolean; account: Account | null }>('KillSwitchState').implement({
  fields: (t) => ({
    engaged: t.exposeBoolean('engaged'),
    account: t.field({
      type: AccountRef,
      nullable: true,
      description: 'null for the global switch',
      authScopes: sessionOrToken('accounts:write', STAFF),
      resolve: (s) => s.account,
    }),
  }),
});

const AccountStatusEvent = builder.objectRef<AccountStatusMessage>('AccountStatusEvent').implement({
  fields: (t) => ({
    accountId: t.exposeID('accountId'),
    status: t.field({ type: ConnectionStatusEnum, resolve: (e) => e.status }),
    statusReason: t.exposeString('statusReason', { nullable: true }),
    at: t.field({ type: 'DateTime', resolve: (e) => e.at }),
    account: t.field({
      type: AccountRef,
      authScopes: sessionOrToken('accounts:read'),
      resolve: (e, _args, ctx) => getAccount(ctx.services, ctx.viewer!, e.accountId),
    }),
  }),
});

const BrokerCredentialsInput = builder.inputType('BrokerCredentialsInput', {
  fields: (t) => ({
    apiKey: t.string({ required: true }),
    pin: t.string({ required: true }),
    totpSecret: t.string({ required: true }),
  }),
});

const CreateAccountInput = builder.inputType('CreateAccountInput', {
  fields: (t) => ({
    label: t.string({ required: true }),
    broker: t.field({ type: BrokerEnum, required: true }),
    role: t.field({ type: AccountRoleEnum, required: true }),
    clientCode: t.string({ required: true }),
    ownerId: t.id({ description: 'Defaults to the caller.' }),
    credentials: t.field({ type: BrokerCredentialsInput, description: 'Required for SMARTAPI; write-only.' }),
    maxOrdersPerDay: t.int(),
    maxLossPerDay: t.float({ description: 'Rupees of realised loss in one IST trading day after which copying halts.' }),
  }),
});

const UpdateAccountInput = builder.inputType('UpdateAccountInput', {
  fields: (t) => ({
    label: t.string(),
    copyEnabled: t.boolean(),
    maxOrdersPerDay: t.int(),
    maxLossPerDay: t.float(),
    credentials: t.field({ type: BrokerCredentialsInput }),
  }),
});

builder.queryFields((t) => ({
  accounts: t.field({
    type: [AccountRef],
    authScopes: sessionOrToken('accounts:read'),
    args: { role: t.arg({ type: AccountRoleEnum }) },
    resolve: (_root, args, ctx) => listAccounts(ctx.services, ctx.viewer!, args.role),
  }),
  account: t.field({
    type: AccountRef,
    authScopes: sessionOrToken('accounts:read'),
    args: { id: t.arg.id({ required: true }) },
    resolve: (_root, args, ctx) => getAccount(ctx.services, ctx.viewer!, String(args.id)),
  }),
  globalKillSwitch: t.boolean({
    authScopes: sessionOrToken('accounts:read'),
    resolve: (_root, _args, ctx) => isGlobalKillSwitchEngaged(ctx.services.orm.em.fork()),
  }),
}));

builder.mutationFields((t) => ({
  createAccount: t.field({
    type: AccountRef,
    authScopes: sessionOrToken('accounts:write', STAFF),
    args: { input: t.arg({ type: CreateAccountInput, required: true }) },
    resolve: (_root, { input }, ctx) =>
      createAccount(ctx.services, ctx.viewer!, { ...input, ownerId: input.ownerId == null ? null : String(input.ownerId) }),
  }),
  updateAccount: t.field({
    type: AccountRef,
    authScopes: sessionOrToken('accounts:write'),
    args: { id: t.arg.id({ required: true }), input: t.arg({ type: UpdateAccountInput, required: true }) },
    resolve: (_root, args, ctx) => updateAccount(ctx.services, ctx.viewer!, String(args.id), args.input),
  }),
  deleteAccount: t.id({
    authScopes: sessionOrToken('accounts:write', STAFF),
    args: { id: t.arg.id({ required: true }) },
    resolve: (_root, args, ctx) => deleteAccount(ctx.services, ctx.viewer!, String(args.id)),
  }),
  connectAccount: t.field({
    type: AccountRef,
    authScopes: sessionOrToken('accounts:write'),
    args: { id: t.arg.id({ required: true }) },
    resolve: (_root, args, ctx) => connectAccount(ctx.services, ctx.viewer!, String(args.id)),
  }),
  setKillSwitch: t.field({
    type: KillSwitchState,
    description: 'accountId null is the global switch: ADMIN only, and only from a session.',
    // The global switch halts everyone: never managed with a token.
    authScopes: (_root, args) => (args.accountId == null ? sessionOnly(['ADMIN']) : sessionOrToken('accounts:write', STAFF)),
    args: { accountId: t.arg.id(), engaged: t.arg.boolean({ required: true }) },
    resolve: (_root, args, ctx) =>
      setKillSwitch(ctx.services, ctx.viewer!, args.accountId == null ? null : String(args.accountId), args.engaged),
  }),
}));

builder.subscriptionField('accountStatus', (t) =>
  t.field({
    type: AccountStatusEvent,
    authScopes: sessionOrToken('accounts:read'),
    args: { accountId: t.arg.id() },
    subscribe: (_root, args, ctx) => {
      const only = args.accountId == null ? null : String(args.accountId);
      return streamTopic(ctx, 'accountStatus', async (message) => {
        if (only !== null && message.accountId !== only) return false;
        const visible = await visibleAccountIds(ctx.services.orm.em.fork(), ctx.viewer!);
        return visible === null || visible.includes(message.accountId);
      });
    },
    resolve: eachEventFresh,
  }),
);
