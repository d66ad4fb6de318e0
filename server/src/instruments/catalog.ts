import type { EntityManager } from '@mikro-orm/core';
import type { InstrumentSpec } from '../core/types.ts';
import { Instrument } from '../persistence/entities/instrument.entity.ts';

export type InstrumentRecord = InstrumentSpec & { referencePrice: number | null };

/**
 * Instruments by (exchange, symbol), held in memory: every order needs one and the list
 * changes only when an import runs (which calls reload).
 */
export class InstrumentCatalog {
  private bySymbol = new Map<string, Instrument>();
  private byToken = new Map<string, Instrument>();

  async reload(em: EntityManager): Promise<void> {
    const all = await em.find(Instrument, {});
    this.bySymbol = new Map(all.map((i) => [`${i.exchange}:${i.symbol}`, i]));
    this.byToken = new Map(all.map((i) => [`${i.exchange}:${i.token}`, i]));
  }

  find(exchange: string, symbol: string): Instrument | undefined {
    return this.bySymbol.get(`${exchange.toUpperCase()}:${symbol.toUpperCase()}`);
  }

  findByToken(exchange: string, token: string): Instrument | undefined {
    return this.byToken.get(`${exchange.toUpperCase()}:${token}`);
  }

  all(): Instrument[] {
    return [...this.bySymbol.values()];
  }

  get size(): number {
    return this.bySymbol.size;
  }
}

/** Inserts or updates instruments by (exchange, token), in batches; returns how many were written. */
export async function upsertInstruments(
  em: EntityManager,
  records: InstrumentRecord[],
  onProgress?: (done: number, total: number) => void,
): Promise<number> {
  const batchSize = 1000;
  for (let start = 0; start < records.length; start += batchSize) {
    const batch = records.slice(start, start + batchSize).map((r) => ({
      token: r.token,
      symbol: r.symbol,
      name: r.name,
      exchange: r.exchange,
      instrumentType: r.instrumentType,
      lotSize: r.lotSize,
      tickSize: r.tickSize,
      freezeQuantity: r.freezeQuantity,
      expiry: r.expiry,
      strike: r.strike,
      referencePrice: r.referencePrice,
    }));
    await em.upsertMany(Instrument, batch, {
      onConflictFields: ['exchange', 'token'],
      onConflictAction: 'merge',
      // A scrip-master import has no prices: keep the reference price a row already has.
      onConflictMergeFields: ['symbol', 'name', 'instrumentType', 'lotSize', 'tickSize', 'freezeQuantity', 'expiry', 'strike'],
    });
    onProgress?.(Math.min(start + batchSize, records.length), records.length);
  }
  return records.length;
}
