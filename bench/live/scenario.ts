// What every scenario of the live benchmark gets and gives back: its measures as table rows,
// its targets (each met or missed, with the numbers), and its raw numbers for the JSON.
import type { Summary } from '../stats.ts';

export interface RunOptions {
  quick: boolean;
  /** Follower counts of the fan-out (scenario 1). */
  followers: number[];
  /** Master orders per follower count, in the same order (scenario 1). */
  orders: number[];
  /** The broker round trip R, in ms. */
  latencyMs: number;
  /** Scenario 2's floor, p99 ms, by N: the F of the targets. */
  floor: Map<number, number>;
  progress(message: string): void;
}

export interface Target {
  what: string;
  /** The measured number and the bound it is held to (null: not measured). */
  value: number | null;
  limit: number | null;
  /** "<=", "<", ">=" */
  relation: '<=' | '<' | '>=';
  unit: string;
  /** How the limit was made, e.g. "F + 5 = 19 + 5". */
  basis?: string;
}

export interface ScenarioResult {
  id: number;
  title: string;
  status: 'ran' | 'skipped' | 'not built yet';
  /** Why it was skipped, or anything the reader must know. */
  note?: string;
  rows: { measure: string; value: string }[];
  targets: Target[];
  data: unknown;
}

export interface Scenario {
  id: number;
  title: string;
  run(options: RunOptions): Promise<ScenarioResult>;
}

export function met(target: Target): boolean | null {
  if (target.value === null || target.limit === null) return null;
  if (target.relation === '<=') return target.value <= target.limit;
  if (target.relation === '<') return target.value < target.limit;
  return target.value >= target.limit;
}

/** "p50 / p99 / max" of a summary, in ms. */
export function ms(s: Summary, withMax = true): string {
  return withMax ? `${s.p50} / ${s.p99} / ${s.max} ms` : `${s.p50} / ${s.p99} ms`;
}

export function skipped(scenario: Pick<Scenario, 'id' | 'title'>, note: string): ScenarioResult {
  return { id: scenario.id, title: scenario.title, status: 'skipped', note, rows: [], targets: [], data: null };
}
