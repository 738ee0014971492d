import { describe, expect, it } from 'vitest';
import { compareStudyOrder } from '../../schema/study-order.ts';
import { toModality } from '../../schema/modality.ts';

describe('the network study order', () => {
  it('puts newest first, nulls last, ties by id ascending', () => {
    const rows = [
      { sortAt: 1000, id: 'b' },
      { sortAt: null, id: 'a' },
      { sortAt: 3000, id: 'z' },
      { sortAt: 1000, id: 'a' },
      { sortAt: null, id: 'c' },
    ];
    expect([...rows].sort(compareStudyOrder).map((r) => `${r.sortAt}:${r.id}`)).toEqual([
      '3000:z',
      '1000:a',
      '1000:b',
      'null:a',
      'null:c',
    ]);
  });
});

describe('modality mapping', () => {
  it('keeps DICOM defined terms and maps anything else to OT', () => {
    expect(toModality('CT')).toBe('CT');
    expect(toModality(' mr ')).toBe('MR');
    expect(toModality('XRAY')).toBe('OT');
    expect(toModality(null)).toBe('OT');
  });
});
