import { SMARTAPI_ORDER_RATE_WINDOWS, type RateWindow } from '../core/replication/token-bucket.ts';
import type { BrokerKind } from '../core/types.ts';

/** The order-call limits each broker publishes, per client code; null when it sets none (paper). */
export function brokerOrderLimits(broker: BrokerKind): readonly RateWindow[] | null {
  switch (broker) {
    case 'PAPER':
      return null;
    case 'SMARTAPI':
      return SMARTAPI_ORDER_RATE_WINDOWS;
  }
}
