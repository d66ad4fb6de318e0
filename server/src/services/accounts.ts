import type { EntityManager } from '@mikro-orm/core';
import { seal } from '../secrets/keys.ts';
import { enqueueAlert } from '../alerts/outbox.ts';
import { sessionAlert } from '../alerts/session-alerts.ts';
import { actorOf, type Viewer } from '../auth/viewer.ts';
import { PAPER_STATUS_REASON } from '../brokers/registry.ts';
import { badInputs, conflict, forbidden, notFound, parseId } from '../core/errors.ts';
import {
  isCountWithin,
  limitPaise,
  MAX_AMOUNT_TEXT,
  MAX_API_KEY_LENGTH,
  MAX_LABEL_LENGTH,
  MAX_ORDERS_PER_DAY,
  MAX_TOTP_SECRET_LENGTH,
} from '../core/input-rules.ts';
import { ACCOUNT_ROLES, BROKERS, type AccountRole, type BrokerKind } from '../core/types.ts';
import { Account } from '../persistence/entities/account.entity.ts';
import { Order } from '../persistence/entities/order.entity.ts';
import { User } from '../persistence/entities/user.entity.ts';
import { CLIENT_EDITABLE_FIELDS, accountFor, visibleAccountIds } from './access.ts';
import { audit } from './audit.ts';
import type { AppServices } from './container.ts';
import { writeSetting } from '../persistence/repositories/settings.repository.ts';

export interface CredentialsInput {
  apiKey: string;
  pin: string;
  totpSecret: string;
}

export interface CreateAccountInput {
  label: string;
  broker: BrokerKind;
  role: AccountRole;
  clientCode: string;
  ownerId?: string | null;
  credentials?: CredentialsInput | null;
  maxOrdersPerDay?: number | null;
  maxLossPerDay?: number | null;
}

export interface UpdateAccountInput {
  label?: string | null;
  copyEnabled?: boolean | null;
  maxOrdersPerDay?: number | null;
  maxLossPerDay?: number | null;
  credentials?: CredentialsInput | null;
}

const CLIENT_CODE = /^[A-Za-z0-9_-]{1,32}$/;
const BASE32 = /^[A-Z2-7]+=*$/;

function credentialProblems(credentials: CredentialsInput, prefix: string): { field: string; message: string }[] {
  const problems: { field: string; message: string }[] = [];
  if (!credentials.apiKey.trim() || credentials.apiKey.length > MAX_API_KEY_LENGTH)
    problems.push({ field: `${prefix}.apiKey`, message: `apiKey must be 1 to ${MAX_API_KEY_LENGTH} characters` });
  if (!/^\d{4,6}$/.test(credentials.pin)) problems.push({ field: `${prefix}.pin`, message: 'pin must be 4 to 6 digits' });
  const secret = credentials.totpSecret.replace(/\s+/g, '').toUpperCase();
  // TOTP codes need a key of at least 16 bytes: 26 base32 characters (Angel One shows 32).
  const bytes = Math.floor((secret.replace(/=+$/, '').length * 5) / 8);
  if (!BASE32.test(secret) || bytes < 16 || secret.length > MAX_TOTP_SECRET_LENGTH)
    problems.push({
      field: `${prefix}.totpSecret`,
      message: 'totpSecret must be the base32 secret shown when TOTP was enabled (at least 26 characters)',
    });
  return problems;
}

function limitProblems(input: { maxOrdersPerDay?: number | null; maxLossPerDay?: number | null }): { field: string; message: string }[] {
  const problems: { field: string; message: string }[] = [];
  if (input.maxOrdersPerDay != null && !isCountWithin(input.maxOrdersPerDay, MAX_ORDERS_PER_DAY)) {
    problems.push({ field: 'maxOrdersPerDay', message: `maxOrdersPerDay must be a whole number from 1 to ${MAX_ORDERS_PER_DAY}` });
  }
  if (input.maxLossPerDay != null && limitPaise(input.maxLossPerDay) === null) {
    problems.push({
      field: 'maxLossPerDay',
      message: `maxLossPerDay must be rupees above 0 and at most ${MAX_AMOUNT_TEXT}, with at most 2 decimals`,
    });
  }
  return problems;
}

function sealCredentials(services: AppServices, credentials: CredentialsInput): string {
  const normalised = { ...credentials, totpSecret: credentials.totpSecret.replace(/\s+/g, '').toUpperCase() };
  return seal(services.keys.credentials, JSON.stringify(normalised));
}

/** What the audit trail keeps of an account: never the credentials, only whether they exist. */
/** The account's lazily loaded credentials column, so auditView says truly whether there are credentials. */
async function loadCredentialsFlag(em: EntityManager, account: Account): Promise<void> {
  await em.populate(account, ['credentialsSealed']);
}

/** What the audit trail records of an account; `hasCredentials` needs loadCredentialsFlag on a loaded account. */
function auditView(account: Account): Record<string, unknown> {
  return {
    label: account.label,
    broker: account.broker,
    role: account.role,
    clientCode: account.clientCode,
    ownerId: account.ownerId,
    copyEnabled: account.copyEnabled,
    killSwitch: account.killSwitch,
    maxOrdersPerDay: account.maxOrdersPerDay,
    maxLossPerDay: account.maxLossPerDay,
    hasCredentials: account.credentialsSealed !== null,
  };
}

async function resolveOwner(em: EntityManager, viewer: Viewer, ownerId: string | null | undefined): Promise<string> {
  if (!ownerId) return viewer.userId;
  const id = parseId(ownerId, 'input.ownerId');
  if (id === viewer.userId) return id;
  const owner = await em.findOne(User, { id });
  if (!owner) throw notFound('user', 'input.ownerId');
  if (viewer.role === 'ADMIN') return id;
  if (viewer.role === 'TRADER' && owner.role === 'CLIENT') return id;
  throw forbidden('a trader may create accounts for themselves or for their clients only');
}

export async function createAccount(services: AppServices, viewer: Viewer, input: CreateAccountInput): Promise<Account> {
  if (viewer.role === 'CLIENT') throw forbidden('clients cannot create accounts');
  const problems: { field: string; message: string }[] = [];
  const label = input.label.trim();
  if (!label || label.length > MAX_LABEL_LENGTH)
    problems.push({ field: 'input.label', message: `label must be 1 to ${MAX_LABEL_LENGTH} characters` });
  if (!BROKERS.includes(input.broker)) problems.push({ field: 'input.broker', message: 'unknown broker' });
  if (!ACCOUNT_ROLES.includes(input.role)) problems.push({ field: 'input.role', message: 'unknown role' });
  if (!CLIENT_CODE.test(input.clientCode))
    problems.push({ field: 'input.clientCode', message: 'clientCode must be 1 to 32 letters, digits, _ or -' });
  if (input.broker === 'SMARTAPI' && !input.credentials)
    problems.push({ field: 'input.credentials', message: 'credentials are required for a SMARTAPI account' });
  if (input.credentials) problems.push(...credentialProblems(input.credentials, 'input.credentials'));
  problems.push(...limitProblems(input).map((p) => ({ ...p, field: `input.${p.field}` })));
  if (problems.length > 0) throw badInputs(problems);

  const em = services.orm.em.fork();
  const ownerId = await resolveOwner(em, viewer, input.ownerId);
  const clientCode = input.clientCode.toUpperCase();
  if (await em.count(Account, { broker: input.broker, clientCode })) {
    throw conflict(`a ${input.broker} account with client code ${clientCode} exists already`, 'input.clientCode');
  }
  const account = em.create(Account, {
    label,
    broker: input.broker,
    role: input.role,
    clientCode,
    ownerId,
    createdById: viewer.userId,
    credentialsSealed: input.credentials ? sealCredentials(services, input.credentials) : null,
    // The paper exchange needs no login: a paper account can trade from the start. A SmartAPI
    // account stays DISCONNECTED until its first login says otherwise.
    ...(input.broker === 'PAPER' ? { status: 'CONNECTED' as const, statusReason: PAPER_STATUS_REASON } : {}),
    maxOrdersPerDay: input.maxOrdersPerDay ?? null,
    maxLossPerDay: input.maxLossPerDay != null ? limitPaise(input.maxLossPerDay) : null,
    createdAt: new Date(),
    updatedAt: new Date(),
  });
  audit(em, viewer, 'account.create', 'Account', account.id, null, auditView(account));
  await em.flush();
  await services.pubsub.publish('visibilityChanged', { at: new Date().toISOString() });
  services.brokers.activate(account);
  return account;
}

export async function updateAccount(services: AppServices, viewer: Viewer, id: string, input: UpdateAccountInput): Promise<Account> {
  const em = services.orm.em.fork();
  const account = await accountFor(em, viewer, id, 'id', 'manage');
  if (viewer.role === 'CLIENT') {
    const asked = Object.entries(input)
      .filter(([, value]) => value !== undefined)
      .map(([key]) => key);
    const refused = asked.filter((key) => !CLIENT_EDITABLE_FIELDS.has(key));
    if (refused.length > 0) throw forbidden(`clients may change only copyEnabled and credentials, not ${refused.join(', ')}`);
  }
  const problems = limitProblems(input).map((p) => ({ ...p, field: `input.${p.field}` }));
  if (input.label != null && (!input.label.trim() || input.label.trim().length > MAX_LABEL_LENGTH))
    problems.push({ field: 'input.label', message: `label must be 1 to ${MAX_LABEL_LENGTH} characters` });
  if (input.credentials) problems.push(...credentialProblems(input.credentials, 'input.credentials'));
  if (problems.length > 0) throw badInputs(problems);

  await loadCredentialsFlag(em, account);
  const before = auditView(account);
  if (input.label != null) account.label = input.label.trim();
  if (input.copyEnabled != null) account.copyEnabled = input.copyEnabled;
  if (input.maxOrdersPerDay !== undefined) account.maxOrdersPerDay = input.maxOrdersPerDay;
  if (input.maxLossPerDay !== undefined) account.maxLossPerDay = input.maxLossPerDay != null ? limitPaise(input.maxLossPerDay) : null;
  if (input.credentials) account.credentialsSealed = sealCredentials(services, input.credentials);
  audit(em, viewer, input.credentials ? 'account.update+credentials' : 'account.update', 'Account', account.id, before, auditView(account));
  await em.flush();
  // New SmartAPI credentials are tried at once; the account's status says how that went.
  if (input.credentials && account.broker === 'SMARTAPI') {
    void services.brokers
      .connect(account)
      .catch((error: unknown) =>
        services.log.error({ err: error, accountId: account.id }, 'logging in with new SmartAPI credentials failed'),
      );
  }
  return account;
}

export async function deleteAccount(services: AppServices, viewer: Viewer, id: string): Promise<string> {
  if (viewer.role === 'CLIENT') throw forbidden('clients cannot delete accounts');
  const em = services.orm.em.fork();
  const account = await accountFor(em, viewer, id, 'id', 'manage');
  if (viewer.role === 'TRADER' && account.ownerId !== viewer.userId && account.createdById !== viewer.userId) {
    throw forbidden('only the owner, the trader who set it up, or an admin can delete this account');
  }
  const orders = await em.count(Order, { accountId: account.id });
  if (orders > 0) {
    throw conflict(
      `${account.label} has ${orders} order${orders === 1 ? '' : 's'} on record and cannot be deleted; turn copying off (copyEnabled: false) or engage its kill switch instead`,
      'id',
    );
  }
  await loadCredentialsFlag(em, account);
  audit(em, viewer, 'account.delete', 'Account', account.id, auditView(account), null);
  em.remove(account);
  await em.flush();
  await services.brokers.forget(account.id);
  await services.pubsub.publish('visibilityChanged', { at: new Date().toISOString() });
  return account.id;
}

export async function listAccounts(services: AppServices, viewer: Viewer, role: AccountRole | null | undefined): Promise<Account[]> {
  const em = services.orm.em.fork();
  const visible = await visibleAccountIds(em, viewer);
  const where: Record<string, unknown> = {};
  if (visible !== null) where.id = { $in: visible };
  if (role) where.role = role;
  return em.find(Account, where, { orderBy: { role: 'asc', createdAt: 'asc' } });
}

export async function getAccount(services: AppServices, viewer: Viewer, id: string): Promise<Account> {
  return accountFor(services.orm.em.fork(), viewer, id, 'id', 'read');
}

/** accountId null is the global switch (ADMIN only). While engaged, no new order is placed. */
export async function setKillSwitch(
  services: AppServices,
  viewer: Viewer,
  accountId: string | null | undefined,
  engaged: boolean,
): Promise<{ engaged: boolean; account: Account | null }> {
  const em = services.orm.em.fork();
  if (accountId == null) {
    if (viewer.role !== 'ADMIN') throw forbidden('only an admin can use the global kill switch');
    await writeSetting(em, 'kill_switch', String(engaged));
    audit(em, viewer, engaged ? 'killSwitch.engage' : 'killSwitch.release', 'Global', null, null, { engaged });
    await em.flush();
    services.log.warn({ engaged, by: actorOf(viewer) }, 'global kill switch changed');
    return { engaged, account: null };
  }
  const account = await accountFor(em, viewer, accountId, 'accountId', 'manage');
  if (viewer.role === 'CLIENT') throw forbidden("clients pause copying with copyEnabled; the kill switch is the trader's");
  await loadCredentialsFlag(em, account);
  const before = auditView(account);
  account.killSwitch = engaged;
  audit(em, viewer, engaged ? 'killSwitch.engage' : 'killSwitch.release', 'Account', account.id, before, auditView(account));
  await em.flush();
  services.log.warn({ engaged, accountId: account.id, by: actorOf(viewer) }, 'account kill switch changed');
  return { engaged, account };
}

/**
 * Records a connection status change and tells `accountStatus` subscribers. Every status change
 * of every account comes through here, so a session that stops working (AUTH_FAILED,
 * SESSION_EXPIRED) is alerted here, in the change's transaction, once per change.
 */
export async function setAccountStatus(
  services: AppServices,
  accountId: string,
  status: Account['status'],
  statusReason: string | null,
): Promise<void> {
  await services.orm.em.fork().transactional(async (tx) => {
    const before = await tx.findOne(Account, { id: accountId }, { fields: ['label', 'broker', 'clientCode', 'status'] });
    await tx.nativeUpdate(Account, { id: accountId }, { status, statusReason, updatedAt: new Date() });
    const alert = before && before.status !== status ? sessionAlert(before, status, statusReason, services.clock.now()) : null;
    if (alert) await enqueueAlert(services, alert, tx);
  });
  await services.pubsub.publish('accountStatus', { accountId, status, statusReason, at: services.clock.now().toISOString() });
}

/** Tests the account's broker session now and reports the broker's answer in the account's status. */
export async function connectAccount(services: AppServices, viewer: Viewer, id: string): Promise<Account> {
  const em = services.orm.em.fork();
  const account = await accountFor(em, viewer, id, 'id', 'manage');
  await setAccountStatus(services, account.id, 'CONNECTING', null);
  const { status, reason } = await services.brokers.connect(account);
  await setAccountStatus(services, account.id, status, reason);
  return em.fork().findOneOrFail(Account, { id: account.id });
}
