import { istParts, type Clock } from './clock.ts';
import type { InstrumentInput, MarketHours } from './types.ts';

export interface SimInstrument {
  token: string;
  lotSize: number;
  tickPaise: number;
  freezeQty: number | null;
  instrumenttype: string;
  optiontype: string;
  expirydate: string;
  /** -1 rupee (-100 paise) for non-options, as the order book shows it. */
  strikePaise: number;
}

const NSE_OPEN_MINUTE = 9 * 60 + 15;
const NSE_CLOSE_MINUTE = 15 * 60 + 30;
const DEFAULT_TICK_PAISE = 5;

/** A reference price between ₹100 and ₹2,100 that is the same for a token on every run. */
export function defaultPricePaise(token: string, tickPaise = DEFAULT_TICK_PAISE): number {
  let hash = 0x811c9dc5;
  for (const ch of token) hash = Math.imul(hash ^ ch.charCodeAt(0), 0x01000193) >>> 0;
  const raw = 100_00 + (hash % 2_000_00);
  return raw - (raw % tickPaise);
}

/** The simple market orders trade against: one last price per token, and the session hours. */
export class Market {
  private readonly prices = new Map<string, number>();
  private readonly instruments = new Map<string, InstrumentInput>();
  private readonly listeners: Array<(token: string) => void> = [];
  private readonly holidays: Set<string>;

  constructor(
    private readonly clock: Clock,
    private hours: MarketHours,
    holidays: readonly string[],
    instruments: Readonly<Record<string, InstrumentInput>>,
  ) {
    this.holidays = new Set(holidays);
    for (const [token, input] of Object.entries(instruments)) this.setInstrument(token, input);
  }

  setInstrument(token: string, input: InstrumentInput): void {
    this.instruments.set(token, { ...this.instruments.get(token), ...input });
    if (input.pricePaise !== undefined) this.setLtpPaise(token, input.pricePaise);
  }

  instrument(token: string): SimInstrument {
    const input = this.instruments.get(token) ?? {};
    return {
      token,
      lotSize: input.lotSize ?? 1,
      tickPaise: input.tickPaise ?? DEFAULT_TICK_PAISE,
      freezeQty: input.freezeQty ?? null,
      instrumenttype: input.instrumenttype ?? '',
      optiontype: input.optiontype ?? '',
      expirydate: input.expirydate ?? '',
      strikePaise: input.strikePaise ?? -100,
    };
  }

  ltpPaise(token: string): number {
    return this.prices.get(token) ?? defaultPricePaise(token, this.instrument(token).tickPaise);
  }

  /** Moves the last price; resting and trigger-pending orders on the token are re-checked. */
  setLtpPaise(token: string, paise: number): void {
    if (!Number.isInteger(paise) || paise <= 0) throw new Error(`price for ${token} must be a positive integer of paise, got ${paise}`);
    this.prices.set(token, paise);
    for (const listener of this.listeners) listener(token);
  }

  onPriceChange(listener: (token: string) => void): void {
    this.listeners.push(listener);
  }

  setHours(hours: MarketHours): void {
    this.hours = hours;
  }

  get mode(): MarketHours {
    return this.hours;
  }

  /** 'nse': Monday–Friday 09:15–15:30 IST except listed holidays. */
  isOpen(at: Date = this.clock.now()): boolean {
    if (this.hours === 'always') return true;
    const p = istParts(at);
    if (p.weekday === 0 || p.weekday === 6 || this.holidays.has(p.dateKey)) return false;
    return p.minuteOfDay >= NSE_OPEN_MINUTE && p.minuteOfDay < NSE_CLOSE_MINUTE;
  }
}
