import { describe, expect, it } from 'vitest';
import {
  buildSeriesQuery,
  buildStudyQuery,
  dateRangeMatch,
  encodeMatchValue,
  isDicomUid,
  splitUidList,
  STUDY_INCLUDE_FIELDS,
  SERIES_INCLUDE_FIELDS,
} from '../../../../subgraphs/trust/pacs/qido-query.ts';

const STUDY_INCLUDE = `includefield=${STUDY_INCLUDE_FIELDS.join(',')}`;

describe('encodeMatchValue', () => {
  it.each([
    ['RXA0001', 'RXA0001', true],
    ['Q-1._~!$():@/;=', 'Q-1._~!$():@/;=', true],
    ['SMITH^J*', 'SMITH^J*', false],
    ['A?C', 'A?C', false],
    ['MRN 77', 'MRN?77', false],
    ["O'BRIEN", 'O?BRIEN', false],
    ['A&B#1%+,x', 'A?B?1???x', false],
    ['A\\B', 'A?B', false],
    ['Zoë Ann', 'Zo*?Ann', false],
    ['山田^太郎', '*^*', false],
  ])('%j → %j (exact %j)', (value, text, exact) => {
    expect(encodeMatchValue(value)).toEqual({ text, exact });
  });

  it('never emits a character fetch or Orthanc would re-encode or split on', () => {
    const every = Array.from({ length: 0x7f - 0x20 }, (_, i) => String.fromCharCode(0x20 + i)).join('') + 'éß中';
    const { text } = encodeMatchValue(every);
    expect(text).not.toMatch(/[ "#%&'+,<>\\`{}|[\]\u0080-\uffff]/);
    expect(new URL(`http://x/?a=${text}`).search).toBe(`?a=${text}`);
  });
});

describe('dateRangeMatch (PS3.4 C.2.2.2.5)', () => {
  it.each([
    ['2026-03-01', '2026-03-31', '20260301-20260331'],
    [undefined, '2026-03-31', '-20260331'],
    ['2026-03-01', undefined, '20260301-'],
    ['2026-03-29', '2026-03-29', '20260329'],
    [undefined, undefined, undefined],
  ])('%j..%j → %j', (from, to, want) => {
    expect(dateRangeMatch(from, to)).toBe(want);
  });

  it.each(['20260301', '2026-02-30', '2026-13-01', 'yesterday'])('refuses %j', (bad) => {
    expect(() => dateRangeMatch(bad)).toThrow(RangeError);
  });
});

describe('buildStudyQuery (PS3.18 8.3.4, 10.6.1)', () => {
  it('always names the study include fields, StudyDescription among them', () => {
    expect(buildStudyQuery({})).toBe(STUDY_INCLUDE);
    expect(STUDY_INCLUDE_FIELDS).toEqual(expect.arrayContaining(['00081030', '00080061', '00201208', '00201206']));
  });

  it('builds every filter deliberately, raw ^ * , and no percent-encoding', () => {
    expect(buildStudyQuery({
      studyInstanceUids: ['2.25.1', '2.25.2', '2.25.1'],
      accessionNumber: 'A&B 1',
      patientId: '9990000018',
      patientName: 'SMITH^J*',
      modalities: ['CT', 'MR'],
      dateFrom: '2026-03-01',
      limit: 100,
      offset: 200,
    })).toBe(`StudyInstanceUID=2.25.1,2.25.2&AccessionNumber=A?B?1&PatientID=9990000018&PatientName=SMITH^J*&ModalitiesInStudy=CT,MR&StudyDate=20260301-&${STUDY_INCLUDE}&limit=100&offset=200`);
  });

  it('omits offset 0 and refuses bad paging, modalities, UIDs and empty values', () => {
    expect(buildStudyQuery({ limit: 5, offset: 0 })).toBe(`${STUDY_INCLUDE}&limit=5`);
    expect(() => buildStudyQuery({ limit: 0 })).toThrow(RangeError);
    expect(() => buildStudyQuery({ offset: -1 })).toThrow(RangeError);
    expect(() => buildStudyQuery({ modalities: ['CT&x=1'] })).toThrow(RangeError);
    expect(() => buildStudyQuery({ studyInstanceUids: ['1.2.x'] })).toThrow(RangeError);
    expect(() => buildStudyQuery({ studyInstanceUids: [] })).toThrow(RangeError);
    expect(() => buildStudyQuery({ accessionNumber: '' })).toThrow(RangeError);
  });
});

describe('buildSeriesQuery', () => {
  it('uses UID list matching and names BodyPartExamined, SeriesDescription, NumberOfSeriesRelatedInstances', () => {
    expect(buildSeriesQuery({ studyInstanceUids: ['2.25.1', '2.25.2'], limit: 10 }))
      .toBe(`StudyInstanceUID=2.25.1,2.25.2&includefield=${SERIES_INCLUDE_FIELDS.join(',')}&limit=10`);
    expect(SERIES_INCLUDE_FIELDS).toEqual(expect.arrayContaining(['00180015', '0008103E', '00201209', '0020000D']));
  });
});

describe('isDicomUid (PS3.5 9.1)', () => {
  it.each([['1.2.840.10008', true], ['2.25.123', true], ['1', true], ['1..2', false], ['1.2.', false], ['a.b', false], ['', false], ['1.' + '2'.repeat(63), false]])('%j → %j', (uid, ok) => {
    expect(isDicomUid(uid)).toBe(ok);
  });
});

describe('splitUidList', () => {
  it('keeps everything in one list when it fits, and dedupes', () => {
    expect(splitUidList(['1.1', '1.2', '1.1'], 100)).toEqual([['1.1', '1.2']]);
  });

  it('splits so no joined list exceeds the budget, keeping order', () => {
    const uids = Array.from({ length: 10 }, (_, i) => `1.${i}`);
    const chunks = splitUidList(uids, 11);
    expect(chunks.flat()).toEqual(uids);
    expect(chunks.every((c) => c.join(',').length <= 11)).toBe(true);
    expect(chunks.length).toBe(4);
  });
});

describe('exact-match values (issue 15, finding 10)', () => {
  it('refuses * and ? in AccessionNumber and PatientID: DICOM has no escape for them', () => {
    expect(() => buildStudyQuery({ accessionNumber: '*' })).toThrow(RangeError);
    expect(() => buildStudyQuery({ patientId: 'M?1' })).toThrow(/wildcard/);
    expect(buildStudyQuery({ accessionNumber: 'ACC 1' })).toContain('AccessionNumber=ACC?1');
  });
});
