// The checks that decide whether a follower copies a master order at all, before any
// sizing, in the order a person reading the skip reason expects: the first that fails wins.
import { formatRupees } from '../order-rules.ts';
import { skip, type MasterOrderFacts, type MultiplierRules, type PlanInput, type Skip } from './plan-types.ts';

type Gate = (input: PlanInput) => Skip | null;

const GATES: readonly Gate[] = [
  lateDetection,
  ({ master }) => (master.unsupportedKind ? skip(`${master.unsupportedKind} orders are not copied`) : null),
  ({ globalKillSwitch, follower }) => accountGuard(globalKillSwitch, follower),
  ({ rules }) => (rules.paused ? skip('multiplier is paused') : null),
  ({ master, rules }) => ruleFilter(master, rules),
  ({ follower }) =>
    dailyOrderLimitReached(follower.ordersToday, follower.maxOrdersPerDay, 1) ? dailyOrderLimitSkip(follower.maxOrdersPerDay) : null,
  dailyLossLimit,
];

/**
 * The switches people flip to stop copying (worded "kill switch engaged", as the README and the dashboard say it): shared by
 * new copies and by modifications of open ones.
 */
export function accountGuard(
  globalKillSwitch: boolean,
  follower: { killSwitch: boolean; copyEnabled: boolean; label: string },
): Skip | null {
  if (globalKillSwitch) return skip('kill switch engaged (global)');
  if (follower.killSwitch) return skip(`kill switch engaged for follower ${follower.label}`);
  if (!follower.copyEnabled) return skip(`copying is turned off for follower ${follower.label}`);
  return null;
}

type Filtered = Pick<MasterOrderFacts, 'exchange' | 'symbol' | 'variety'>;

/**
 * What the multiplier's own filters leave out (exchanges, allow and deny lists, AMO): orders
 * the follower is not meant to copy at all, as opposed to copies a switch or a limit stopped.
 */
export function ruleFilter(master: Filtered, rules: MultiplierRules): Skip | null {
  return (
    exchangeFilter(master, rules) ??
    allowList(master, rules) ??
    denyList(master, rules) ??
    (master.variety === 'AMO' && !rules.copyAmo ? skip('AMO orders are not copied by this multiplier') : null)
  );
}

/** The first reason this follower gets nothing for this master order, or null to go on to sizing. */
export function firstFailedGate(input: PlanInput): Skip | null {
  for (const gate of GATES) {
    const failed = gate(input);
    if (failed) return failed;
  }
  return null;
}

export function dailyOrderLimitReached(ordersToday: number, maxOrdersPerDay: number | null, newOrders: number): boolean {
  return maxOrdersPerDay !== null && ordersToday + newOrders > maxOrdersPerDay;
}

export function dailyOrderLimitSkip(maxOrdersPerDay: number | null, ordersToday?: number, newOrders?: number): Skip {
  const base = `daily order limit ${maxOrdersPerDay} reached`;
  // Only worth the detail when the limit is not yet used up: the copy needs more legs than remain.
  if (ordersToday === undefined || newOrders === undefined || maxOrdersPerDay === null || ordersToday >= maxOrdersPerDay) {
    return skip(base);
  }
  return skip(`${base}: ${ordersToday} orders placed today and this copy needs ${newOrders}`);
}

function lateDetection({ master, maxCopyDelaySeconds }: PlanInput): Skip | null {
  const limit = `(limit ${maxCopyDelaySeconds} s)`;
  const detectedMs = master.detectedAt.getTime() - master.placedAt.getTime();
  if (detectedMs > maxCopyDelaySeconds * 1000) return skip(`detected ${secondsLate(detectedMs)} s late ${limit}`);
  // Seen in time but planned only later (a restart, a takeover): the copy would still go out stale.
  const plannedMs = (master.plannedAt ?? master.detectedAt).getTime() - master.placedAt.getTime();
  if (plannedMs > maxCopyDelaySeconds * 1000)
    return skip(`copy would go out ${secondsLate(plannedMs)} s after the master was placed ${limit}`);
  return null;
}

/** Tenths rounded up, so 30.04 s over a 30 s limit never reads "30 s late (limit 30 s)". */
function secondsLate(delayMs: number): string {
  const tenths = Math.ceil(delayMs / 100);
  return tenths % 10 === 0 ? String(tenths / 10) : (tenths / 10).toFixed(1);
}

function exchangeFilter(master: Filtered, rules: MultiplierRules): Skip | null {
  if (rules.exchanges.length === 0 || includesName(rules.exchanges, master.exchange)) return null;
  return skip(`exchange ${master.exchange} is not among this multiplier's exchanges (${rules.exchanges.join(', ')})`);
}

function allowList(master: Filtered, rules: MultiplierRules): Skip | null {
  if (rules.symbolsAllow.length === 0 || includesName(rules.symbolsAllow, master.symbol)) return null;
  return skip(`${master.symbol} is not on this multiplier's allow list`);
}

function denyList(master: Filtered, rules: MultiplierRules): Skip | null {
  return includesName(rules.symbolsDeny, master.symbol) ? skip(`${master.symbol} is on this multiplier's deny list`) : null;
}

function dailyLossLimit({ follower }: PlanInput): Skip | null {
  const { maxLossPerDay, realisedPnlToday } = follower;
  if (maxLossPerDay === null || realisedPnlToday > -maxLossPerDay) return null;
  return skip(`daily loss limit ${formatRupees(maxLossPerDay)} reached; copying halted for today`);
}

function includesName(names: readonly string[], name: string): boolean {
  const wanted = name.trim().toUpperCase();
  return names.some((n) => n.trim().toUpperCase() === wanted);
}
