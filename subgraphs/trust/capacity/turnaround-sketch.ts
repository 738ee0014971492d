import type { TurnaroundJson } from '../../../schema/capacity-row.ts';
import { encodeSketch, sketchOf } from '../../../schema/turnaround-sketch.ts';

/**
 * A trust's turnaround measures: count and percentiles from a DDSketch (1% relative accuracy:
 * each is within 1% of the exact lower-rank quantile, the sorted values' element ⌊q·(n−1)⌋), and
 * the sketch itself in the network's wire format (schema/turnaround-sketch.ts) for the gateway.
 */

/** The measures of one turnaround (`Turnaround` in network.graphql), hours. */
export type TurnaroundData = TurnaroundJson;

/** Count, percentiles and serialised sketch of the values (hours). */
export function turnaroundOf(values: readonly number[]): TurnaroundData {
  if (values.length === 0) return { count: 0, p50: null, p90: null, p95: null, sketch: null };
  const sketch = sketchOf(values);
  return {
    count: values.length,
    p50: sketch.getValueAtQuantile(0.5),
    p90: sketch.getValueAtQuantile(0.9),
    p95: sketch.getValueAtQuantile(0.95),
    sketch: encodeSketch(sketch),
  };
}
