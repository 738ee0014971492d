import { describe, expect, it } from 'vitest';
import { accessionFields, accessionOf } from '../../../../../subgraphs/trust/ris/apply/accession.ts';

const all = { ipc1: 'IPC1', obr18: 'OBR18', filler: 'FILL', placer: 'PLAC' };

describe('accessionOf', () => {
  it('auto: IPC-1, then OBR-18, then the filler order number', () => {
    expect(accessionOf(all, 'auto')).toBe('IPC1');
    expect(accessionOf({ ...all, ipc1: '' }, 'auto')).toBe('OBR18');
    expect(accessionOf({ filler: 'FILL', placer: 'PLAC' }, 'auto')).toBe('FILL');
    expect(accessionOf({ placer: 'PLAC' }, 'auto')).toBeUndefined();
  });
  it('fixed modes read only their field', () => {
    expect(accessionOf(all, 'OBR-18')).toBe('OBR18');
    expect(accessionOf(all, 'OBR-3')).toBe('FILL');
    expect(accessionOf(all, 'OBR-2')).toBe('PLAC');
    expect(accessionOf(all, 'IPC-1')).toBe('IPC1');
    expect(accessionOf({ obr18: 'X' }, 'IPC-1')).toBeUndefined();
  });
  it('blank and HL7 null are no accession', () => {
    expect(accessionOf({ obr18: '  ', filler: '""' }, 'auto')).toBeUndefined();
  });
  it('names the fields for the ERR location', () => {
    expect(accessionFields('OBR-3')).toBe('OBR-3/ORC-3/SCH-27');
  });
});
