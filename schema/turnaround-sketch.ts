import { createRequire } from 'node:module';
import { DDSketch } from '@datadog/sketches-js';

/**
 * The wire format of `Turnaround.sketch` (network.graphql), written by trusts and merged by the
 * gateway: base64 DDSketch protobuf (DataDog sketches-proto `DDSketch`), logarithmic mapping with
 * relative accuracy 1% (Masson, Rim & Lee, VLDB 2019). Merging adds bin counts, so the merged
 * sketch is the sketch of the union of the trusts' values and keeps the 1% bound: each percentile
 * is within 1% of the exact lower-rank quantile (sorted element ⌊q·(n−1)⌋) of the union.
 *
 * The library's own `toProto()` writes every bin between the lowest and highest key (several KB
 * for a handful of values) and its `fromProto` reads only that contiguous form; so this writes the
 * sparse `binCounts` map only, and reads both forms.
 */

export const SKETCH_RELATIVE_ACCURACY = 0.01;

interface ProtoStore {
  binCounts?: Record<string, number>;
  contiguousBinCounts?: number[];
  contiguousBinIndexOffset?: number;
}
interface ProtoSketch {
  mapping?: { gamma?: number; indexOffset?: number; interpolation?: number } | undefined;
  positiveValues?: ProtoStore;
  negativeValues?: ProtoStore;
  zeroCount?: number;
}
const proto = createRequire(import.meta.url)('@datadog/sketches-js/dist/ddsketch/proto/compiled.js') as {
  DDSketch: {
    create(value: ProtoSketch): unknown;
    encode(message: unknown): { finish(): Uint8Array };
    decode(bytes: Uint8Array): ProtoSketch;
  };
};

/** Thrown for a sketch that is not one the network writes. */
export class SketchError extends Error {
  override readonly name = 'SketchError';
}

export function emptySketch(): DDSketch {
  return new DDSketch({ relativeAccuracy: SKETCH_RELATIVE_ACCURACY });
}

/** A sketch of the values (hours); they must be ≥ 0 (callers drop negative durations). */
export function sketchOf(values: readonly number[]): DDSketch {
  const sketch = emptySketch();
  for (const v of values) sketch.accept(v);
  return sketch;
}

function bins(store: ProtoStore | undefined): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  for (const [key, count] of Object.entries(store?.binCounts ?? {})) out.push([Number(key), count]);
  const offset = store?.contiguousBinIndexOffset ?? 0;
  (store?.contiguousBinCounts ?? []).forEach((count, i) => out.push([offset + i, count]));
  return out.filter(([, count]) => count > 0);
}

/** Adds a serialised sketch into `target`; SketchError when it is unreadable or not mergeable. */
export function mergeEncodedSketch(target: DDSketch, encoded: string): void {
  let decoded: ProtoSketch;
  try {
    decoded = proto.DDSketch.decode(Buffer.from(encoded, 'base64'));
  } catch (err) {
    throw new SketchError(`not a DDSketch protobuf: ${(err as Error).message}`);
  }
  const gamma = decoded.mapping?.gamma ?? 0;
  if (Math.abs(gamma - target.mapping.gamma) > 1e-12 * target.mapping.gamma || (decoded.mapping?.indexOffset ?? 0) !== 0 || (decoded.mapping?.interpolation ?? 0) !== 0) {
    throw new SketchError(`sketch mapping (gamma ${gamma}) is not the network's (logarithmic, relative accuracy ${SKETCH_RELATIVE_ACCURACY})`);
  }
  if (bins(decoded.negativeValues).length > 0) throw new SketchError('turnaround sketches hold no negative durations');
  for (const [key, count] of bins(decoded.positiveValues)) {
    // The bin's representative value maps back to the same key, so the bin is added exactly.
    const value = target.mapping.value(key);
    if (target.mapping.key(value) !== key) throw new SketchError(`sketch bin ${key} does not map back to itself`);
    target.accept(value, count);
  }
  if ((decoded.zeroCount ?? 0) > 0) target.accept(0, decoded.zeroCount);
}

/** Base64 DDSketch protobuf, non-empty bins in the sparse `binCounts` map. */
export function encodeSketch(sketch: DDSketch): string {
  const binCounts: Record<string, number> = {};
  const { bins: counts, offset } = sketch.store as unknown as { bins: number[]; offset: number };
  counts.forEach((count, i) => {
    if (count > 0) binCounts[String(i + offset)] = count;
  });
  const message = proto.DDSketch.create({ mapping: sketch.mapping.toProto() as ProtoSketch['mapping'], positiveValues: { binCounts }, zeroCount: sketch.zeroCount });
  return Buffer.from(proto.DDSketch.encode(message).finish()).toString('base64');
}
