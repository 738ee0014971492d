import { describe, expect, it } from 'vitest';
import { mapPriority } from '../../../../../subgraphs/trust/ris/apply/priority.ts';

describe('mapPriority (table 0027 defaults, per-trust map first)', () => {
  it.each([
    ['S', 'STAT'],
    ['stat', 'STAT'],
    ['A', 'URGENT'],
    ['URGENT', 'URGENT'],
    ['R', 'ROUTINE'],
    ['Routine', 'ROUTINE'],
  ])('%s → %s', (code, expected) => {
    expect(mapPriority(code, {})).toEqual({ kind: 'mapped', value: expected });
  });

  it('a value neither the trust nor table 0027 maps is unmapped, named', () => {
    expect(mapPriority('P', {})).toEqual({ kind: 'unmapped', value: 'P' });
    expect(mapPriority('2WW', {})).toEqual({ kind: 'unmapped', value: '2WW' });
  });

  it("the trust's map adds local words and overrides the defaults", () => {
    const trust = { '2WW': 'SUSPECTED_CANCER', SOON: 'URGENT', PLANNED: 'PLANNED', R: 'URGENT' } as const;
    expect(mapPriority('2ww', trust)).toEqual({ kind: 'mapped', value: 'SUSPECTED_CANCER' });
    expect(mapPriority('Soon', trust)).toEqual({ kind: 'mapped', value: 'URGENT' });
    expect(mapPriority('Planned', trust)).toEqual({ kind: 'mapped', value: 'PLANNED' });
    expect(mapPriority('R', trust)).toEqual({ kind: 'mapped', value: 'URGENT' });
  });
});
