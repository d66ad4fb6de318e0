import { describe, expect, it } from 'vitest';
import type { PaperExchange } from '../../server/src/brokers/paper/paper-exchange.ts';
import { BrokerRegistry } from '../../server/src/brokers/registry.ts';
import type { InstrumentCatalog } from '../../server/src/instruments/catalog.ts';

const REFERENCE = new Map<string, number | null>([
  ['NSE:3045', 80_000],
  ['NSE:2885', 0],
  ['NSE:99', null],
]);
const instruments = {
  findByToken: (exchange: string, token: string) =>
    REFERENCE.has(`${exchange}:${token}`) ? { referencePrice: REFERENCE.get(`${exchange}:${token}`) } : undefined,
};
const walk = new Map([['3045', 80_550]]);
const paper = { onOrderUpdate: () => () => undefined, lastPrice: (_exchange: string, token: string) => walk.get(token) ?? null };
const registry = new BrokerRegistry(paper as unknown as PaperExchange, instruments as unknown as InstrumentCatalog);

describe('the prices an account is valued at', () => {
  it("values a paper account at the paper exchange's last price", () => {
    expect(registry.prices('PAPER').lastPrice('NSE', '3045')).toBe(80_550);
  });

  it("values a SmartAPI account at the reference price, never at the paper exchange's", () => {
    expect(registry.prices('SMARTAPI').lastPrice('NSE', '3045')).toBe(80_000);
  });

  it.each(['PAPER', 'SMARTAPI'] as const)('knows no %s price where there is neither a live nor a positive reference price', (broker) => {
    expect(registry.prices(broker).lastPrice('NSE', '2885')).toBeNull();
    expect(registry.prices(broker).lastPrice('NSE', '99')).toBeNull();
  });
});
