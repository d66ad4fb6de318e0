import { describe, expect, it } from 'vitest';
import { paperOrderStatus } from '../../server/src/brokers/paper/order-status.ts';
import { isKnownStatus, toOrderStatus } from '../../server/src/brokers/smartapi/order-status.ts';
import { statusAfterReport } from '../../server/src/core/reported-status.ts';
import type { OrderStatus } from '../../server/src/core/types.ts';

describe('SmartAPI statuses', () => {
  it.each<[string, number, number, OrderStatus]>([
    ['put order req received', 0, 10, 'SENT'],
    ['validation pending', 0, 10, 'SENT'],
    ['open pending', 0, 10, 'SENT'],
    ['open', 0, 10, 'OPEN'],
    ['open', 4, 10, 'PARTIALLY_FILLED'],
    ['open', 74, 1000, 'PARTIALLY_FILLED'],
    ['open', 10, 10, 'FILLED'],
    ['modified', 0, 10, 'OPEN'],
    ['modified', 3, 10, 'PARTIALLY_FILLED'],
    ['trigger pending', 0, 10, 'TRIGGER_PENDING'],
    ['after market order req received', 0, 10, 'AMO_QUEUED'],
    ['modify after market order req received', 0, 10, 'AMO_QUEUED'],
    ['amo queued', 0, 10, 'AMO_QUEUED'],
    ['complete', 10, 10, 'FILLED'],
    ['cancelled', 0, 10, 'CANCELLED'],
    ['cancelled', 4, 10, 'CANCELLED'],
    ['cancelled after market order', 0, 10, 'CANCELLED'],
    ['rejected', 0, 10, 'REJECTED'],
    ['Complete', 10, 10, 'FILLED'],
    [' open ', 0, 10, 'OPEN'],
  ])('%s with %s of %s filled is %s', (brokerStatus, filled, quantity, status) => {
    expect(toOrderStatus(brokerStatus, filled, quantity)).toBe(status);
  });

  it.each<[string, OrderStatus | undefined, number, OrderStatus]>([
    ['modify pending', 'TRIGGER_PENDING', 0, 'TRIGGER_PENDING'],
    ['modify validation pending', 'OPEN', 0, 'OPEN'],
    ['cancel pending', 'AMO_QUEUED', 0, 'AMO_QUEUED'],
    ['not modified', 'TRIGGER_PENDING', 0, 'TRIGGER_PENDING'],
    ['not cancelled', 'OPEN', 0, 'OPEN'],
    ['cancel pending', undefined, 0, 'OPEN'],
    ['cancel pending', 'PENDING', 0, 'OPEN'],
    ['not cancelled', 'OPEN', 6, 'PARTIALLY_FILLED'],
  ])('%s after %s with %s filled keeps the order live as %s', (brokerStatus, previous, filled, status) => {
    expect(statusAfterReport(toOrderStatus(brokerStatus, filled, 10), previous)).toBe(status);
  });

  it.each(['', 'partially filled', 'expired'])('returns null for the unknown word %j rather than guess', (brokerStatus) => {
    expect(toOrderStatus(brokerStatus, 0, 10)).toBeNull();
    expect(isKnownStatus(brokerStatus)).toBe(false);
  });

  it('leaves an order reported with an unknown word in the live state Tandem last recorded', () => {
    expect(statusAfterReport(toOrderStatus('expired', 0, 10), 'TRIGGER_PENDING')).toBe('TRIGGER_PENDING');
    expect(statusAfterReport(toOrderStatus('expired', 0, 10), 'FAILED')).toBe('OPEN');
  });
});

describe('paper exchange statuses', () => {
  it.each<[string, OrderStatus]>([
    ['open', 'OPEN'],
    ['trigger pending', 'TRIGGER_PENDING'],
    ['amo queued', 'AMO_QUEUED'],
    ['complete', 'FILLED'],
    ['cancelled', 'CANCELLED'],
    ['rejected', 'REJECTED'],
  ])('%s is %s', (word, status) => {
    expect(paperOrderStatus(word)).toBe(status);
  });

  it.each(['', 'partially filled', 'toString'])('returns null for %j, a word the exchange never writes', (word) => {
    expect(paperOrderStatus(word)).toBeNull();
  });
});
