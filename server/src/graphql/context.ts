import type { Viewer } from '../auth/viewer.ts';
import { Account } from '../persistence/entities/account.entity.ts';
import type { OrderService } from '../services/order-service.ts';
import { visibleAccountIds } from '../services/access.ts';
import type { AppServices } from '../services/container.ts';

export interface GraphQLContext {
  services: AppServices;
  orders: OrderService;
  /** null when the request carries no valid credential. */
  viewer: Viewer | null;
  /** Why the credential was refused, so UNAUTHENTICATED can say "expired" rather than "missing". */
  authProblem: string | null;
  clientIp: string;
  /** Per-request memo for look-ups many fields repeat (an order's account, ...). */
  memo: Map<string, Promise<unknown>>;
}

export function memoize<T>(ctx: GraphQLContext, key: string, load: () => Promise<T>): Promise<T> {
  let hit = ctx.memo.get(key) as Promise<T> | undefined;
  if (!hit) {
    hit = load();
    ctx.memo.set(key, hit);
  }
  return hit;
}

/** An account by id, loaded once per request however many fields point at it. */
export function loadAccount(ctx: GraphQLContext, id: string): Promise<Account> {
  return memoize(ctx, `account:${id}`, () => ctx.services.orm.em.fork().findOneOrFail(Account, { id }));
}

/**
 * An account a field points at, or null when the viewer may not see it (a CLIENT and the master
 * their account follows), so the rest of the answer survives. Visibility is computed once per request.
 */
export async function visibleAccount(ctx: GraphQLContext, id: string): Promise<Account | null> {
  const visible = await memoize(ctx, 'visibleAccountIds', () => visibleAccountIds(ctx.services.orm.em.fork(), ctx.viewer!));
  return visible === null || visible.includes(id) ? loadAccount(ctx, id) : null;
}
