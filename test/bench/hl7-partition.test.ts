import { describe, expect, it } from 'vitest';
import { partitionByPatient, patientKey } from '../../bench/hl7-partition.ts';

const msg = (id: string, mrn: string, sep = '|') =>
  `MSH${sep}^~\\&${sep}CRIS${sep}RXA${sep}IMG${sep}RXA${sep}20260101120000${sep}${sep}ORM^O01${sep}${id}${sep}P${sep}2.3\rPID${sep}1${sep}${sep}${mrn}^^^RXA^MR~9990000018^^^NHS^NH${sep}${sep}TEST^PATIENT`;

describe('patientKey (PID-3, CX-1 of the first repetition)', () => {
  it('reads the first identifier with the message\'s own delimiters', () => {
    expect(patientKey(msg('1', 'MRN001'))).toBe('MRN001');
    expect(patientKey(msg('2', 'MRN002', '#'))).toBe('MRN002');
  });
  it('is undefined without a PID or an MSH', () => {
    expect(patientKey('MSH|^~\\&|A|B|C|D|20260101||ADT^A01|1|P|2.3\rEVN|A01')).toBeUndefined();
    expect(patientKey('PID|1||X')).toBeUndefined();
  });
});

describe('partitionByPatient', () => {
  const stream = Array.from({ length: 200 }, (_, i) => msg(String(i), `MRN${i % 37}`));

  it('keeps every message exactly once and each patient on one list, in order', () => {
    const lists = partitionByPatient(stream, 8);
    expect(lists).toHaveLength(8);
    expect(lists.flat().sort()).toEqual([...stream].sort());
    const home = new Map<string, number>();
    lists.forEach((list, i) => {
      for (const m of list) {
        const key = patientKey(m)!;
        expect(home.get(key) ?? i).toBe(i);
        home.set(key, i);
      }
      const order = list.map((m) => stream.indexOf(m));
      expect(order).toEqual([...order].sort((a, b) => a - b));
    });
  });
  it('spreads many patients over every list', () => {
    expect(partitionByPatient(stream, 8).every((l) => l.length > 0)).toBe(true);
  });
  it('puts messages without a patient on list 0 and refuses n < 1', () => {
    expect(partitionByPatient(['MSH|^~\\&|A\rEVN|A01'], 4)[0]).toHaveLength(1);
    expect(() => partitionByPatient(stream, 0)).toThrow(RangeError);
  });
});
