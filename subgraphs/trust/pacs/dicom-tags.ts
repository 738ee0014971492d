/**
 * The DICOM vocabulary the PACS side reads and queries, in one place: standard keywords (PS3.6
 * Table 6-1, the Data Dictionary) mapped to their tags in the 8-hex-digit uppercase form DICOM
 * JSON uses as object keys (PS3.18 F.2.1.1.2) and QIDO-RS accepts as attribute ids (PS3.18
 * 8.3.4.1).
 */
export const DicomTag = {
  /** (0008,0005) CS: how strings of the data set are encoded (PS3.3 C.12.1.1.2). */
  SpecificCharacterSet: '00080005',
  /** (0008,0020) DA. */
  StudyDate: '00080020',
  /** (0008,0030) TM. */
  StudyTime: '00080030',
  /** (0008,0050) SH: issued by the RIS; the join key to RIS orders within a trust. */
  AccessionNumber: '00080050',
  /** (0008,0060) CS, series level. */
  Modality: '00080060',
  /** (0008,0061) CS, multi-valued, study level (PS3.4 C.6.2.1.2). */
  ModalitiesInStudy: '00080061',
  /** (0008,0201) SH `&ZZXX`: offset of the data set's local times from UTC (PS3.3 C.12.1.1.8). */
  TimezoneOffsetFromUTC: '00080201',
  /** (0008,1030) LO. Orthanc omits it from QIDO results unless named in `includefield`. */
  StudyDescription: '00081030',
  /** (0008,103E) LO. */
  SeriesDescription: '0008103E',
  /** (0008,1190) UR: where the resource can be retrieved (PS3.18 10.6.3.3.1). */
  RetrieveURL: '00081190',
  /** (0010,0010) PN. */
  PatientName: '00100010',
  /** (0010,0020) LO: the PACS's patient id (an MRN or, at some trusts, the NHS number). */
  PatientID: '00100020',
  /** (0010,0021) LO: the assigning authority of PatientID. */
  IssuerOfPatientID: '00100021',
  /** (0010,0030) DA. */
  PatientBirthDate: '00100030',
  /** (0010,0040) CS: M, F or O (PS3.3 C.7.1.1). */
  PatientSex: '00100040',
  /** (0010,1002) SQ: further identifiers of the patient (PS3.3 C.7.1.1). */
  OtherPatientIDsSequence: '00101002',
  /** (0018,0015) CS. Orthanc omits it from series results unless named in `includefield`. */
  BodyPartExamined: '00180015',
  /** (0020,000D) UI. */
  StudyInstanceUID: '0020000D',
  /** (0020,000E) UI. */
  SeriesInstanceUID: '0020000E',
  /** (0020,0011) IS. */
  SeriesNumber: '00200011',
  /** (0020,1206) IS. */
  NumberOfStudyRelatedSeries: '00201206',
  /** (0020,1208) IS. */
  NumberOfStudyRelatedInstances: '00201208',
  /** (0020,1209) IS. */
  NumberOfSeriesRelatedInstances: '00201209',
} as const;

export type DicomKeyword = keyof typeof DicomTag;
export type DicomTagHex = (typeof DicomTag)[DicomKeyword];

/** Value Representations this client reads (PS3.5 6.2). */
export type DicomVr = 'AE' | 'AS' | 'CS' | 'DA' | 'DS' | 'DT' | 'IS' | 'LO' | 'LT' | 'PN' | 'SH' | 'SQ' | 'ST' | 'TM' | 'UI' | 'UR' | 'UT';

/** `(gggg,eeee)` as printed in the standard, for messages and logs. */
export function formatTag(tag: string): string {
  return `(${tag.slice(0, 4)},${tag.slice(4, 8)})`;
}
