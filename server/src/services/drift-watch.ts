// Tells people when a follower stays out of line with its master (and when an account's broker
// figure and Tandem's own fills disagree by more than a lot, the master's and its followers',
// seen on the same reads). A copy in flight is not drift,
// so a master is looked at only once its newest order and every copy of it are final, and only
// after DRIFT_ALERT_AFTER_S more: the broker's positions have had time to catch up. Each newest
// order is looked at once per instance holding the master's lease (one instance), so a drift
// that persists is said once per master order, not on every tick.
import type { Alert } from '../alerts/alert.ts';
import { enqueueAlerts } from '../alerts/outbox.ts';
import { Account } from '../persistence/entities/account.entity.ts';
import { latestMasterOrders } from '../persistence/repositories/order-facts.repository.ts';
import type { AppServices } from './container.ts';
import { driftOfMaster, quantitiesByKey, type DriftRow } from './drift.ts';
import { accountPositions, type Position } from './positions.ts';

/** How often the masters held here are looked at; the wait itself is DRIFT_ALERT_AFTER_S. */
export const DRIFT_CHECK_MS = 5_000;

export function driftAlert(master: Account, orderId: string, row: DriftRow, at: Date): Alert {
  const { follower, exchange, symbol, productType, expected, actual, drift } = row;
  return {
    kind: 'position.drift',
    severity: 'warning',
    text: `${follower.label} holds ${actual} ${symbol} ${productType} where its rules for ${master.label} make ${expected} (drift ${drift > 0 ? '+' : ''}${drift})`,
    at: at.toISOString(),
    masterId: master.id,
    masterOrderId: orderId,
    followerId: follower.id,
    exchange,
    symbol,
    productType,
    expected,
    actual,
    drift,
  };
}

export function mismatchAlert(account: Account, position: Position, at: Date): Alert {
  const { exchange, symbol, productType, quantity, tandemQuantity } = position;
  return {
    kind: 'position.mismatch',
    severity: 'warning',
    text: `${account.label}: the broker says ${quantity} ${symbol} ${productType}, Tandem's own fills make ${tandemQuantity ?? 0}; an order placed or squared off outside Tandem?`,
    at: at.toISOString(),
    accountId: account.id,
    exchange,
    symbol,
    productType,
    brokerQuantity: quantity,
    tandemQuantity,
  };
}

export class DriftWatch {
  /** Per master, the newest order already looked at. */
  private readonly looked = new Map<string, string>();

  constructor(
    private readonly services: AppServices,
    private readonly heldMasters: () => string[],
  ) {}

  /** Looks at the masters whose newest order settled at least DRIFT_ALERT_AFTER_S ago and were not looked at since; returns the alerts raised. */
  async check(): Promise<Alert[]> {
    const { services } = this;
    if (!services.config.ALERT_WEBHOOK_URL) return [];
    const now = services.clock.now();
    const quietSince = new Date(now.getTime() - services.config.DRIFT_ALERT_AFTER_S * 1000);
    const due = (await latestMasterOrders(services.orm.em.fork(), this.heldMasters())).filter(
      (latest) => latest.settledAt !== null && latest.settledAt <= quietSince && this.looked.get(latest.accountId) !== latest.orderId,
    );
    if (due.length === 0) return [];
    const masters = new Map(
      (await services.orm.em.fork().find(Account, { id: { $in: due.map((d) => d.accountId) }, role: 'MASTER' })).map((a) => [a.id, a]),
    );
    const alerts: Alert[] = [];
    for (const latest of due) {
      this.looked.set(latest.accountId, latest.orderId);
      const master = masters.get(latest.accountId);
      if (!master) continue;
      try {
        // Each position is read once, for drift and for broker/Tandem mismatches: the followers'
        // that drift reads, and the master's own.
        const read = new Map<string, { account: Account; positions: Position[] }>();
        const readPositions = async (account: Account) => {
          const positions = await accountPositions(services, account);
          read.set(account.id, { account, positions });
          return positions;
        };
        const [rows] = await Promise.all([
          driftOfMaster(services, master, null, false, async (follower) => quantitiesByKey(await readPositions(follower))),
          readPositions(master),
        ]);
        for (const row of rows) alerts.push(driftAlert(master, latest.orderId, row, now));
        for (const { account, positions } of read.values()) {
          for (const position of positions) if (position.mismatch) alerts.push(mismatchAlert(account, position, now));
        }
      } catch (error) {
        services.log.warn({ err: error, masterId: master.id }, 'checking the followers of a master for drift failed');
      }
    }
    await enqueueAlerts(services, alerts);
    return alerts;
  }
}
