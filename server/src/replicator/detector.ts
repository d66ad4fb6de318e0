import { UniqueConstraintViolationException } from '@mikro-orm/core';
import type { Logger } from 'pino';
import type { BrokerOrder } from '../brokers/port.ts';
import { statusAfterReport } from '../core/reported-status.ts';
import type { OrderJournal } from '../events/order-journal.ts';
import { isTandemTag } from '../persistence/repositories/sequences.ts';
import type { Account } from '../persistence/entities/account.entity.ts';
import { Order } from '../persistence/entities/order.entity.ts';
import type { Clock } from '../core/clock.ts';

/**
 * A master's broker reported an order Tandem has no row for: the trader placed it at the
 * broker. It becomes a master order (unique per account and broker order id), recording when
 * Tandem saw it and when the exchange says it was placed. Orders carrying our own tags are
 * never taken for new masters, so nothing Tandem placed is copied again.
 */
export class MasterDetector {
  constructor(
    private readonly journal: OrderJournal,
    private readonly clock: Clock,
    private readonly installId: string,
    private readonly log: Logger,
  ) {}

  async detect(account: Account, update: BrokerOrder): Promise<Order | null> {
    if (account.role !== 'MASTER') return null;
    if (isTandemTag(update.orderTag, this.installId)) {
      this.log.warn(
        { accountId: account.id, orderTag: update.orderTag },
        'an order with a Tandem tag has no row; not treated as a new master',
      );
      return null;
    }
    const detectedAt = this.clock.now();
    try {
      return await this.journal.record(async (tx, emit) => {
        const order = tx.create(Order, {
          accountId: account.id,
          exchange: update.exchange,
          symbol: update.symbol,
          token: update.token,
          side: update.side,
          quantity: update.quantity,
          filledQuantity: update.filledQuantity,
          averagePrice: update.averagePrice,
          orderType: update.orderType,
          productType: update.productType,
          variety: update.variety,
          price: update.price,
          triggerPrice: update.triggerPrice,
          brokerStatus: update.brokerStatus,
          brokerOrderId: update.brokerOrderId,
          // A trader's own tag is not unique (desks tag a whole strategy alike) and orders.order_tag
          // is: keeping it there would make the next order with that tag a silently missed master.
          // It is matched by broker order id from here on; the tag stays in the DETECTED message.
          orderTag: null,
          origin: 'broker',
          detectedAt,
          exchangeAt: update.placedAt,
          acknowledgedAt: detectedAt,
          status: statusAfterReport(update.status),
          reason: update.status === 'REJECTED' ? update.statusMessage : null,
          createdAt: detectedAt,
          updatedAt: detectedAt,
        });
        const tagged = update.orderTag ? `, tagged ${update.orderTag}` : '';
        emit(order, 'DETECTED', {
          message: `seen at the broker ${Math.max(0, detectedAt.getTime() - update.placedAt.getTime())} ms after it was placed${tagged}`,
        });
        return order;
      });
    } catch (error) {
      // Another path (the socket and the poll, another instance) recorded it first.
      if (error instanceof UniqueConstraintViolationException) return null;
      throw error;
    }
  }
}
