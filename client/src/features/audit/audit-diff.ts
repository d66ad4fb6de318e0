// What an audit entry changed, as a person reads it: the keys whose values differ between
// before and after, each as "old → new". A creation lists what was set, a deletion what was there.

type Recorded = Readonly<Record<string, unknown>> | null;

export interface Change {
  key: string;
  /** The value as it was; undefined when the entry created the thing. */
  before?: string;
  /** The value as it became; undefined when the entry deleted the thing. */
  after?: string;
}

/** A recorded value in a few characters: text quoted, lists joined, nothing as a dash. */
export function formatValue(value: unknown): string {
  if (value === null || value === undefined) return '—';
  if (typeof value === 'string') return JSON.stringify(value);
  if (Array.isArray(value)) return value.length === 0 ? '[]' : `[${value.map(formatValue).join(', ')}]`;
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);
/** Keys that say nothing a reader needs beside the entry's own columns. */
const QUIET = new Set(['id']);

/** The changed keys, in the order the entry recorded them. */
export function changedKeys(before: Recorded, after: Recorded): Change[] {
  const keys = [...new Set([...Object.keys(before ?? {}), ...Object.keys(after ?? {})])].filter((key) => !QUIET.has(key));
  if (before === null) return keys.map((key) => ({ key, after: formatValue(after?.[key]) }));
  if (after === null) return keys.map((key) => ({ key, before: formatValue(before[key]) }));
  return keys
    .filter((key) => !same(before[key], after[key]))
    .map((key) => ({ key, before: formatValue(before[key]), after: formatValue(after[key]) }));
}

/** "account.update+credentials" → "Account update + credentials": the action in words. */
export function actionWords(action: string): string {
  const words = action
    .replace(/([a-z])([A-Z])/g, '$1 $2')
    .replace(/[.]/g, ' ')
    .replace(/\+/g, ' + ')
    .toLowerCase();
  return words.charAt(0).toUpperCase() + words.slice(1);
}
