import { describe, expect, it } from 'vitest';
import { readDicomJsonArray } from '../../../../subgraphs/trust/pacs/dicom-json.ts';
import { mapPatientSex, mapSeriesRows, mapStudies } from '../../../../subgraphs/trust/pacs/study-mapping.ts';

const STUDY = {
  '00080020': { vr: 'DA', Value: ['20260329'] },
  '00080030': { vr: 'TM', Value: ['013000'] },
  '00080050': { vr: 'SH', Value: ['RXA0001'] },
  '00080061': { vr: 'CS', Value: ['ct', 'MR', 'CT'] },
  '00081030': { vr: 'LO', Value: ['CT Head'] },
  '00100010': { vr: 'PN', Value: [{ Alphabetic: "O'BRIEN^Zoë^Ann^Dr" }] },
  '00100020': { vr: 'LO', Value: ['9990000018'] },
  '00100021': { vr: 'LO', Value: ['NHS'] },
  '00100030': { vr: 'DA', Value: ['19700101'] },
  '00100040': { vr: 'CS', Value: ['F'] },
  '0020000D': { vr: 'UI', Value: ['2.25.1'] },
  '00201206': { vr: 'IS', Value: ['2'] },
  '00201208': { vr: 'IS', Value: [3] },
};

describe('mapStudies', () => {
  it('maps a full study row', () => {
    expect(mapStudies(readDicomJsonArray([STUDY]))).toEqual({
      skipped: 0,
      rows: [{
        studyInstanceUid: '2.25.1',
        accessionNumber: 'RXA0001',
        patientId: '9990000018',
        issuerOfPatientId: 'NHS',
        patientName: { family: "O'BRIEN", given: ['Zoë', 'Ann'] },
        birthDate: '1970-01-01',
        sex: 'FEMALE',
        modalities: ['CT', 'MR'],
        description: 'CT Head',
        performedAt: '2026-03-29T02:30:00+01:00',
        imageCount: 3,
        seriesCount: 2,
      }],
    });
  });

  it('maps a minimal row to nulls, and skips (counts) rows without StudyInstanceUID', () => {
    const { rows, skipped } = mapStudies(readDicomJsonArray([{ '0020000D': { vr: 'UI', Value: ['2.25.2'] } }, { '00080050': { vr: 'SH', Value: ['X'] } }, {}]));
    expect(skipped).toBe(2);
    expect(rows).toEqual([{
      studyInstanceUid: '2.25.2', accessionNumber: null, patientId: null, issuerOfPatientId: null, patientName: null,
      birthDate: null, sex: null, modalities: [], description: null, performedAt: null, imageCount: null, seriesCount: null,
    }]);
  });

  it('uses the configured zone and TimezoneOffsetFromUTC', () => {
    const row = { ...STUDY, '00080020': { vr: 'DA', Value: ['20260115'] }, '00080030': { vr: 'TM', Value: ['0930'] } };
    expect(mapStudies(readDicomJsonArray([row]), { timezone: 'America/New_York' }).rows[0]!.performedAt).toBe('2026-01-15T09:30:00-05:00');
    const withOffset = { ...row, '00080201': { vr: 'SH', Value: ['+0100'] } };
    expect(mapStudies(readDicomJsonArray([withOffset])).rows[0]!.performedAt).toBe('2026-01-15T09:30:00+01:00');
  });

  it('falls back to the ideographic group when there is no alphabetic one', () => {
    const row = { ...STUDY, '00100010': { vr: 'PN', Value: [{ Ideographic: '山田^太郎' }] } };
    expect(mapStudies(readDicomJsonArray([row])).rows[0]!.patientName).toEqual({ family: '山田', given: ['太郎'] });
  });
});

describe('mapPatientSex (PS3.3 C.7.1.1)', () => {
  it.each([['F', 'FEMALE'], ['M', 'MALE'], ['O', 'OTHER'], ['f', 'FEMALE'], ['U', 'UNKNOWN'], ['X', 'UNKNOWN'], [null, null]] as const)('%j → %j', (v, want) => {
    expect(mapPatientSex(v)).toBe(want);
  });
});

describe('mapSeriesRows', () => {
  it('maps series rows, OT for a missing modality, and skips rows without UIDs', () => {
    const { rows, skipped } = mapSeriesRows(readDicomJsonArray([
      {
        '0020000D': { vr: 'UI', Value: ['2.25.1'] }, '0020000E': { vr: 'UI', Value: ['2.25.11'] },
        '00080060': { vr: 'CS', Value: ['ct'] }, '00200011': { vr: 'IS', Value: ['3'] },
        '0008103E': { vr: 'LO', Value: ['Axial'] }, '00180015': { vr: 'CS', Value: ['HEAD'] },
        '00201209': { vr: 'IS', Value: [120] },
      },
      { '0020000D': { vr: 'UI', Value: ['2.25.1'] }, '0020000E': { vr: 'UI', Value: ['2.25.12'] } },
      { '0020000E': { vr: 'UI', Value: ['2.25.13'] } },
      { '0020000D': { vr: 'UI', Value: ['2.25.1'] } },
    ]));
    expect(skipped).toBe(2);
    expect(rows).toEqual([
      { studyInstanceUid: '2.25.1', seriesInstanceUid: '2.25.11', modality: 'CT', number: 3, description: 'Axial', bodyPart: 'HEAD', instanceCount: 120 },
      { studyInstanceUid: '2.25.1', seriesInstanceUid: '2.25.12', modality: 'OT', number: null, description: null, bodyPart: null, instanceCount: null },
    ]);
  });
});
