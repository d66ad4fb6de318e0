// The price Tandem values an order at (a MARKET order against MAX_ORDER_VALUE, a copy against its
// maxOrderValue) and shows beside an instrument: the live price of the account's broker where
// Tandem follows one, else the instrument's reference price. Only the paper exchange has a feed;
// Tandem does not follow SmartAPI's market data yet, so SmartAPI accounts fall back to the
// reference price, as every account did where the paper exchange had no price. A reference
// price of 0 is no price at all.
import type { InstrumentCatalog } from '../instruments/catalog.ts';
import type { PriceSource } from './port.ts';

export function withReferencePrices(instruments: InstrumentCatalog, feed: PriceSource | null): PriceSource {
  return {
    lastPrice(exchange, token) {
      const live = feed?.lastPrice(exchange, token) ?? null;
      if (live !== null) return live;
      const reference = instruments.findByToken(exchange, token)?.referencePrice ?? null;
      return reference !== null && reference > 0 ? reference : null;
    },
  };
}
