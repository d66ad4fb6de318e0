import { ORDER_CALL_WINDOWS } from '../brokers/smartapi/rate-limits.ts';
import type { RateWindow } from '../core/rate-windows.ts';
import type { BrokerKind } from '../core/types.ts';

/** The order-call limits each broker publishes, per client code; null when it sets none (paper). */
export function brokerOrderLimits(broker: BrokerKind): readonly RateWindow[] | null {
  switch (broker) {
    case 'PAPER':
      return null;
    case 'SMARTAPI':
      return ORDER_CALL_WINDOWS;
  }
}
