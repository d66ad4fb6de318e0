import type { EntityManager } from '@mikro-orm/core';
import type { Viewer } from '../auth/viewer.ts';
import { badInput, badInputs, conflict, forbidden, notFound, parseId } from '../core/errors.ts';
import {
  EXCHANGES,
  isCountWithin,
  limitPaise,
  MAX_AMOUNT_TEXT,
  MAX_COPY_QUANTITY,
  MAX_FACTOR,
  MAX_FIXED_LOTS,
  MAX_LIST_ENTRIES,
  MIN_FACTOR,
  SYMBOL,
} from '../core/input-rules.ts';
import {
  MULTIPLIER_MODES,
  PRODUCT_TYPES,
  ZERO_QUANTITY_POLICIES,
  type MultiplierMode,
  type ProductType,
  type ZeroQuantityPolicy,
} from '../core/types.ts';
import { Account } from '../persistence/entities/account.entity.ts';
import { Multiplier } from '../persistence/entities/multiplier.entity.ts';
import { accountFor, visibleAccountIds } from './access.ts';
import { audit } from './audit.ts';
import type { AppServices } from './container.ts';

export interface MultiplierFields {
  mode?: MultiplierMode | null;
  factor?: number | null;
  fixedLots?: number | null;
  maxQuantity?: number | null;
  maxOrderValue?: number | null;
  symbolsAllow?: string[] | null;
  symbolsDeny?: string[] | null;
  exchanges?: string[] | null;
  productType?: ProductType | null;
  copyAmo?: boolean | null;
  copyModifications?: boolean | null;
  copyCancellations?: boolean | null;
  zeroQuantityPolicy?: ZeroQuantityPolicy | null;
  paused?: boolean | null;
}

export interface CreateMultiplierInput extends MultiplierFields {
  masterId: string;
  followerId: string;
}

type Problem = { field: string; message: string };

/**
 * Factors are kept as decimal text with at most 6 places, so sizing stays in integer arithmetic.
 * Null outside MIN_FACTOR..MAX_FACTOR in magnitude: 1e-12 would be stored as 0.
 */
export function factorText(factor: number): string | null {
  if (!Number.isFinite(factor) || Math.abs(factor) < MIN_FACTOR || Math.abs(factor) > MAX_FACTOR) return null;
  const text = factor.toFixed(6).replace(/\.?0+$/, '');
  return Math.abs(Number(text) - factor) > 1e-9 ? null : text;
}

/** The first few bad entries, shortened: the message must stay readable whatever was sent. */
const quoted = (values: string[]) =>
  values
    .slice(0, 5)
    .map((value) => JSON.stringify(value.length > 24 ? `${value.slice(0, 24)}…` : value))
    .join(', ');

function listProblems(field: string, values: string[] | null | undefined, valid: (upper: string) => boolean, expected: string): Problem[] {
  if (!values) return [];
  if (values.length > MAX_LIST_ENTRIES)
    return [{ field: `input.${field}`, message: `${field} has ${values.length} entries; at most ${MAX_LIST_ENTRIES}` }];
  const bad = values.filter((value) => !valid(value.toUpperCase()));
  return bad.length ? [{ field: `input.${field}`, message: `${field} has invalid entries (${quoted(bad)}); ${expected}` }] : [];
}

const SYMBOL_RULE = 'each must be a symbol as the broker spells it, e.g. SBIN-EQ';
const EXCHANGE_RULE = `each must be one of ${EXCHANGES.join(', ')}`;
const isExchange = (upper: string) => (EXCHANGES as readonly string[]).includes(upper);

function applyFields(multiplier: Multiplier, input: MultiplierFields): Problem[] {
  const problems: Problem[] = [];
  if (input.mode != null) {
    if (!MULTIPLIER_MODES.includes(input.mode)) problems.push({ field: 'input.mode', message: 'unknown mode' });
    else multiplier.mode = input.mode;
  }
  if (input.factor !== undefined && input.factor !== null) {
    const text = factorText(input.factor);
    if (text === null)
      problems.push({
        field: 'input.factor',
        message: `factor must be between ${MIN_FACTOR} and ${MAX_FACTOR} in magnitude (negative copies in reverse), with at most 6 decimals`,
      });
    else multiplier.factor = text;
  }
  if (input.fixedLots !== undefined && input.fixedLots !== null) {
    if (!isCountWithin(input.fixedLots, MAX_FIXED_LOTS))
      problems.push({ field: 'input.fixedLots', message: `fixedLots must be a whole number from 1 to ${MAX_FIXED_LOTS}` });
    else multiplier.fixedLots = input.fixedLots;
  }
  if (input.maxQuantity !== undefined) {
    if (input.maxQuantity !== null && !isCountWithin(input.maxQuantity, MAX_COPY_QUANTITY))
      problems.push({ field: 'input.maxQuantity', message: `maxQuantity must be a whole number from 1 to ${MAX_COPY_QUANTITY}` });
    else multiplier.maxQuantity = input.maxQuantity;
  }
  if (input.maxOrderValue !== undefined) {
    const paise = input.maxOrderValue === null ? null : limitPaise(input.maxOrderValue);
    if (input.maxOrderValue !== null && paise === null)
      problems.push({
        field: 'input.maxOrderValue',
        message: `maxOrderValue must be rupees above 0 and at most ${MAX_AMOUNT_TEXT}, with at most 2 decimals`,
      });
    else multiplier.maxOrderValue = paise;
  }
  problems.push(
    ...listProblems('symbolsAllow', input.symbolsAllow, (s) => SYMBOL.test(s), SYMBOL_RULE),
    ...listProblems('symbolsDeny', input.symbolsDeny, (s) => SYMBOL.test(s), SYMBOL_RULE),
    ...listProblems('exchanges', input.exchanges, isExchange, EXCHANGE_RULE),
  );
  if (input.symbolsAllow) multiplier.symbolsAllow = input.symbolsAllow.map((s) => s.toUpperCase());
  if (input.symbolsDeny) multiplier.symbolsDeny = input.symbolsDeny.map((s) => s.toUpperCase());
  if (input.exchanges) multiplier.exchanges = input.exchanges.map((s) => s.toUpperCase());
  if (input.productType !== undefined) {
    if (input.productType !== null && !PRODUCT_TYPES.includes(input.productType))
      problems.push({ field: 'input.productType', message: 'unknown product type' });
    else multiplier.productType = input.productType;
  }
  if (input.zeroQuantityPolicy != null) {
    if (!ZERO_QUANTITY_POLICIES.includes(input.zeroQuantityPolicy))
      problems.push({ field: 'input.zeroQuantityPolicy', message: 'unknown policy' });
    else multiplier.zeroQuantityPolicy = input.zeroQuantityPolicy;
  }
  if (input.copyAmo != null) multiplier.copyAmo = input.copyAmo;
  if (input.copyModifications != null) multiplier.copyModifications = input.copyModifications;
  if (input.copyCancellations != null) multiplier.copyCancellations = input.copyCancellations;
  if (input.paused != null) multiplier.paused = input.paused;

  if (multiplier.mode === 'MULTIPLY' && multiplier.factor === null && !problems.some((p) => p.field === 'input.factor')) {
    problems.push({ field: 'input.factor', message: 'factor is required in MULTIPLY mode' });
  }
  if (multiplier.mode === 'FIXED_LOTS' && multiplier.fixedLots === null && !problems.some((p) => p.field === 'input.fixedLots')) {
    problems.push({ field: 'input.fixedLots', message: 'fixedLots is required in FIXED_LOTS mode' });
  }
  return problems;
}

function auditView(m: Multiplier): Record<string, unknown> {
  const { createdAt: _c, updatedAt: _u, ...rest } = m;
  return { ...rest };
}

/** A follower a trader may link: one they can see (owned, set up by them, or already linked to them). */
async function linkableFollower(em: EntityManager, viewer: Viewer, rawId: string): Promise<Account> {
  const id = parseId(rawId, 'input.followerId');
  const follower = await em.findOne(Account, { id });
  if (!follower) throw notFound('follower account', 'input.followerId');
  const visible = await visibleAccountIds(em, viewer);
  if (visible === null || visible.includes(follower.id)) return follower;
  throw notFound('follower account', 'input.followerId');
}

export async function createMultiplier(services: AppServices, viewer: Viewer, input: CreateMultiplierInput): Promise<Multiplier> {
  if (viewer.role === 'CLIENT') throw forbidden('clients cannot link accounts');
  const em = services.orm.em.fork();
  const masterId = parseId(input.masterId, 'input.masterId');
  const followerId = parseId(input.followerId, 'input.followerId');
  if (masterId === followerId) throw badInput('input.followerId', 'an account cannot follow itself');
  const master = await accountFor(em, viewer, masterId, 'input.masterId', 'manage');
  if (master.role !== 'MASTER') throw badInput('input.masterId', `account ${master.label} is a FOLLOWER, not a MASTER`);
  const follower = await linkableFollower(em, viewer, followerId);
  if (follower.role !== 'FOLLOWER') throw badInput('input.followerId', `account ${follower.label} is a MASTER, not a FOLLOWER`);

  const multiplier = new Multiplier();
  multiplier.masterId = master.id;
  multiplier.followerId = follower.id;
  const problems = applyFields(multiplier, input);
  if (problems.length > 0) throw badInputs(problems);
  if (await em.count(Multiplier, { masterId: master.id, followerId: follower.id })) {
    throw conflict(`${follower.label} already follows ${master.label}`, 'input.followerId');
  }
  const created = em.create(Multiplier, { ...multiplier, createdAt: new Date(), updatedAt: new Date() });
  audit(em, viewer, 'multiplier.create', 'Multiplier', created.id, null, auditView(created));
  await em.flush();
  await services.pubsub.publish('visibilityChanged', { at: new Date().toISOString() });
  return created;
}

async function multiplierFor(em: EntityManager, viewer: Viewer, rawId: string): Promise<Multiplier> {
  const id = parseId(rawId, 'id');
  const multiplier = await em.findOne(Multiplier, { id });
  if (!multiplier) throw notFound('multiplier', 'id');
  await accountFor(em, viewer, multiplier.masterId, 'id', 'manage').catch((error: unknown) => {
    throw error instanceof Error && 'code' in error && error.code === 'NOT_FOUND' ? notFound('multiplier', 'id') : error;
  });
  if (viewer.role === 'CLIENT') throw forbidden('clients cannot change multipliers');
  return multiplier;
}

export async function updateMultiplier(services: AppServices, viewer: Viewer, id: string, input: MultiplierFields): Promise<Multiplier> {
  const em = services.orm.em.fork();
  const multiplier = await multiplierFor(em, viewer, id);
  const before = auditView(multiplier);
  const problems = applyFields(multiplier, input);
  if (problems.length > 0) throw badInputs(problems);
  audit(em, viewer, 'multiplier.update', 'Multiplier', multiplier.id, before, auditView(multiplier));
  await em.flush();
  return multiplier;
}

export async function deleteMultiplier(services: AppServices, viewer: Viewer, id: string): Promise<string> {
  const em = services.orm.em.fork();
  const multiplier = await multiplierFor(em, viewer, id);
  audit(em, viewer, 'multiplier.delete', 'Multiplier', multiplier.id, auditView(multiplier), null);
  em.remove(multiplier);
  await em.flush();
  await services.pubsub.publish('visibilityChanged', { at: new Date().toISOString() });
  return multiplier.id;
}

export async function listMultipliers(
  services: AppServices,
  viewer: Viewer,
  masterId?: string | null,
  followerId?: string | null,
): Promise<Multiplier[]> {
  const em = services.orm.em.fork();
  const where: Record<string, unknown> = {};
  if (masterId) where.masterId = parseId(masterId, 'masterId');
  if (followerId) where.followerId = parseId(followerId, 'followerId');
  const visible = await visibleAccountIds(em, viewer);
  if (visible !== null) where.$or = [{ masterId: { $in: visible } }, { followerId: { $in: visible } }];
  return em.find(Multiplier, where, { orderBy: { createdAt: 'asc' } });
}
