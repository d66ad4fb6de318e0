// The paper exchange's market: each instrument wanders from its reference price (the previous
// close) in whole ticks. The same seed and the same instruments give the same prices, step
// for step, so a demo or a test run can be replayed (PAPER_SEED).

/** A day's price band in integer paise, both ends on the tick and inclusive. */
export interface PriceBand {
  low: number;
  high: number;
}

/** mulberry32: a 32-bit seedable PRNG, uniform in [0, 1). Small, fast and good enough for a walk. */
export function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function effectiveTick(tickSize: number): number {
  // Indices list tick 0; walk them in whole paise.
  return tickSize > 0 ? tickSize : 1;
}

function floorToTick(numerator: number, denominator: number, tick: number): number {
  return Math.floor(numerator / (denominator * tick)) * tick;
}

function ceilToTick(numerator: number, denominator: number, tick: number): number {
  return Math.ceil(numerator / (denominator * tick)) * tick;
}

/**
 * The band an exchange allows around `reference` (paise): ±pct %, pulled inwards onto the
 * tick and never below one tick. 106100 at 10 % gives 95490-116710.
 */
export function priceBand(reference: number, pct = 10, tickSize = 5): PriceBand {
  const tick = effectiveTick(tickSize);
  return {
    low: Math.max(tick, ceilToTick(reference * (100 - pct), 100, tick)),
    high: floorToTick(reference * (100 + pct), 100, tick),
  };
}

export function isWithinBand(price: number, band: PriceBand): boolean {
  return price >= band.low && price <= band.high;
}

export interface PriceWalkOptions {
  seed: number;
  /** token -> reference price (previous close) in paise. */
  referencePrices: ReadonlyMap<string, number>;
  /** token -> tick size in paise; a missing token walks in 5-paise ticks (NSE cash). */
  tickSizes: ReadonlyMap<string, number>;
  /** How far a price may drift from its reference, in %; inside the 10 % band by default. */
  maxDriftPct?: number;
  /** The largest move in one step, in basis points of the reference (at least one tick). */
  maxStepBps?: number;
  /** The day's band width in %, for `band()` and `setPrice()`. */
  bandPct?: number;
}

export interface PriceWalk {
  /** The last traded price in paise; undefined for a token the walk does not know. */
  price(token: string): number | undefined;
  /** The day's band around the token's reference; undefined for an unknown token. */
  band(token: string): PriceBand | undefined;
  /** Moves every price by a random whole number of ticks, within the drift bounds. */
  step(): void;
  /** Puts a price where a test or a demo needs it; it must be on the tick and in the band. */
  setPrice(token: string, paise: number): void;
}

interface Track {
  tick: number;
  band: PriceBand;
  low: number;
  high: number;
  maxTicks: number;
  last: number;
}

export function createPriceWalk(options: PriceWalkOptions): PriceWalk {
  const { seed, referencePrices, tickSizes, maxDriftPct = 5, maxStepBps = 5, bandPct = 10 } = options;
  const random = mulberry32(seed);
  // Built in token order so the draw each token gets does not depend on the map's insertion order.
  const tracks = new Map<string, Track>();
  for (const [token, reference] of [...referencePrices].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    if (!Number.isSafeInteger(reference) || reference <= 0) {
      throw new RangeError(`reference price for token ${token} must be whole paise above 0, got ${reference}`);
    }
    const tick = effectiveTick(tickSizes.get(token) ?? 5);
    const drift = priceBand(reference, maxDriftPct, tick);
    const high = Math.max(drift.low, drift.high);
    tracks.set(token, {
      tick,
      band: priceBand(reference, bandPct, tick),
      low: drift.low,
      high,
      maxTicks: Math.max(1, Math.floor((reference * maxStepBps) / (10_000 * tick))),
      last: Math.min(high, Math.max(drift.low, Math.round(reference / tick) * tick)),
    });
  }

  return {
    price: (token) => tracks.get(token)?.last,
    band: (token) => {
      const track = tracks.get(token);
      return track ? { ...track.band } : undefined;
    },
    step: () => {
      for (const track of tracks.values()) {
        const ticks = Math.floor(random() * (2 * track.maxTicks + 1)) - track.maxTicks;
        // A price set beyond the drift bounds may stay or head back, never further out.
        const low = Math.min(track.low, track.last);
        const high = Math.max(track.high, track.last);
        track.last = Math.min(high, Math.max(low, track.last + ticks * track.tick));
      }
    },
    setPrice: (token, paise) => {
      const track = tracks.get(token);
      if (!track) throw new RangeError(`no reference price for token ${token}`);
      if (!Number.isSafeInteger(paise) || paise % track.tick !== 0 || !isWithinBand(paise, track.band)) {
        throw new RangeError(
          `price ${paise} paise for token ${token} is off the tick ${track.tick} or outside ${track.band.low}-${track.band.high}`,
        );
      }
      track.last = paise;
    },
  };
}
