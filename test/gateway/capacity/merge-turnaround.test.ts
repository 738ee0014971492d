import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { mergeTurnarounds } from '../../../gateway/capacity/merge-turnaround.ts';
import { SketchError, emptySketch, encodeSketch, mergeEncodedSketch } from '../../../schema/turnaround-sketch.ts';
import { turnaroundOf } from '../../../subgraphs/trust/capacity/turnaround-sketch.ts';

/** The exact lower-rank quantile DDSketch approximates: sorted element ⌊q·(n−1)⌋. */
function exact(values: readonly number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(q * (sorted.length - 1))]!;
}

const hours = fc.oneof(fc.constant(0), fc.double({ min: 1e-3, max: 20_000, noNaN: true }));

describe('mergeTurnarounds', () => {
  it('merged percentiles are within 1% of the exact percentiles over the union of the trusts\' values', () => {
    fc.assert(
      fc.property(fc.array(fc.array(hours, { maxLength: 40 }), { minLength: 1, maxLength: 5 }), (perTrust) => {
        const merged = mergeTurnarounds(perTrust.map((v) => turnaroundOf(v)));
        const union = perTrust.flat();
        expect(merged.count).toBe(union.length);
        if (union.length === 0) {
          expect(merged).toEqual({ count: 0, p50: null, p90: null, p95: null, sketch: null });
          return;
        }
        for (const [q, p] of [[0.5, merged.p50], [0.9, merged.p90], [0.95, merged.p95]] as const) {
          const want = exact(union, q);
          expect(Math.abs(p! - want)).toBeLessThanOrEqual(0.01 * want + 1e-9);
        }
      }),
      { numRuns: 150 },
    );
  });

  it('merging is associative: merging merged sketches gives the same sketch', () => {
    fc.assert(
      fc.property(fc.array(hours, { minLength: 1, maxLength: 30 }), fc.array(hours, { minLength: 1, maxLength: 30 }), fc.array(hours, { minLength: 1, maxLength: 30 }), (a, b, c) => {
        const [ta, tb, tc] = [a, b, c].map((v) => turnaroundOf(v));
        const left = mergeTurnarounds([mergeTurnarounds([ta!, tb!]), tc!]);
        const flat = mergeTurnarounds([ta!, tb!, tc!]);
        expect(left).toEqual(flat);
      }),
      { numRuns: 50 },
    );
  });

  it('passes one contributor through; a contributor without a sketch leaves the union\'s percentiles unknown', () => {
    const one = turnaroundOf([1, 2, 3]);
    expect(mergeTurnarounds([one, turnaroundOf([])])).toEqual(one);
    expect(mergeTurnarounds([one, { count: 2, p50: 5, p90: 5, p95: 5, sketch: null }])).toEqual({ count: 5, p50: null, p90: null, p95: null, sketch: null });
  });

  it('sparse encoding stays small and reads back; foreign or corrupt sketches are refused', () => {
    const t = turnaroundOf([0.01, 1, 24, 5000]);
    // Four bins, not the ~700 the contiguous form would write between 0.01 h and 5000 h.
    expect(t.sketch!.length).toBeLessThan(200);
    const s = emptySketch();
    mergeEncodedSketch(s, t.sketch!);
    expect(s.count).toBe(4);
    expect(encodeSketch(s)).toBe(t.sketch);
    expect(() => mergeEncodedSketch(emptySketch(), 'not a sketch!!')).toThrow(SketchError);
    // A sketch of 5% accuracy (another gamma) cannot be merged into 1% ones.
    const other = turnaroundOf([1]).sketch!;
    const bytes = Buffer.from(other, 'base64');
    // DDSketch.mapping (tag 0x0a, length), then IndexMapping.gamma (tag 0x09, 8-byte double).
    expect([bytes[0], bytes[2]]).toEqual([0x0a, 0x09]);
    const gammaAt = 3;
    bytes.writeDoubleLE(1.1, gammaAt);
    expect(() => mergeEncodedSketch(emptySketch(), bytes.toString('base64'))).toThrow(/not the network/);
  });
});
