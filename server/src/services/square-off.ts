// Square-off: closes an account's open positions with market orders, exactly once. What is on
// its way is subtracted and square-offs of one account record their orders one at a time (a
// queue here, the account's row lock across instances), so a repeat closes nothing twice. Its
// orders are written already planned, so the replicator never copies a master's square-off.
import type { EntityManager } from '@mikro-orm/core';
import { enqueueAlert } from '../alerts/outbox.ts';
import type { Viewer } from '../auth/viewer.ts';
import { KeyedQueue } from '../concurrency/keyed-queue.ts';
import { badInput, conflict, notFound } from '../core/errors.ts';
import { SYMBOL } from '../core/input-rules.ts';
import { positionKey } from '../core/position-figures.ts';
import { planSquareOff, type HeldPosition, type SquareOffFilter, type SquareOffLine } from '../core/square-off.ts';
import type { ProductType } from '../core/types.ts';
import type { Emit } from '../events/order-journal.ts';
import { Account } from '../persistence/entities/account.entity.ts';
import { Multiplier } from '../persistence/entities/multiplier.entity.ts';
import { Order } from '../persistence/entities/order.entity.ts';
import { User } from '../persistence/entities/user.entity.ts';
import { nextOrderTag } from '../persistence/repositories/sequences.ts';
import {
  SQUARE_OFF_ORIGIN,
  lockAccountForSquareOff,
  squareOffOrderCount,
  unsettledRemaining,
} from '../persistence/repositories/square-off.repository.ts';
import { accountFor, visibleAccountIds } from './access.ts';
import { audit } from './audit.ts';
import type { AppServices } from './container.ts';
import { accountPositions, type Position, type PositionOptions } from './positions.ts';

/** How many times one square-off reads the positions again when another one recorded orders meanwhile. */
const RACE_ATTEMPTS = 5;

export interface SquareOffOptions {
  installId: string;
  /** Sends an order recorded PENDING to its account's broker, as placeOrder sends its own (OrderService). */
  send: (order: Order, account: Account) => Promise<void>;
  positions?: PositionOptions;
}

/** Who asked, as the orders' reasons and the alert name them. */
interface Request {
  viewer: Viewer;
  requestedBy: string;
  filter: SquareOffFilter;
}

/** One account's square-off: its orders (placed or skipped) and the lines they close. */
interface Closed {
  account: Account;
  orders: Order[];
  lines: SquareOffLine[];
}

export class SquareOffService {
  private readonly perAccount = new KeyedQueue();

  constructor(
    private readonly services: AppServices,
    private readonly options: SquareOffOptions,
  ) {}

  /** Closes one account's open positions (optionally one symbol and/or product); [] when nothing is left to close. */
  async squareOff(
    viewer: Viewer,
    accountId: string,
    wanted: { symbol?: string | null; productType?: ProductType | null },
  ): Promise<Order[]> {
    const filter = filterOf(wanted.symbol, wanted.productType);
    const em = this.services.orm.em.fork();
    const account = await accountFor(em, viewer, accountId, 'accountId', 'trade');
    const closed = await this.closeAccount({ viewer, requestedBy: await requesterOf(em, viewer), filter }, account, true);
    return closed.orders;
  }

  /**
   * Closes the positions of every follower of a master the viewer may trade, all at once, and
   * the master's own when asked. A follower that fails is logged and named in the alert, and
   * stops no other; when every one fails, the first failure is the answer.
   */
  async squareOffFollowers(viewer: Viewer, masterId: string, wanted: { symbol?: string | null; includeMaster: boolean }): Promise<Order[]> {
    const filter = filterOf(wanted.symbol, null);
    const em = this.services.orm.em.fork();
    const master = await accountFor(em, viewer, masterId, 'masterId', 'trade');
    if (master.role !== 'MASTER') throw badInput('masterId', `${master.label} is not a master account`);
    const links = await em.find(Multiplier, { masterId: master.id }, { fields: ['followerId'] });
    const visible = await visibleAccountIds(em, viewer);
    const followerIds = links.map((link) => link.followerId).filter((id) => visible === null || visible.includes(id));
    const followers = followerIds.length > 0 ? await em.find(Account, { id: { $in: followerIds } }, { orderBy: { label: 'asc' } }) : [];
    const targets = wanted.includeMaster ? [...followers, master] : followers;
    const request = { viewer, requestedBy: await requesterOf(em, viewer), filter };
    const outcomes = await Promise.allSettled(targets.map((account) => this.closeAccount(request, account, false)));
    const closed: Closed[] = [];
    const failed: { account: Account; error: unknown }[] = [];
    outcomes.forEach((outcome, index) => {
      const account = targets[index]!;
      if (outcome.status === 'fulfilled') closed.push(outcome.value);
      else {
        failed.push({ account, error: outcome.reason });
        this.services.log.error({ err: outcome.reason, accountId: account.id, masterId: master.id }, 'square-off of one account failed');
      }
    });
    if (failed.length > 0 && failed.length === targets.length) throw failed[0]!.error;
    const done = closed.filter((c) => c.lines.length > 0);
    if (done.length > 0 || failed.length > 0) await this.alertFollowers(request, master, wanted.includeMaster, done, failed);
    return done.flatMap((c) => c.orders);
  }

  /** Reads, decides and records one account's square-off, one at a time per account; then sends. */
  private closeAccount(request: Request, account: Account, alert: boolean): Promise<Closed> {
    return this.perAccount.run(account.id, async () => {
      for (let attempt = 0; attempt < RACE_ATTEMPTS; attempt += 1) {
        const em = this.services.orm.em.fork();
        // Read in this order: the count first, so a square-off recorded after it is noticed under
        // the lock; the orders on their way before the positions, so one that fills in between is
        // counted twice (closing less, and the next call closes the rest), never missed.
        const seen = await squareOffOrderCount(em, account.id);
        const inFlight = await unsettledRemaining(em, account.id);
        const positions = await accountPositions(this.services, account, this.options.positions);
        const lines = planSquareOff(
          positions.map(heldOf),
          new Map(inFlight.map((f) => [positionKey(f), f.remaining])),
          request.filter,
          (p) => this.services.instruments.findByToken(p.exchange, p.token) ?? this.services.instruments.find(p.exchange, p.symbol) ?? null,
        );
        if (lines.length === 0) return { account, orders: [], lines };
        const orders = await this.record(request, account, lines, positions, seen, alert);
        if (!orders) {
          this.services.log.info({ accountId: account.id }, 'another square-off of the account recorded orders meanwhile; reading again');
          continue;
        }
        await Promise.all(
          orders
            .filter((order) => order.status === 'PENDING')
            .map((order) =>
              this.options
                .send(order, account)
                .catch((error: unknown) =>
                  this.services.log.error({ err: error, orderId: order.id, accountId: account.id }, 'sending a square-off order failed'),
                ),
            ),
        );
        const now = await this.services.orm.em.fork().find(Order, { id: { $in: orders.map((o) => o.id) } });
        const byId = new Map(now.map((order) => [order.id, order]));
        return { account, orders: orders.map((order) => byId.get(order.id) ?? order), lines };
      }
      throw conflict(`square-offs of ${account.label} kept overlapping; this one placed nothing: try again`, 'accountId');
    });
  }

  /**
   * Writes the orders under the account's row lock, with the audit entry (and the alert, for a
   * single account); null when another square-off recorded orders since `seen` was counted.
   */
  private record(
    request: Request,
    account: Account,
    lines: SquareOffLine[],
    positions: Position[],
    seen: number,
    alert: boolean,
  ): Promise<Order[] | null> {
    return this.services.journal.record(async (tx, emit) => {
      if (!(await lockAccountForSquareOff(tx, account.id))) throw notFound('account', 'accountId');
      if ((await squareOffOrderCount(tx, account.id)) !== seen) return null;
      const now = this.services.clock.now();
      const orders: Order[] = [];
      for (const line of lines) orders.push(...(await this.writeLine(tx, emit, request, account, line, now)));
      const sourceOf = new Map(positions.map((p) => [positionKey(p), p.source]));
      audit(
        tx,
        request.viewer,
        'account.squareOff',
        'Account',
        account.id,
        {
          positions: lines.map((line) => ({
            exchange: line.exchange,
            symbol: line.symbol,
            productType: line.productType,
            quantity: line.quantity,
            source: sourceOf.get(positionKey(line)) ?? null,
          })),
        },
        {
          ...(request.filter.symbol ? { symbol: request.filter.symbol } : {}),
          ...(request.filter.productType ? { productType: request.filter.productType } : {}),
          closing: lines.map((line) => ({
            exchange: line.exchange,
            symbol: line.symbol,
            productType: line.productType,
            side: line.side,
            quantity: line.closing,
            ...(line.kind === 'close' ? { orders: line.legs.length } : { skipped: line.reason }),
          })),
          orderIds: orders.map((order) => order.id),
        },
      );
      if (alert)
        await enqueueAlert(
          this.services,
          {
            kind: 'square_off',
            severity: 'warning',
            text: alertText(lines, account.label, request.requestedBy),
            at: now.toISOString(),
            accountId: account.id,
          },
          tx,
        );
      return orders;
    });
  }

  /** One MARKET order per leg, opposite the position, planned already so it is never copied; or a SKIPPED row saying why not. */
  private async writeLine(
    tx: EntityManager,
    emit: Emit,
    request: Request,
    account: Account,
    line: SquareOffLine,
    now: Date,
  ): Promise<Order[]> {
    const held = Math.abs(line.quantity);
    const onItsWay = held - line.closing;
    const reason = `square-off of ${line.closing} ${line.symbol} ${line.productType} requested by ${request.requestedBy}${
      onItsWay > 0 ? `; ${onItsWay} of the ${held} held already on its way out` : ''
    }`;
    const base = {
      accountId: account.id,
      exchange: line.exchange,
      symbol: line.symbol,
      token: line.token,
      side: line.side,
      orderType: 'MARKET' as const,
      productType: line.productType,
      variety: 'NORMAL' as const,
      origin: SQUARE_OFF_ORIGIN,
      placedByUserId: request.viewer.userId,
      detectedAt: now,
      copyPlannedAt: now,
      createdAt: now,
      updatedAt: now,
    };
    if (line.kind === 'skip') {
      const row = tx.create(Order, { ...base, quantity: line.closing, status: 'SKIPPED', reason: `${reason}: not placed: ${line.reason}` });
      emit(row, 'SKIPPED', { message: row.reason });
      return [row];
    }
    const rows: Order[] = [];
    for (const [leg, quantity] of line.legs.entries()) {
      const legNote = line.legs.length > 1 ? ` (leg ${leg + 1} of ${line.legs.length}, by the freeze quantity)` : '';
      const row = tx.create(Order, {
        ...base,
        leg,
        quantity,
        status: 'PENDING',
        orderTag: await nextOrderTag(tx, this.options.installId),
        reason: `${reason}${legNote}`,
      });
      emit(row, 'CREATED', { message: row.reason });
      rows.push(row);
    }
    return rows;
  }

  private async alertFollowers(
    request: Request,
    master: Account,
    includeMaster: boolean,
    done: Closed[],
    failed: { account: Account; error: unknown }[],
  ): Promise<void> {
    const lines = done.flatMap((c) => c.lines);
    const where = `the followers of ${master.label}${includeMaster ? ' and the master' : ''}`;
    const failures = failed.map(({ account, error }) => `${account.label}: ${error instanceof Error ? error.message : String(error)}`);
    const text = `${alertText(lines, where, request.requestedBy)}${failures.length > 0 ? `; failed on ${failures.join('; ')}` : ''}`;
    await enqueueAlert(this.services, {
      kind: 'square_off',
      severity: failures.length > 0 ? 'critical' : 'warning',
      text,
      at: this.services.clock.now().toISOString(),
      accountId: master.id,
      accountIds: done.map((c) => c.account.id),
    }).catch((error: unknown) => this.services.log.error({ err: error, masterId: master.id }, 'writing the square-off alert failed'));
  }
}

function filterOf(symbol: string | null | undefined, productType: ProductType | null | undefined): SquareOffFilter {
  const upper = symbol ? symbol.toUpperCase() : null;
  if (upper !== null && !SYMBOL.test(upper))
    throw badInput('symbol', 'symbol must be 1 to 64 letters, digits, &, _, . or - as the broker spells it, e.g. SBIN-EQ');
  return { symbol: upper, productType: productType ?? null };
}

const heldOf = (p: Position): HeldPosition => ({
  exchange: p.exchange,
  symbol: p.symbol,
  token: p.token,
  productType: p.productType,
  quantity: p.quantity,
});

/** The user's email, or "token <name> (<email>)" for an API token, as the audit trail names them. */
async function requesterOf(em: EntityManager, viewer: Viewer): Promise<string> {
  const user = await em.findOne(User, { id: viewer.userId }, { fields: ['email'] });
  const email = user?.email ?? `user ${viewer.userId}`;
  return viewer.apiTokenId ? `token ${viewer.apiTokenName ?? '(unnamed)'} (${email})` : email;
}

function alertText(lines: SquareOffLine[], where: string, requestedBy: string): string {
  const closing = lines.filter((line) => line.kind === 'close').length;
  const skipped = lines.length - closing;
  return `square-off of ${closing} position${closing === 1 ? '' : 's'} on ${where} requested by ${requestedBy}${
    skipped > 0 ? `; ${skipped} could not be closed` : ''
  }`;
}
