/**
 * The ORU^R01 each trust dialect builds, read back by our codec and by an independent parser
 * (@medplum/core `Hl7Message.parse`): the same fields, equal to the values written out below
 * (not taken from the builder). medplum does not decode escapes, so where the text has one (FT's
 * `\.br\`) its raw value is compared with the raw text written out here.
 */
import { Hl7Message as MedplumMessage } from '@medplum/core';
import { describe, expect, it } from 'vitest';
import { Hl7Message } from '../../../../subgraphs/trust/ris/hl7/index.ts';
import { authorOf, reportText } from '../../../../subgraphs/trust/ris/apply/results.ts';
import { buildOru, type OruDialect } from '../../../../subgraphs/trust/reporting/oru-builder.ts';
import type { RisOrderRow, RisPatientRow } from '../../../../subgraphs/trust/store/read-model.ts';

const order: RisOrderRow = {
  accessionNumber: 'ACC0001',
  studyInstanceUid: null,
  patientId: 1,
  description: 'CT Head',
  bodyPart: null,
  modality: 'CT',
  priority: 'URGENT',
  status: 'COMPLETED',
  requestedAt: '2026-04-01T09:00:00+01:00',
  scheduledAt: null,
  performedAt: '2026-04-01T10:30:00+01:00',
  orderMissing: false,
  procedureCode: null,
  procedureCodingSystem: null,
  patientClass: null,
  waitStartedAt: null,
};
const patient: RisPatientRow = {
  id: 1,
  nhsNumber: '9990000018',
  family: 'TESTPATIENT',
  given: ['Zoë', 'Ann'],
  birthDate: '1970-01-02',
  sex: 'FEMALE',
  mrns: ['MRN123'],
  nationalIds: [],
};
const reporter = { sub: 'rad-1', given: 'Ann', family: "O'Reader", gmc: '1234567', trust: 'RH8' };
const base = { timezone: 'Europe/London', charset: 'UNICODE UTF-8' as const };

const DIALECTS: Array<{ name: string; dialect: OruDialect; accessionAt: string; nhsAt: string | null }> = [
  { name: 'RXA-like: v2.3, TX, OBR-18, NHS in PID-3', dialect: { ...base, version: '2.3', accessionNumber: 'OBR-18', reportText: 'TX', nhsNumberIn: 'PID-3' }, accessionAt: 'OBR-18', nhsAt: 'PID-3[2]' },
  { name: 'RH8-like: v2.4, FT, OBR-3, NHS in PID-2', dialect: { ...base, version: '2.4', accessionNumber: 'OBR-3', reportText: 'FT', nhsNumberIn: 'PID-2' }, accessionAt: 'OBR-3', nhsAt: 'PID-2' },
  { name: 'RTH-like: v2.5.1, FT, IPC-1 (OBR-18 in ORU), 8859/1', dialect: { ...base, version: '2.5.1', charset: '8859/1', accessionNumber: 'IPC-1', reportText: 'FT', nhsNumberIn: 'PID-3' }, accessionAt: 'OBR-18', nhsAt: 'PID-3[2]' },
  { name: 'OBR-2 mode, no NHS number', dialect: { ...base, version: '2.5.1', accessionNumber: 'OBR-2', reportText: 'TX', nhsNumberIn: 'none' }, accessionAt: 'OBR-2', nhsAt: null },
];

const TEXT = 'Findings: 5 mm nodule | stable.\n\nConclusion: no change.';

describe('ORU^R01 builder, per dialect', () => {
  it.each(DIALECTS)('$name: read back the same by our codec and @medplum/core', ({ dialect, accessionAt, nhsAt }) => {
    const text = buildOru({
      trust: 'RH8',
      dialect,
      controlId: 'RH8ABC123',
      createdAt: new Date('2026-04-02T08:00:00Z'),
      order,
      numbers: { placer: 'PL1', filler: 'FL1' },
      patient,
      resultStatus: 'C',
      text: TEXT,
      reportedAt: new Date('2026-04-02T08:00:00Z'),
      reporter,
    });
    const ours = Hl7Message.parse(text);
    const theirs = MedplumMessage.parse(text);
    const mseg = (name: string) => theirs.getSegment(name)!;

    expect(ours.controlId).toBe('RH8ABC123');
    expect(mseg('MSH').getComponent(10, 1)).toBe('RH8ABC123');
    expect(ours.version).toBe(dialect.version);
    expect(mseg('MSH').getComponent(12, 1)).toBe(dialect.version);
    expect(ours.get('MSH-18')).toBe(dialect.charset);
    expect(mseg('MSH').getComponent(18, 1)).toBe(dialect.charset);
    expect(ours.get('MSH-9.1') + '^' + ours.get('MSH-9.2')).toBe('ORU^R01');
    expect(mseg('MSH').getComponent(9, 2)).toBe('R01');
    expect(ours.get('MSH-9.3')).toBe(dialect.version === '2.3' ? '' : 'ORU_R01');

    // The accession where this trust reads it.
    const [seg, field] = accessionAt.split('-') as [string, string];
    expect(ours.get(`${accessionAt}.1`)).toBe('ACC0001');
    expect(mseg(seg).getComponent(Number(field), 1)).toBe('ACC0001');

    // MRN always in PID-3 (first repetition); the NHS number where the trust carries it.
    expect(ours.get('PID-3[1].1')).toBe('MRN123');
    expect(ours.get('PID-3[1].5')).toBe('MR');
    expect(mseg('PID').getComponent(3, 1, undefined, 0)).toBe('MRN123');
    if (nhsAt === 'PID-2') {
      expect(ours.get('PID-2.1')).toBe('9990000018');
      expect(mseg('PID').getComponent(2, 1)).toBe('9990000018');
      expect(ours.getAll('PID-3')).toHaveLength(1);
    } else if (nhsAt === 'PID-3[2]') {
      expect(ours.get('PID-3[2].1')).toBe('9990000018');
      expect(ours.get('PID-3[2].5')).toBe('NH');
      expect(ours.get('PID-3[2].4.2')).toBe('2.16.840.1.113883.2.1.4.1');
      expect(mseg('PID').getComponent(3, 1, undefined, 1)).toBe('9990000018');
      expect(mseg('PID').getComponent(3, 4, 1, 1)).toBe('2.16.840.1.113883.2.1.4.1');
    } else {
      expect(text).not.toContain('9990000018');
    }

    // ORC-1 RE, OBR-25 C, OBR-22 report time, OBR-32 GMC&FAMILY&GIVEN.
    expect(ours.get('ORC-1')).toBe('RE');
    expect(mseg('ORC').getComponent(1, 1)).toBe('RE');
    expect(ours.get('OBR-25')).toBe('C');
    expect(mseg('OBR').getComponent(25, 1)).toBe('C');
    expect(ours.get('OBR-22')).toBe('20260402090000+0100');
    expect(mseg('OBR').getComponent(22, 1)).toBe('20260402090000+0100');
    expect([ours.get('OBR-32.1.1'), ours.get('OBR-32.1.2'), ours.get('OBR-32.1.3')]).toEqual(['1234567', "O'Reader", 'Ann']);
    expect([0, 1, 2].map((s) => mseg('OBR').getComponent(32, 1, s))).toEqual(['1234567', "O'Reader", 'Ann']);

    // Report text: TX one OBX per line (a blank line an empty OBX-5), FT one OBX with \.br\.
    const obxs = ours.segmentsNamed('OBX');
    const medplumObx = theirs.getAllSegments('OBX');
    if (dialect.reportText === 'TX') {
      expect(obxs.map((o) => o.get('2'))).toEqual(['TX', 'TX', 'TX']);
      expect(obxs.map((o) => o.get('5'))).toEqual(['Findings: 5 mm nodule | stable.', '', 'Conclusion: no change.']);
      expect(medplumObx.map((o) => o.getComponent(5, 1))).toEqual(['Findings: 5 mm nodule \\F\\ stable.', '', 'Conclusion: no change.']);
    } else {
      expect(obxs.map((o) => o.get('2'))).toEqual(['FT']);
      expect(obxs[0]!.get('5')).toBe(TEXT);
      expect(medplumObx[0]!.getComponent(5, 1)).toBe('Findings: 5 mm nodule \\F\\ stable.\\.br\\\\.br\\Conclusion: no change.');
    }
    expect(obxs.every((o) => o.get('11') === 'C')).toBe(true);
    // Our own ORU reading (ris/apply/results.ts) gets the text and the author back.
    expect(reportText(obxs)).toBe(TEXT);
    expect(authorOf(ours.segment('OBR')!)).toBe("1234567 O'Reader Ann");
  });
});
