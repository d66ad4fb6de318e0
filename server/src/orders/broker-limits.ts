import { SMARTAPI_ORDER_RATE_WINDOWS, createRateWindows } from '../core/replication/token-bucket.ts';
import type { BrokerKind } from '../core/types.ts';
import type { RateWindows } from './account-limiter.ts';

/** The order-call limits each broker publishes, per client code; null when it sets none (paper). */
export function brokerRateWindows(broker: BrokerKind): RateWindows | null {
  switch (broker) {
    case 'PAPER':
      return null;
    case 'SMARTAPI':
      return createRateWindows(SMARTAPI_ORDER_RATE_WINDOWS);
  }
}
