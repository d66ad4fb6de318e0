// What every benchmark reports of its samples: nearest-rank percentiles, null when there are none.

/** The nearest-rank p-th percentile of samples sorted ascending. */
export function percentile(sorted: number[], p: number): number | null {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] ?? null;
}

export interface Summary {
  n: number;
  p50: number | null;
  p90: number | null;
  p99: number | null;
  min: number | null;
  max: number | null;
}

export function summary(samples: number[]): Summary {
  const sorted = [...samples].sort((a, b) => a - b);
  return {
    n: sorted.length,
    p50: percentile(sorted, 50),
    p90: percentile(sorted, 90),
    p99: percentile(sorted, 99),
    min: sorted[0] ?? null,
    max: sorted.at(-1) ?? null,
  };
}
