import type { EntityManager } from '@mikro-orm/core';
import { Instrument } from '../persistence/entities/instrument.entity.ts';
import { upsertInstruments } from './catalog.ts';
import { shippedInstruments } from './scrip-master.ts';

/** Loads the instruments that ship with Tandem into an empty table; a later import adds to them. */
export async function seedShippedInstruments(em: EntityManager): Promise<number> {
  if ((await em.count(Instrument, {})) > 0) return 0;
  return upsertInstruments(em, shippedInstruments());
}
