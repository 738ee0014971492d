import { describe, expect, it } from 'vitest';
import { decodeStudyId, encodeStudyId, trustOfStudyId } from '../../schema/study-id.ts';

describe('study id codec', () => {
  it('round-trips accession and UID keys, with any characters', () => {
    for (const value of ['ACC123', 'a:b.c/d e', 'é^&|\\', '1.2.826.0.1.3680043.8.498.1']) {
      for (const kind of ['accession', 'uid'] as const) {
        const id = encodeStudyId({ trust: 'RH8', kind, value });
        expect(decodeStudyId(id)).toEqual({ trust: 'RH8', kind, value });
      }
    }
  });

  it('keeps the owning trust readable', () => {
    const id = encodeStudyId({ trust: 'RXA', kind: 'accession', value: 'X1' });
    expect(id.startsWith('S1.RXA.')).toBe(true);
    expect(trustOfStudyId(id)).toBe('RXA');
  });

  it('rejects what is not one of ours', () => {
    for (const bad of ['', 'S1', 'S1.RXA', 'S2.RXA.YTpY', 'S1.XXA.YTpY', 'S1.RXA.!!', 'S1.RXA.eDpZ', 'S1.RXA.YTo', 'S1.RXA.YTpY.extra']) {
      expect(decodeStudyId(bad)).toBeUndefined();
    }
  });
});
