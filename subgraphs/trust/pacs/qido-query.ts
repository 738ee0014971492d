/**
 * QIDO-RS query strings (PS3.18 8.3.4 query parameters, 10.6 Search Transaction), built by hand.
 *
 * Why not URLSearchParams: it percent-encodes `^` `,` `*` and turns spaces into `+`, and Orthanc
 * 1.10 (DICOMweb plugin 1.7) does not percent-decode QIDO values except `%2C`, so an encoded
 * value never matches. Node's fetch (WHATWG URL) then re-encodes space, `"`, `<`, `>`, `#` and
 * `'` itself. So a matching value is sent as follows:
 * - characters every server takes literally (letters, digits, `-._~!$():@/;=` and `^`, the PN
 *   component separator) go raw;
 * - any other ASCII character (space, `&`, `#`, `%`, `+`, `'`, `,` (a list separator, PS3.18
 *   8.3.4.1), `\` (the value separator, PS3.5 6.4)…) becomes the single-character wildcard `?`,
 *   and a run of non-ASCII characters becomes `*` (PS3.4 C.2.2.2.4 wildcard matching);
 * - the caller then keeps only rows whose value is exactly the one asked for (`exact: false`).
 * DICOM has no escape for a literal `*` or `?` in a value either (C.2.2.2.4), so a value holding
 * one is also marked inexact. Verified against the real Orthanc in test/integration/pacs-orthanc.
 */
import { DicomTag } from './dicom-tags.ts';

/** Result attributes always requested for studies (Orthanc drops StudyDescription otherwise). */
export const STUDY_INCLUDE_FIELDS: readonly string[] = [
  DicomTag.StudyDescription,
  DicomTag.ModalitiesInStudy,
  DicomTag.NumberOfStudyRelatedInstances,
  DicomTag.NumberOfStudyRelatedSeries,
  DicomTag.IssuerOfPatientID,
  DicomTag.TimezoneOffsetFromUTC,
  DicomTag.PatientBirthDate,
  DicomTag.PatientSex,
];

/** Result attributes always requested for series (Orthanc drops BodyPartExamined otherwise). */
export const SERIES_INCLUDE_FIELDS: readonly string[] = [
  DicomTag.StudyInstanceUID,
  DicomTag.BodyPartExamined,
  DicomTag.SeriesDescription,
  DicomTag.NumberOfSeriesRelatedInstances,
  DicomTag.SeriesNumber,
  DicomTag.Modality,
];

export interface QidoStudyQuery {
  /** Exact match (see `encodeMatchValue`). */
  accessionNumber?: string;
  /** Exact match (see `encodeMatchValue`). */
  patientId?: string;
  /** A PN pattern, `FAMILY^GIVEN` with `*`/`?` wildcards (PS3.4 C.2.2.2.4); matched by the server. */
  patientName?: string;
  /** Any of these modalities, as one list match (PS3.18 8.3.4.1). */
  modalities?: readonly string[] | undefined;
  /** YYYY-MM-DD, inclusive, on StudyDate (a local date). */
  dateFrom?: string;
  /** YYYY-MM-DD, inclusive. */
  dateTo?: string;
  /** UID list matching (PS3.4 C.2.2.2.2). */
  studyInstanceUids?: readonly string[];
  limit?: number;
  offset?: number;
}

export interface QidoSeriesQuery {
  /** UID list matching on StudyInstanceUID, at the `/series` resource (PS3.18 10.6.1). */
  studyInstanceUids: readonly string[];
  limit?: number;
  offset?: number;
}

export interface EncodedMatch {
  /** The value as it goes in the query string. */
  text: string;
  /** False when the server may return rows with another value (wildcards were needed). */
  exact: boolean;
}

const RAW = /[A-Za-z0-9\-._~!$():@/;=^]/;

/** Encodes one matching value (see the module comment). `keepWildcards` leaves `*`/`?` raw. */
export function encodeMatchValue(value: string, keepWildcards = true): EncodedMatch {
  let text = '';
  let exact = true;
  let inNonAscii = false;
  for (const ch of value) {
    const nonAscii = ch.codePointAt(0)! > 0x7e;
    if (nonAscii) {
      if (!inNonAscii) text += '*';
      inNonAscii = true;
      exact = false;
      continue;
    }
    inNonAscii = false;
    if (RAW.test(ch)) text += ch;
    else if ((ch === '*' || ch === '?') && keepWildcards) {
      text += ch;
      exact = false;
    } else {
      text += '?';
      exact = false;
    }
  }
  return { text, exact };
}

/**
 * An exact-match value (AccessionNumber, PatientID). DICOM has no escape for `*` and `?` (PS3.4
 * C.2.2.2.4), so a value holding one would be a wildcard match (an accession `*` was a full PACS
 * scan per alias: issue 15, finding 10); such a value is refused. Other characters the server
 * cannot take literally still become `?` and the caller keeps exact matches only.
 * @throws RangeError
 */
export function exactMatchValue(name: string, value: string): string {
  if (/[*?]/.test(value)) throw new RangeError(`${name}: wildcard characters (* ?) are not allowed in an exact-match value`);
  return encodeMatchValue(nonEmpty(name, value), false).text;
}

/** ISO `YYYY-MM-DD` → DA `YYYYMMDD` (PS3.5 6.2). @throws RangeError */
export function toDicomDate(iso: string): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso);
  const ok = m !== null && Number(m[2]) >= 1 && Number(m[2]) <= 12 && Number(m[3]) >= 1 &&
    Number(m[3]) <= new Date(Date.UTC(Number(m[1]), Number(m[2]), 0)).getUTCDate();
  if (!ok) throw new RangeError(`Not a YYYY-MM-DD date: ${JSON.stringify(iso)}`);
  return `${m[1]}${m[2]}${m[3]}`;
}

/** Range matching (PS3.4 C.2.2.2.5): `d1-d2`, `-d2`, `d1-`; a single date when both are equal. */
export function dateRangeMatch(from?: string, to?: string): string | undefined {
  if (from === undefined && to === undefined) return undefined;
  const d1 = from === undefined ? '' : toDicomDate(from);
  const d2 = to === undefined ? '' : toDicomDate(to);
  if (d1 !== '' && d1 === d2) return d1;
  return `${d1}-${d2}`;
}

/** UI (PS3.5 9.1): digits and dots, at most 64 characters. */
export function isDicomUid(uid: string): boolean {
  return uid.length > 0 && uid.length <= 64 && /^\d+(\.\d+)*$/.test(uid);
}

function uidList(uids: readonly string[]): string {
  if (uids.length === 0) throw new RangeError('A UID list needs at least one UID');
  for (const uid of uids) if (!isDicomUid(uid)) throw new RangeError(`Not a DICOM UID: ${JSON.stringify(uid.slice(0, 70))}`);
  return [...new Set(uids)].join(',');
}

/** CS (PS3.5 6.2): uppercase letters, digits, space, underscore; 16 characters at most. */
function modality(value: string): string {
  if (!/^[A-Z0-9_]{1,16}$/.test(value)) throw new RangeError(`Not a DICOM modality: ${JSON.stringify(value.slice(0, 20))}`);
  return value;
}

function nonEmpty(name: string, value: string): string {
  if (value === '') throw new RangeError(`${name} must not be empty (an empty value matches everything)`);
  return value;
}

function paging(params: string[], limit?: number, offset?: number): void {
  if (limit !== undefined) {
    if (!Number.isSafeInteger(limit) || limit < 1) throw new RangeError(`limit must be a positive integer, got ${limit}`);
    params.push(`limit=${limit}`);
  }
  if (offset !== undefined && offset !== 0) {
    if (!Number.isSafeInteger(offset) || offset < 0) throw new RangeError(`offset must be a non-negative integer, got ${offset}`);
    params.push(`offset=${offset}`);
  }
}

/** The query string (without `?`) of a Search for Studies (PS3.18 10.6.1, resource `/studies`). */
export function buildStudyQuery(q: QidoStudyQuery): string {
  const params: string[] = [];
  if (q.studyInstanceUids !== undefined) params.push(`StudyInstanceUID=${uidList(q.studyInstanceUids)}`);
  if (q.accessionNumber !== undefined) params.push(`AccessionNumber=${exactMatchValue('accessionNumber', q.accessionNumber)}`);
  if (q.patientId !== undefined) params.push(`PatientID=${exactMatchValue('patientId', q.patientId)}`);
  if (q.patientName !== undefined) params.push(`PatientName=${encodeMatchValue(nonEmpty('patientName', q.patientName)).text}`);
  if (q.modalities !== undefined && q.modalities.length > 0) {
    params.push(`ModalitiesInStudy=${[...new Set(q.modalities.map(modality))].join(',')}`);
  }
  const dates = dateRangeMatch(q.dateFrom, q.dateTo);
  if (dates !== undefined) params.push(`StudyDate=${dates}`);
  params.push(`includefield=${STUDY_INCLUDE_FIELDS.join(',')}`);
  paging(params, q.limit, q.offset);
  return params.join('&');
}

/** The query string of a Search for Series across studies (PS3.18 10.6.1, resource `/series`). */
export function buildSeriesQuery(q: QidoSeriesQuery): string {
  const params = [`StudyInstanceUID=${uidList(q.studyInstanceUids)}`, `includefield=${SERIES_INCLUDE_FIELDS.join(',')}`];
  paging(params, q.limit, q.offset);
  return params.join('&');
}

/**
 * Splits UIDs into lists whose joined length stays within `maxChars`, so a URL stays under the
 * ~8 KB request-line limit common HTTP servers enforce. Order is kept; duplicates are dropped.
 */
export function splitUidList(uids: readonly string[], maxChars: number): string[][] {
  const chunks: string[][] = [];
  let current: string[] = [];
  let length = 0;
  for (const uid of new Set(uids)) {
    const add = uid.length + (current.length > 0 ? 1 : 0);
    if (current.length > 0 && length + add > maxChars) {
      chunks.push(current);
      current = [];
      length = 0;
    }
    length += uid.length + (current.length > 0 ? 1 : 0);
    current.push(uid);
  }
  if (current.length > 0) chunks.push(current);
  return chunks;
}
