import { Account } from '../../persistence/entities/account.entity.ts';
import { User } from '../../persistence/entities/user.entity.ts';
import { visibleAccountIds } from '../../services/access.ts';
import { linkedAccounts, type LinkSide } from '../../services/account-links.ts';
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
import { MAX_AMOUNT_TEXT, MAX_API_KEY_LENGTH, MAX_LABEL_LENGTH, MAX_ORDERS_PER_DAY } from '../../core/input-rules.ts';
import { STAFF, byArgument, sessionOnly, sessionOrToken } from '../auth-rules.ts';
import { builder } from '../builder.ts';
import { loadInBatch } from '../batch-load.ts';
import { type GraphQLContext, memoize } from '../context.ts';
import type { AccountStatusMessage } from '../../events/pubsub.ts';
import { eachEventFresh, streamTopic } from '../subscriptions.ts';
import { AccountRoleEnum, BrokerEnum, ConnectionStatusEnum } from './enums.ts';
import { UserRef } from './user.ts';

const paiseToRupees = (paise: number | null) => (paise === null ? null : paise / 100);

const MAX_ORDERS_PER_DAY_TEXT =
  'Once the account has this many orders in the IST trading day (skipped, failed and rejected ones not counted), further copies into it are skipped.';
const MAX_LOSS_PER_DAY_TEXT =
  "Rupees: once the account's realised loss in the IST trading day reaches this, further copies into it are skipped.";

/** The accounts on `side` of the multipliers of `accountId` that the viewer may see; the same field on every account of a list shares two queries. */
function linkedTo(ctx: GraphQLContext, side: LinkSide, accountId: string): Promise<Account[]> {
  return loadInBatch(ctx, `linked-${side}`, accountId, async (ids) => {
    const visible = await memoize(ctx, 'visibleAccountIds', () => visibleAccountIds(ctx.services.orm.em.fork(), ctx.viewer!));
    return linkedAccounts(ctx.services, visible, side, ids);
  });
}

export const AccountRef = builder.objectType(Account, {
  name: 'Account',
  description: 'A broker account Tandem trades on: a master whose orders are copied, or a follower that receives copies.',
  fields: (t) => ({
    id: t.exposeID('id', { description: 'Identifies the account.' }),
    label: t.exposeString('label', { description: 'Its name for people.' }),
    broker: t.field({ type: BrokerEnum, description: 'The broker its orders go to.', resolve: (a) => a.broker }),
    role: t.field({ type: AccountRoleEnum, description: 'Whether it is copied from or copied into.', resolve: (a) => a.role }),
    clientCode: t.exposeString('clientCode', {
      description: "The account's client code at the broker, in upper case; unique per broker.",
    }),
    status: t.exposeString('status', {
      description: 'The same value as connectionStatus, as a plain string.',
      deprecationReason: 'Use connectionStatus, the same value as an enum.',
    }),
    connectionStatus: t.field({
      type: ConnectionStatusEnum,
      description: "The account's connection to its broker.",
      resolve: (a) => a.status,
    }),
    statusReason: t.exposeString('statusReason', {
      nullable: true,
      description: "The broker's or Tandem's words on the connection status (e.g. why a login failed); null when there are none.",
    }),
    copyEnabled: t.exposeBoolean('copyEnabled', {
      description: 'Whether copies are made into this account; while false they are skipped. Its owner may change it, even a CLIENT.',
    }),
    killSwitch: t.exposeBoolean('killSwitch', {
      description: 'While true, placeOrder on this account is refused with KILL_SWITCH and copies into it are skipped.',
    }),
    maxOrdersPerDay: t.exposeInt('maxOrdersPerDay', {
      nullable: true,
      description: `${MAX_ORDERS_PER_DAY_TEXT} null for no limit.`,
    }),
    maxLossPerDay: t.float({
      nullable: true,
      description: `${MAX_LOSS_PER_DAY_TEXT} null for no limit.`,
      resolve: (a) => paiseToRupees(a.maxLossPerDay),
    }),
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
      description: 'The user who owns the account.',
      authScopes: sessionOrToken('accounts:read'),
      resolve: (a, _args, ctx) => memoize(ctx, `user:${a.ownerId}`, () => ctx.services.orm.em.fork().findOne(User, { id: a.ownerId })),
    }),
    followers: t.field({
      type: [Account],
      description:
        'For a master, the follower accounts its orders are copied into (one per multiplier), oldest link first: only those you may see. Empty for a follower.',
      authScopes: sessionOrToken('accounts:read'),
      resolve: (a, _args, ctx) => linkedTo(ctx, 'followers', a.id),
    }),
    masters: t.field({
      type: [Account],
      description:
        'For a follower, the master accounts whose orders are copied into it (one per multiplier), oldest link first: only those you may see, so a CLIENT sees none. Empty for a master.',
      authScopes: sessionOrToken('accounts:read'),
      resolve: (a, _args, ctx) => linkedTo(ctx, 'masters', a.id),
    }),
    createdAt: t.field({ type: 'DateTime', description: 'When the account was created.', resolve: (a) => a.createdAt }),
  }),
});

const KillSwitchState = builder.objectRef<{ engaged: boolean; account: Account | null }>('KillSwitchState').implement({
  description: "A kill switch as setKillSwitch left it: the global one, or one account's.",
  fields: (t) => ({
    engaged: t.exposeBoolean('engaged', { description: 'Whether the switch is engaged now.' }),
    account: t.field({
      type: AccountRef,
      nullable: true,
      description: 'The account whose switch this is; null for the global switch.',
      authScopes: sessionOrToken('accounts:write', STAFF),
      resolve: (s) => s.account,
    }),
  }),
});

const AccountStatusEvent = builder.objectRef<AccountStatusMessage>('AccountStatusEvent').implement({
  description: "A change in an account's connection to its broker.",
  fields: (t) => ({
    accountId: t.exposeID('accountId', { description: 'The account whose connection changed.' }),
    status: t.field({ type: ConnectionStatusEnum, description: 'The new connection status.', resolve: (e) => e.status }),
    statusReason: t.exposeString('statusReason', {
      nullable: true,
      description: "The broker's or Tandem's words on it; null when there are none.",
    }),
    at: t.field({ type: 'DateTime', description: 'When the status changed.', resolve: (e) => e.at }),
    account: t.field({
      type: AccountRef,
      description: 'The account, read when the event is delivered.',
      authScopes: sessionOrToken('accounts:read'),
      resolve: (e, _args, ctx) => getAccount(ctx.services, ctx.viewer!, e.accountId),
    }),
  }),
});

const BrokerCredentialsInput = builder.inputType('BrokerCredentialsInput', {
  description: 'SmartAPI login credentials. Stored encrypted and never returned (see Account.hasCredentials).',
  fields: (t) => ({
    apiKey: t.string({ required: true, description: `The SmartAPI app's API key, 1 to ${MAX_API_KEY_LENGTH} characters.` }),
    pin: t.string({ required: true, description: "The account's PIN at the broker: 4 to 6 digits." }),
    totpSecret: t.string({
      required: true,
      description: 'The base32 secret shown when TOTP was enabled (at least 26 characters; spaces and case ignored), not a 6-digit code.',
    }),
  }),
});

const CreateAccountInput = builder.inputType('CreateAccountInput', {
  description: 'A new broker account.',
  fields: (t) => ({
    label: t.string({ required: true, description: `Its name for people, 1 to ${MAX_LABEL_LENGTH} characters.` }),
    broker: t.field({ type: BrokerEnum, required: true, description: 'The broker its orders go to; cannot be changed later.' }),
    role: t.field({ type: AccountRoleEnum, required: true, description: 'MASTER or FOLLOWER; cannot be changed later.' }),
    clientCode: t.string({
      required: true,
      description:
        'Its client code at the broker: 1 to 32 letters, digits, _ or -, stored in upper case; CONFLICT if taken on that broker.',
    }),
    ownerId: t.id({
      description: 'The user who will own it. Defaults to the caller; an ADMIN may name anyone, a TRADER only a CLIENT user.',
    }),
    credentials: t.field({ type: BrokerCredentialsInput, description: 'Required for SMARTAPI; write-only.' }),
    maxOrdersPerDay: t.int({
      description: `${MAX_ORDERS_PER_DAY_TEXT} 1 to ${MAX_ORDERS_PER_DAY.toLocaleString('en-US')}; omit for no limit.`,
    }),
    maxLossPerDay: t.float({
      description: `${MAX_LOSS_PER_DAY_TEXT} Above 0 and at most ${MAX_AMOUNT_TEXT}, whole paise; omit for no limit.`,
    }),
  }),
});

const UpdateAccountInput = builder.inputType('UpdateAccountInput', {
  description:
    'Changes to an account: only the fields given change. A CLIENT may give only copyEnabled and credentials, on accounts they own.',
  fields: (t) => ({
    label: t.string({ description: `A new name, 1 to ${MAX_LABEL_LENGTH} characters.` }),
    copyEnabled: t.boolean({ description: 'Whether copies are made into the account.' }),
    maxOrdersPerDay: t.int({
      description: `Daily order limit for copies into the account, 1 to ${MAX_ORDERS_PER_DAY.toLocaleString('en-US')}; null removes it.`,
    }),
    maxLossPerDay: t.float({
      description: `Daily loss limit in rupees for copies into the account, above 0 and at most ${MAX_AMOUNT_TEXT}, whole paise; null removes it.`,
    }),
    credentials: t.field({
      type: BrokerCredentialsInput,
      description: 'New broker credentials, replacing the stored ones; a SMARTAPI account logs in with them at once.',
    }),
  }),
});

builder.queryFields((t) => ({
  accounts: t.field({
    type: [AccountRef],
    description:
      'The accounts you may see (ADMIN: all; TRADER: those they own or set up and the followers linked to their masters; CLIENT: those they own), FOLLOWER before MASTER, then oldest first.',
    authScopes: sessionOrToken('accounts:read'),
    args: { role: t.arg({ type: AccountRoleEnum, description: 'Only accounts of this role.' }) },
    resolve: (_root, args, ctx) => listAccounts(ctx.services, ctx.viewer!, args.role),
  }),
  account: t.field({
    type: AccountRef,
    description: 'One account; NOT_FOUND when it does not exist or you may not see it.',
    authScopes: sessionOrToken('accounts:read'),
    args: { id: t.arg.id({ required: true, description: 'The account id.' }) },
    resolve: (_root, args, ctx) => getAccount(ctx.services, ctx.viewer!, String(args.id)),
  }),
  globalKillSwitch: t.boolean({
    description:
      'Whether the global kill switch is engaged: while it is, placeOrder is refused with KILL_SWITCH and new copies are skipped on every account.',
    authScopes: sessionOrToken('accounts:read'),
    resolve: (_root, _args, ctx) => isGlobalKillSwitchEngaged(ctx.services.orm.em.fork()),
  }),
}));

builder.mutationFields((t) => ({
  createAccount: t.field({
    type: AccountRef,
    description: 'Creates a broker account. A PAPER account is CONNECTED at once; a SMARTAPI one stays DISCONNECTED until it logs in.',
    authScopes: sessionOrToken('accounts:write', STAFF),
    args: { input: t.arg({ type: CreateAccountInput, required: true, description: 'The new account.' }) },
    resolve: (_root, { input }, ctx) =>
      createAccount(ctx.services, ctx.viewer!, { ...input, ownerId: input.ownerId == null ? null : String(input.ownerId) }),
  }),
  updateAccount: t.field({
    type: AccountRef,
    description: 'Changes an account you may manage and returns it as changed.',
    authScopes: sessionOrToken('accounts:write'),
    args: {
      id: t.arg.id({ required: true, description: 'The account to change.' }),
      input: t.arg({ type: UpdateAccountInput, required: true, description: 'What to change.' }),
    },
    resolve: (_root, args, ctx) => updateAccount(ctx.services, ctx.viewer!, String(args.id), args.input),
  }),
  deleteAccount: t.id({
    description:
      'Deletes an account with no orders on record, and its multipliers; returns its id. One with orders is a CONFLICT: turn copyEnabled off or engage its kill switch instead. A TRADER may delete only accounts they own or set up.',
    authScopes: sessionOrToken('accounts:write', STAFF),
    args: { id: t.arg.id({ required: true, description: 'The account to delete.' }) },
    resolve: (_root, args, ctx) => deleteAccount(ctx.services, ctx.viewer!, String(args.id)),
  }),
  connectAccount: t.field({
    type: AccountRef,
    description:
      "Logs in to the account's broker now and returns the account with the broker's answer in its connectionStatus and statusReason.",
    authScopes: sessionOrToken('accounts:write'),
    args: { id: t.arg.id({ required: true, description: 'The account to connect.' }) },
    resolve: (_root, args, ctx) => connectAccount(ctx.services, ctx.viewer!, String(args.id)),
  }),
  setKillSwitch: t.field({
    type: KillSwitchState,
    description:
      "Engages or releases one account's kill switch, or without accountId the global one. While engaged, placeOrder on the account is refused with KILL_SWITCH and copies into it are skipped (global: on every account); copied cancellations still go through.",
    // The global switch halts everyone: never managed with a token.
    authScopes: byArgument('accountId', { given: sessionOrToken('accounts:write', STAFF), omitted: sessionOnly(['ADMIN']) }),
    args: {
      accountId: t.arg.id({ description: 'The account whose switch to set; omit (or null) for the global switch.' }),
      engaged: t.arg.boolean({ required: true, description: 'true to engage, false to release.' }),
    },
    resolve: (_root, args, ctx) =>
      setKillSwitch(ctx.services, ctx.viewer!, args.accountId == null ? null : String(args.accountId), args.engaged),
  }),
}));

builder.subscriptionField('accountStatus', (t) =>
  t.field({
    type: AccountStatusEvent,
    description: 'Connection status changes of the accounts you may see, live from now on (no replay).',
    authScopes: sessionOrToken('accounts:read'),
    args: { accountId: t.arg.id({ description: 'Only this account; omit for every account you may see.' }) },
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
