import { describe, expect, it } from 'vitest';
import { toPriority } from '../../../../../subgraphs/trust/ris/apply/priority.ts';

describe('toPriority (table 0027)', () => {
  it.each([
    ['S', 'STAT'],
    ['stat', 'STAT'],
    ['A', 'URGENT'],
    ['URGENT', 'URGENT'],
    ['R', 'ROUTINE'],
    ['Routine', 'ROUTINE'],
    ['P', undefined],
    ['', undefined],
  ])('%s → %s', (code, expected) => {
    expect(toPriority(code)).toBe(expected);
  });
});
