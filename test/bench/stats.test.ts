import { describe, expect, it } from 'vitest';
import { formatSpread, percentileOfSorted, spreadOf } from '../../bench/stats.ts';

describe('spreadOf', () => {
  it('gives the middle sample of an odd count, with min and max', () => {
    expect(spreadOf([30, 10, 20])).toEqual({ median: 20, min: 10, max: 30 });
  });
  it('averages the middle two of an even count', () => {
    expect(spreadOf([4, 1, 3, 2])).toEqual({ median: 2.5, min: 1, max: 4 });
  });
  it('does not reorder the caller\'s array', () => {
    const samples = [3, 1, 2];
    spreadOf(samples);
    expect(samples).toEqual([3, 1, 2]);
  });
  it('refuses no samples', () => {
    expect(() => spreadOf([])).toThrow(/no samples/);
  });
});

describe('percentileOfSorted', () => {
  const values = Array.from({ length: 100 }, (_, i) => i + 1);
  it('uses the nearest rank', () => {
    expect(percentileOfSorted(values, 50)).toBe(50);
    expect(percentileOfSorted(values, 99)).toBe(99);
    expect(percentileOfSorted(values, 100)).toBe(100);
    expect(percentileOfSorted([7], 99)).toBe(7);
  });
  it('clamps p = 0 to the first value', () => {
    expect(percentileOfSorted(values, 0)).toBe(1);
  });
});

describe('formatSpread', () => {
  it('prints median (min–max), or one number when all samples agree', () => {
    expect(formatSpread({ median: 1.234, min: 1, max: 2 }, 2)).toBe('1.23 (1.00–2.00)');
    expect(formatSpread({ median: 5, min: 5, max: 5 })).toBe('5');
  });
});
