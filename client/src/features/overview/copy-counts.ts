/** Today's copy outcomes for one follower. */
export interface CopyCounts {
  copied: number;
  failed: number;
  skipped: number;
  inFlight: number;
}

/** Adds the counts of several followers (a master's line shows its followers' total). */
export function sumCounts(counts: readonly (CopyCounts | undefined)[]): CopyCounts {
  return counts.reduce<CopyCounts>(
    (total, c) =>
      c
        ? {
            copied: total.copied + c.copied,
            failed: total.failed + c.failed,
            skipped: total.skipped + c.skipped,
            inFlight: total.inFlight + c.inFlight,
          }
        : total,
    { copied: 0, failed: 0, skipped: 0, inFlight: 0 },
  );
}
