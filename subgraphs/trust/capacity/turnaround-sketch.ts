import { createRequire } from 'node:module';
import { DDSketch } from '@datadog/sketches-js';

/**
 * Turnaround distributions as DDSketches (Masson, Rim & Lee, "DDSketch: a fast and fully-mergeable
 * quantile sketch with relative-error guarantees", VLDB 2019) with relative accuracy 1%, as
 * `Turnaround` in network.graphql promises: for every quantile q the value returned is within 1%
 * of the exact lower-rank quantile, the sorted values' element at index ⌊q·(n−1)⌋ (the rank
 * `getValueAtQuantile` uses).
 *
 * Serialised as the DDSketch protobuf (DataDog sketches-proto `DDSketch`) in base64. The
 * library's own `toProto()` writes every bin from the lowest to the highest key (several KB even
 * for a handful of values), so only the non-empty bins are written, in the sparse `binCounts`
 * map that the same message defines and every DDSketch reader accepts.
 */

export const SKETCH_RELATIVE_ACCURACY = 0.01;

/** The measures of one turnaround (`Turnaround` in network.graphql), hours. */
export interface TurnaroundData {
  count: number;
  p50: number | null;
  p90: number | null;
  p95: number | null;
  /** base64 DDSketch protobuf; null when nothing was measured. */
  sketch: string | null;
}

interface ProtoMessage<T> {
  create(value: T): unknown;
  encode(message: unknown): { finish(): Uint8Array };
}
interface ProtoSketch {
  mapping: unknown;
  positiveValues: { binCounts: Record<string, number> };
  zeroCount: number;
}
// The compiled protobuf module the library ships (CommonJS, no usable typings of its own).
const proto = createRequire(import.meta.url)('@datadog/sketches-js/dist/ddsketch/proto/compiled.js') as {
  DDSketch: ProtoMessage<ProtoSketch>;
};

/** A sketch of the values (hours); they must be ≥ 0 (callers drop negative durations). */
export function sketchOf(values: readonly number[]): DDSketch {
  const sketch = new DDSketch({ relativeAccuracy: SKETCH_RELATIVE_ACCURACY });
  for (const v of values) sketch.accept(v);
  return sketch;
}

/** Base64 DDSketch protobuf with sparse bins. */
export function encodeSketch(sketch: DDSketch): string {
  const binCounts: Record<string, number> = {};
  const { bins, offset } = sketch.store as unknown as { bins: number[]; offset: number };
  bins.forEach((count, i) => {
    if (count > 0) binCounts[String(i + offset)] = count;
  });
  const message = proto.DDSketch.create({
    mapping: sketch.mapping.toProto(),
    positiveValues: { binCounts },
    zeroCount: sketch.zeroCount,
  });
  return Buffer.from(proto.DDSketch.encode(message).finish()).toString('base64');
}

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
