/** Order statistics over repetitions: a benchmark reports the median and the spread, never one sample. */
export interface Spread {
  median: number;
  min: number;
  max: number;
}

/** Median (mean of the middle two for an even count), min and max. Throws on no samples. */
export function spreadOf(samples: readonly number[]): Spread {
  if (samples.length === 0) throw new Error('spreadOf: no samples');
  const sorted = [...samples].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  const median = sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
  return { median, min: sorted[0]!, max: sorted[sorted.length - 1]! };
}

/** The p-th percentile (0–100) by nearest rank over already sorted values. */
export function percentileOfSorted(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) throw new Error('percentileOfSorted: no values');
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1]!;
}

/** `median (min–max)` with `digits` decimals. */
export function formatSpread(s: Spread, digits = 0): string {
  const f = (n: number) => n.toFixed(digits);
  return s.min === s.max ? `${f(s.median)}` : `${f(s.median)} (${f(s.min)}–${f(s.max)})`;
}
