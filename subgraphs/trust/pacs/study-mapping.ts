/**
 * QIDO-RS study and series rows (DICOM JSON, PS3.18 F.2) as the typed rows the trust's resolvers
 * join with RIS orders. Pure: no I/O, no clock.
 */
import type { SexValue } from '../../../schema/generated/enums.ts';
import { DicomTag } from './dicom-tags.ts';
import {
  readInteger,
  readPersonName,
  readString,
  readStrings,
  type DicomJsonDataset,
  type DicomPersonName,
} from './dicom-json.ts';
import { dicomDateTimeToIso, dicomDateToIso } from './dicom-datetime.ts';

/** `Sex` (network.graphql), as DICOM PatientSex maps to it. */
export type PacsSex = SexValue;

export interface PacsStudy {
  studyInstanceUid: string;
  accessionNumber: string | null;
  patientId: string | null;
  issuerOfPatientId: string | null;
  patientName: { family: string | null; given: string[] } | null;
  /** YYYY-MM-DD */
  birthDate: string | null;
  sex: PacsSex | null;
  modalities: string[];
  description: string | null;
  /** StudyDate + StudyTime as ISO 8601 with offset. */
  performedAt: string | null;
  imageCount: number | null;
  seriesCount: number | null;
}

export interface PacsSeries {
  studyInstanceUid: string;
  seriesInstanceUid: string;
  /** As the PACS gave it, uppercased; `OT` when absent (PS3.3 C.7.3.1.1.1 "Other"). */
  modality: string;
  number: number | null;
  description: string | null;
  bodyPart: string | null;
  instanceCount: number | null;
}

export interface StudyMappingOptions {
  /** IANA zone of the PACS's local times. @default 'Europe/London' */
  timezone?: string;
}

/** Rows mapped, and how many were skipped because they lack the UIDs that key them. */
export interface Mapped<T> {
  rows: T[];
  skipped: number;
}

/**
 * Patient Sex (0010,0040), PS3.3 C.7.1.1: enumerated values M, F, O. Anything else a PACS holds
 * (`U`, lowercase, free text) is UNKNOWN; an empty value is null (not known to the PACS).
 */
export function mapPatientSex(value: string | null): PacsSex | null {
  if (value === null) return null;
  switch (value.toUpperCase()) {
    case 'F':
      return 'FEMALE';
    case 'M':
      return 'MALE';
    case 'O':
      return 'OTHER';
    default:
      return 'UNKNOWN';
  }
}

/**
 * The name as the network shows it: the alphabetic group (PS3.5 6.2.1.2: the one for Latin
 * scripts, the NHS's), else ideographic, else phonetic. Given names are the given and middle
 * components in order.
 */
export function mapPersonName(pn: DicomPersonName | null): PacsStudy['patientName'] {
  const group = pn?.alphabetic ?? pn?.ideographic ?? pn?.phonetic ?? null;
  if (!group) return null;
  const given = [group.given, group.middle].filter((g): g is string => g !== null);
  if (group.family === null && given.length === 0) return null;
  return { family: group.family, given };
}

function upperUnique(values: string[]): string[] {
  return [...new Set(values.map((v) => v.toUpperCase()))];
}

/** One study row (PS3.18 10.6.3.3.1 study result attributes); null when it has no UID. */
export function mapStudy(ds: DicomJsonDataset, options: StudyMappingOptions = {}): PacsStudy | null {
  const studyInstanceUid = readString(ds, DicomTag.StudyInstanceUID);
  if (studyInstanceUid === null) return null;
  return {
    studyInstanceUid,
    accessionNumber: readString(ds, DicomTag.AccessionNumber),
    patientId: readString(ds, DicomTag.PatientID),
    issuerOfPatientId: readString(ds, DicomTag.IssuerOfPatientID),
    patientName: mapPersonName(readPersonName(ds, DicomTag.PatientName)),
    birthDate: dicomDateToIso(readString(ds, DicomTag.PatientBirthDate)),
    sex: mapPatientSex(readString(ds, DicomTag.PatientSex)),
    modalities: upperUnique(readStrings(ds, DicomTag.ModalitiesInStudy)),
    description: readString(ds, DicomTag.StudyDescription),
    performedAt: dicomDateTimeToIso(readString(ds, DicomTag.StudyDate), readString(ds, DicomTag.StudyTime), {
      timezone: options.timezone ?? 'Europe/London',
      timezoneOffset: readString(ds, DicomTag.TimezoneOffsetFromUTC),
    }),
    imageCount: readInteger(ds, DicomTag.NumberOfStudyRelatedInstances),
    seriesCount: readInteger(ds, DicomTag.NumberOfStudyRelatedSeries),
  };
}

/** One series row (PS3.18 10.6.3.3.2); null when it lacks its own or its study's UID. */
export function mapSeries(ds: DicomJsonDataset): PacsSeries | null {
  const studyInstanceUid = readString(ds, DicomTag.StudyInstanceUID);
  const seriesInstanceUid = readString(ds, DicomTag.SeriesInstanceUID);
  if (studyInstanceUid === null || seriesInstanceUid === null) return null;
  return {
    studyInstanceUid,
    seriesInstanceUid,
    modality: readString(ds, DicomTag.Modality)?.toUpperCase() ?? 'OT',
    number: readInteger(ds, DicomTag.SeriesNumber),
    description: readString(ds, DicomTag.SeriesDescription),
    bodyPart: readString(ds, DicomTag.BodyPartExamined),
    instanceCount: readInteger(ds, DicomTag.NumberOfSeriesRelatedInstances),
  };
}

function mapAll<T>(rows: readonly DicomJsonDataset[], map: (ds: DicomJsonDataset) => T | null): Mapped<T> {
  const out: T[] = [];
  let skipped = 0;
  for (const ds of rows) {
    const row = map(ds);
    if (row === null) skipped++;
    else out.push(row);
  }
  return { rows: out, skipped };
}

/** Maps study rows, skipping (and counting) those without a StudyInstanceUID. */
export function mapStudies(rows: readonly DicomJsonDataset[], options: StudyMappingOptions = {}): Mapped<PacsStudy> {
  return mapAll(rows, (ds) => mapStudy(ds, options));
}

/** Maps series rows, skipping (and counting) those without their UIDs. */
export function mapSeriesRows(rows: readonly DicomJsonDataset[]): Mapped<PacsSeries> {
  return mapAll(rows, mapSeries);
}
