// Public surface of the SmartAPI simulator for tests, benchmarks and other tools.
export { createSmartApiSim, type SmartApiSim } from './server.ts';
export type { SimAdmin, SimFaults, SimHoldingInput } from './admin.ts';
export { ManualClock, systemClock, type Clock } from './clock.ts';
export type { SimCountersSnapshot } from './counters.ts';
export { SMARTAPI_RATE_LIMITS, type RateGroup, type RateLimit, type RateLimitTable } from './rate-limit.ts';
export type { RouteName } from './routes/names.ts';
export { totpAt } from './totp.ts';
export type { InstrumentInput, MarketHours, SimAccountInput, SimOrder, SimOrderStatus, SmartApiSimOptions } from './types.ts';
