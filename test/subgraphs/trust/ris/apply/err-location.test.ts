import { describe, expect, it } from 'vitest';
import { toErrLocation } from '../../../../../subgraphs/trust/ris/apply/err-location.ts';

describe('toErrLocation (ERR-2, ERL)', () => {
  it.each([
    ['PID-3', 'PID^1^3^1'],
    ['PID-3[2]', 'PID^1^3^2'],
    ['OBR[2]-25', 'OBR^2^25^1'],
    ['OBX-5.1', 'OBX^1^5^1^1'],
    ['IPC-1/OBR-18/OBR-3', 'IPC^1^1^1'],
    ['MRG', 'MRG^1'],
    ['MLLP frame', 'MLLP frame'],
  ])('%s → %s', (location, expected) => {
    expect(toErrLocation(location)).toBe(expected);
  });
  it('nothing for no location', () => {
    expect(toErrLocation(null)).toBeUndefined();
  });
});
