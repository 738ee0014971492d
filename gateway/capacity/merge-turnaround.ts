import type { TurnaroundJson } from './capacity-report.ts';
import { emptySketch, encodeSketch, mergeEncodedSketch } from '../../schema/turnaround-sketch.ts';

const NOTHING: TurnaroundJson = { count: 0, p50: null, p90: null, p95: null, sketch: null };

/**
 * One turnaround from the trusts' turnarounds of the same group: counts add, sketches merge and
 * the percentiles are read from the merged sketch (never averaged). A single contributor is
 * passed through (its percentiles came from the same sketch). When a contributor with values
 * sent no sketch, the union's percentiles cannot be known: they are null, the count stands.
 */
export function mergeTurnarounds(parts: readonly TurnaroundJson[]): TurnaroundJson {
  const measured = parts.filter((p) => p.count > 0);
  const [only] = measured;
  if (only === undefined) return { ...NOTHING };
  if (measured.length === 1) return { ...only };
  const count = measured.reduce((sum, p) => sum + p.count, 0);
  if (measured.some((p) => p.sketch === null)) return { ...NOTHING, count };
  const sketch = emptySketch();
  for (const p of measured) mergeEncodedSketch(sketch, p.sketch!);
  return {
    count,
    p50: sketch.getValueAtQuantile(0.5),
    p90: sketch.getValueAtQuantile(0.9),
    p95: sketch.getValueAtQuantile(0.95),
    sketch: encodeSketch(sketch),
  };
}
