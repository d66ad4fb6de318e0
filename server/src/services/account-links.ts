import { Account } from '../persistence/entities/account.entity.ts';
import { Multiplier } from '../persistence/entities/multiplier.entity.ts';
import type { AppServices } from './container.ts';

/** Which side of a multiplier to read: a master's followers, or a follower's masters. */
export type LinkSide = 'followers' | 'masters';

/**
 * For each of `accountIds`, the accounts a multiplier links it to on `side`, oldest link first,
 * keeping only those in `visible` (null: every account, as for an ADMIN). Two queries however
 * many accounts are asked about.
 */
export async function linkedAccounts(
  services: AppServices,
  visible: string[] | null,
  side: LinkSide,
  accountIds: string[],
): Promise<Map<string, Account[]>> {
  const [own, other] = side === 'followers' ? (['masterId', 'followerId'] as const) : (['followerId', 'masterId'] as const);
  const em = services.orm.em.fork();
  const links = await em.find(
    Multiplier,
    { [own]: { $in: accountIds }, ...(visible === null ? {} : { [other]: { $in: visible } }) },
    { fields: [own, other], orderBy: { createdAt: 'asc', id: 'asc' } },
  );
  const accounts = links.length ? await em.find(Account, { id: { $in: [...new Set(links.map((link) => link[other]))] } }) : [];
  const byId = new Map(accounts.map((account) => [account.id, account]));
  const linked = new Map(accountIds.map((id) => [id, [] as Account[]]));
  for (const link of links) {
    const account = byId.get(link[other]);
    if (account) linked.get(link[own])?.push(account);
  }
  return linked;
}
