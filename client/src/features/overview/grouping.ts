/** The account fields the grouping needs (pages pass richer objects through unchanged). */
export interface GroupableAccount {
  id: string;
  label: string;
  role: 'MASTER' | 'FOLLOWER';
}

/** A master→follower link as `multipliers` returns it (only the ids matter here). */
export interface GroupableLink {
  id: string;
  masterId: string;
  followerId: string;
}

/** One follower under a master, with the multiplier that links them. */
export interface FollowerEntry<A, L> {
  account: A;
  link: L;
}

/** A master and every follower that copies it. */
export interface MasterGroup<A, L> {
  master: A;
  followers: FollowerEntry<A, L>[];
}

/** The overview's shape: masters with their followers, then followers that copy no master yet. */
export interface AccountGroups<A, L> {
  groups: MasterGroup<A, L>[];
  /** Followers copying a master the viewer cannot see (a CLIENT sees only their own accounts). */
  elsewhere: FollowerEntry<A, L>[];
  unlinked: A[];
}

const byLabel = (a: { label: string; id: string }, b: { label: string; id: string }) =>
  a.label.localeCompare(b.label, 'en', { sensitivity: 'base' }) || a.id.localeCompare(b.id);

/**
 * Groups accounts by master. A follower linked to two masters shows under both. A link to a
 * master the viewer cannot see (a CLIENT sees only their own accounts) puts the follower in
 * `elsewhere` with that link; a link to a follower the viewer cannot see is left out rather
 * than shown half. Masters and followers are sorted by label, so rows do not jump when live
 * updates arrive.
 */
export function groupByMaster<A extends GroupableAccount, L extends GroupableLink>(
  accounts: readonly A[],
  links: readonly L[],
): AccountGroups<A, L> {
  const byId = new Map(accounts.map((a) => [a.id, a]));
  const linked = new Set<string>();
  const groups = accounts
    .filter((a) => a.role === 'MASTER')
    .sort(byLabel)
    .map((master): MasterGroup<A, L> => {
      const followers = links
        .filter((l) => l.masterId === master.id)
        .flatMap((link) => {
          const account = byId.get(link.followerId);
          if (!account) return [];
          linked.add(account.id);
          return [{ account, link }];
        })
        .sort((a, b) => byLabel(a.account, b.account));
      return { master, followers };
    });
  const elsewhere = links
    .filter((l) => !byId.has(l.masterId))
    .flatMap((link) => {
      const account = byId.get(link.followerId);
      if (!account) return [];
      linked.add(account.id);
      return [{ account, link }];
    })
    .sort((a, b) => byLabel(a.account, b.account) || a.link.id.localeCompare(b.link.id));
  const unlinked = accounts.filter((a) => a.role === 'FOLLOWER' && !linked.has(a.id)).sort(byLabel);
  return { groups, elsewhere, unlinked };
}
