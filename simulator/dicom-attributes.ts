import { instanceCountOfStudy, modalitiesInStudy, type SimSeries, type SimStudy } from './sim-study.ts';
import { instanceUid } from './study-uid.ts';

/** The three QIDO-RS query levels (PS3.18 10.6.1.2). */
export type QueryLevel = 'study' | 'series' | 'instance';

/** What an attribute is read from: the study, with the series and instance below it when known. */
export interface DicomRow {
  study: SimStudy;
  series?: SimSeries;
  /** 1-based instance number. */
  instance?: number;
}

/** A DICOM JSON attribute value (PS3.18 F.2.2). */
export type DicomJsonValue = string | number | { Alphabetic: string } | DicomJsonObject;
export interface DicomJsonAttribute {
  vr: string;
  Value?: DicomJsonValue[];
}
export type DicomJsonObject = Record<string, DicomJsonAttribute>;

export interface AttributeDef {
  /** 8 hex digits, uppercase (PS3.18 F.2.1.1.2). */
  tag: string;
  /** PS3.6 keyword. */
  keyword: string;
  /** PS3.5 6.2 value representation. */
  vr: 'CS' | 'DA' | 'TM' | 'SH' | 'LO' | 'PN' | 'UI' | 'IS' | 'SQ' | 'UR';
  /** Lowest level the attribute belongs to. */
  level: QueryLevel;
  /** Returned by QIDO at its level without `includefield`. */
  default: boolean;
  /** Values (strings for text, numbers for IS, objects for SQ); empty when absent. */
  read(row: DicomRow): (string | number | DicomJsonObject)[];
}

const s = (v: string | null | undefined): string[] => (v ? [v] : []);

/**
 * Attributes the simulated PACS knows (PS3.6 tags), with the level they belong to and whether
 * QIDO returns them by default (PS3.18 10.6.3.3, tables 10.6.3-3/-4/-5).
 */
export const ATTRIBUTES: readonly AttributeDef[] = [
  { tag: '00080005', keyword: 'SpecificCharacterSet', vr: 'CS', level: 'study', default: true, read: () => ['ISO_IR 192'] },
  { tag: '00080020', keyword: 'StudyDate', vr: 'DA', level: 'study', default: true, read: (r) => s(r.study.studyDate) },
  { tag: '00080030', keyword: 'StudyTime', vr: 'TM', level: 'study', default: true, read: (r) => s(r.study.studyTime) },
  { tag: '00080050', keyword: 'AccessionNumber', vr: 'SH', level: 'study', default: true, read: (r) => s(r.study.accessionNumber) },
  { tag: '00080056', keyword: 'InstanceAvailability', vr: 'CS', level: 'study', default: true, read: () => ['ONLINE'] },
  { tag: '00080061', keyword: 'ModalitiesInStudy', vr: 'CS', level: 'study', default: true, read: (r) => modalitiesInStudy(r.study) },
  { tag: '00080080', keyword: 'InstitutionName', vr: 'LO', level: 'study', default: false, read: (r) => s(r.study.institutionName) },
  { tag: '00080090', keyword: 'ReferringPhysicianName', vr: 'PN', level: 'study', default: true, read: (r) => s(r.study.referringPhysicianName) },
  { tag: '00080201', keyword: 'TimezoneOffsetFromUTC', vr: 'SH', level: 'study', default: true, read: (r) => s(r.study.timezoneOffsetFromUtc) },
  // Orthanc leaves StudyDescription out unless asked; this simulator always returns it.
  { tag: '00081030', keyword: 'StudyDescription', vr: 'LO', level: 'study', default: true, read: (r) => s(r.study.studyDescription) },
  { tag: '00100010', keyword: 'PatientName', vr: 'PN', level: 'study', default: true, read: (r) => s(r.study.patientName) },
  { tag: '00100020', keyword: 'PatientID', vr: 'LO', level: 'study', default: true, read: (r) => s(r.study.patientId) },
  { tag: '00100021', keyword: 'IssuerOfPatientID', vr: 'LO', level: 'study', default: true, read: (r) => s(r.study.issuerOfPatientId) },
  { tag: '00100030', keyword: 'PatientBirthDate', vr: 'DA', level: 'study', default: true, read: (r) => s(r.study.patientBirthDate) },
  { tag: '00100040', keyword: 'PatientSex', vr: 'CS', level: 'study', default: true, read: (r) => s(r.study.patientSex) },
  {
    tag: '00101002', keyword: 'OtherPatientIDsSequence', vr: 'SQ', level: 'study', default: false,
    read: (r) =>
      r.study.nhsNumber
        ? [{
            '00100020': { vr: 'LO', Value: [r.study.nhsNumber] },
            '00100021': { vr: 'LO', Value: ['NHS'] },
            '00100022': { vr: 'CS', Value: ['TEXT'] },
          }]
        : [],
  },
  { tag: '0020000D', keyword: 'StudyInstanceUID', vr: 'UI', level: 'study', default: true, read: (r) => [r.study.studyInstanceUid] },
  { tag: '00200010', keyword: 'StudyID', vr: 'SH', level: 'study', default: true, read: (r) => s(r.study.studyId) },
  { tag: '00201206', keyword: 'NumberOfStudyRelatedSeries', vr: 'IS', level: 'study', default: true, read: (r) => [r.study.series.length] },
  { tag: '00201208', keyword: 'NumberOfStudyRelatedInstances', vr: 'IS', level: 'study', default: true, read: (r) => [instanceCountOfStudy(r.study)] },
  { tag: '00080060', keyword: 'Modality', vr: 'CS', level: 'series', default: true, read: (r) => s(r.series?.modality) },
  { tag: '0008103E', keyword: 'SeriesDescription', vr: 'LO', level: 'series', default: true, read: (r) => s(r.series?.seriesDescription) },
  { tag: '00180015', keyword: 'BodyPartExamined', vr: 'CS', level: 'series', default: true, read: (r) => s(r.series?.bodyPartExamined) },
  { tag: '0020000E', keyword: 'SeriesInstanceUID', vr: 'UI', level: 'series', default: true, read: (r) => s(r.series?.seriesInstanceUid) },
  { tag: '00200011', keyword: 'SeriesNumber', vr: 'IS', level: 'series', default: true, read: (r) => (r.series ? [r.series.seriesNumber] : []) },
  { tag: '00201209', keyword: 'NumberOfSeriesRelatedInstances', vr: 'IS', level: 'series', default: true, read: (r) => (r.series ? [r.series.instanceCount] : []) },
  { tag: '00080016', keyword: 'SOPClassUID', vr: 'UI', level: 'instance', default: true, read: (r) => s(r.series?.sopClassUid) },
  {
    tag: '00080018', keyword: 'SOPInstanceUID', vr: 'UI', level: 'instance', default: true,
    read: (r) => (r.series && r.instance ? [instanceUid(r.series.seriesInstanceUid, r.instance)] : []),
  },
  { tag: '00200013', keyword: 'InstanceNumber', vr: 'IS', level: 'instance', default: true, read: (r) => (r.instance ? [r.instance] : []) },
];

const BY_KEY = new Map<string, AttributeDef>();
for (const a of ATTRIBUTES) {
  BY_KEY.set(a.tag, a);
  BY_KEY.set(a.keyword, a);
}

/** An attribute by keyword or tag (either case of hex), as QIDO accepts both (PS3.18 8.3.4.1). */
export function attributeByKey(key: string): AttributeDef | undefined {
  return BY_KEY.get(key) ?? BY_KEY.get(key.toUpperCase());
}

const LEVEL_RANK: Record<QueryLevel, number> = { study: 0, series: 1, instance: 2 };

/** Whether an attribute is readable at a level (its own level or above it). */
export function availableAt(a: AttributeDef, level: QueryLevel): boolean {
  return LEVEL_RANK[a.level] <= LEVEL_RANK[level];
}

/** The DICOM JSON form of one attribute (PS3.18 F.2.2: PN values are `{Alphabetic}` objects). */
export function toJsonAttribute(a: AttributeDef, row: DicomRow): DicomJsonAttribute {
  const values = a.read(row);
  if (values.length === 0) return { vr: a.vr };
  return { vr: a.vr, Value: values.map((v) => (a.vr === 'PN' ? { Alphabetic: String(v) } : v)) };
}

/** A DICOM JSON object of the given attributes, keys in tag order (PS3.18 F.2.1.1.2). */
/** Tag order of an attribute list plus extra keys, computed once per list (big archives: 10^5 rows per answer). */
const tagOrder = new WeakMap<readonly AttributeDef[], Map<string, Array<AttributeDef | string>>>();

export function toJsonObject(attrs: readonly AttributeDef[], row: DicomRow, extra: DicomJsonObject = {}): DicomJsonObject {
  const extraKeys = Object.keys(extra);
  let byExtra = tagOrder.get(attrs);
  if (!byExtra) tagOrder.set(attrs, (byExtra = new Map()));
  const signature = extraKeys.join(',');
  let order = byExtra.get(signature);
  if (!order) {
    const own = new Set(attrs.map((a) => a.tag));
    order = [...attrs, ...extraKeys.filter((k) => !own.has(k))].sort((x, y) => {
      const a = typeof x === 'string' ? x : x.tag;
      const b = typeof y === 'string' ? y : y.tag;
      return a < b ? -1 : a > b ? 1 : 0;
    });
    byExtra.set(signature, order);
  }
  const out: DicomJsonObject = {};
  for (const item of order) {
    if (typeof item === 'string') out[item] = extra[item]!;
    else out[item.tag] = toJsonAttribute(item, row);
  }
  return out;
}
