import type { EntityManager } from '@mikro-orm/core';
import type { Viewer } from '../auth/viewer.ts';
import { forbidden, notFound, parseId } from '../core/errors.ts';
import { Account } from '../persistence/entities/account.entity.ts';
import { Multiplier } from '../persistence/entities/multiplier.entity.ts';

/**
 * Which accounts a viewer may see: ADMIN all (null); TRADER the accounts they own or set up
 * (for their clients) plus the followers linked to those masters; CLIENT the accounts they own.
 */
export async function visibleAccountIds(em: EntityManager, viewer: Viewer): Promise<string[] | null> {
  if (viewer.role === 'ADMIN') return null;
  const owned = await em.find(
    Account,
    viewer.role === 'TRADER' ? { $or: [{ ownerId: viewer.userId }, { createdById: viewer.userId }] } : { ownerId: viewer.userId },
    { fields: ['id', 'role'] },
  );
  const ids = new Set(owned.map((a) => a.id));
  if (viewer.role === 'TRADER') {
    const masterIds = owned.filter((a) => a.role === 'MASTER').map((a) => a.id);
    if (masterIds.length > 0) {
      const links = await em.find(Multiplier, { masterId: { $in: masterIds } }, { fields: ['followerId'] });
      for (const link of links) ids.add(link.followerId);
    }
  }
  return [...ids];
}

export type AccountAction = 'read' | 'manage' | 'trade';

/**
 * Loads an account for an action. One the viewer cannot see is NOT_FOUND (its existence is
 * not revealed); one they can see but not act on is FORBIDDEN.
 */
export async function accountFor(em: EntityManager, viewer: Viewer, rawId: string, field: string, action: AccountAction): Promise<Account> {
  const id = parseId(rawId, field);
  const account = await em.findOne(Account, { id });
  if (!account) throw notFound('account', field);
  if (viewer.role === 'ADMIN') return account;
  const visible = await visibleAccountIds(em, viewer);
  if (visible !== null && !visible.includes(account.id)) throw notFound('account', field);
  if (action === 'read') return account;
  if (viewer.role === 'CLIENT') {
    if (action === 'manage' && account.ownerId === viewer.userId) return account;
    throw forbidden(action === 'trade' ? 'clients cannot place orders' : 'clients may only change their own accounts');
  }
  return account;
}

/** The CLIENT's narrow rights on their own account: their credentials and pausing copies into it. */
export const CLIENT_EDITABLE_FIELDS = new Set(['copyEnabled', 'credentials']);
