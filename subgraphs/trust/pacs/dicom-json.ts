/**
 * Pure readers of the DICOM JSON Model (PS3.18 Annex F.2), as QIDO-RS returns it.
 *
 * Two kinds of bad input, handled differently on purpose:
 * - **structure** (the body is not an array of objects, an attribute is not `{vr, Value?}`,
 *   `Value` is not an array, a PN value is neither object nor string): the answer is not DICOM
 *   JSON, so `DicomJsonError` is thrown and the caller treats the PACS as unavailable;
 * - **content** (an IS that does not parse, an empty string): that one field reads as null and
 *   the rest of the row stands, so one odd value never hides a study.
 */
import { formatTag } from './dicom-tags.ts';

/** One attribute (PS3.18 F.2.2): `Value` is absent for an empty attribute (F.2.5). */
export interface DicomJsonAttribute {
  vr: string;
  Value?: unknown[];
  BulkDataURI?: string;
  InlineBinary?: string;
}

/** A data set: 8-hex-digit uppercase tags to attributes (PS3.18 F.2.1.1.2). */
export type DicomJsonDataset = Record<string, DicomJsonAttribute>;

/** The answer is not DICOM JSON. `path` says where, e.g. `[3].00100010.Value[0]`. */
export class DicomJsonError extends Error {
  override readonly name = 'DicomJsonError';
  readonly path: string;
  constructor(path: string, message: string) {
    super(`Not DICOM JSON at ${path || 'top level'}: ${message}`);
    this.path = path;
  }
}

/** One component group of a PN (PS3.5 6.2.1.1): `family^given^middle^prefix^suffix`. */
export interface PersonNameComponents {
  family: string | null;
  given: string | null;
  middle: string | null;
  prefix: string | null;
  suffix: string | null;
}

/** A PN value (PS3.18 F.2.2): up to three component groups. */
export interface DicomPersonName {
  alphabetic: PersonNameComponents | null;
  ideographic: PersonNameComponents | null;
  phonetic: PersonNameComponents | null;
}

const TAG = /^[0-9A-Fa-f]{8}$/;
const VR = /^[A-Z]{2}$/;

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  return typeof v === 'object' ? 'an object' : `a ${typeof v}`;
}

/**
 * Checks that a parsed QIDO-RS body is an array of DICOM JSON data sets (PS3.18 F.2.1) and
 * returns it with tags uppercased (F.2.1.1.2 requires uppercase; some servers send lowercase).
 * @throws DicomJsonError
 */
export function readDicomJsonArray(body: unknown): DicomJsonDataset[] {
  if (!Array.isArray(body)) throw new DicomJsonError('', `expected an array of data sets, got ${describe(body)}`);
  return body.map((row, i) => readDataset(row, `[${i}]`));
}

function readDataset(row: unknown, path: string): DicomJsonDataset {
  if (!isPlainObject(row)) throw new DicomJsonError(path, `expected a data set object, got ${describe(row)}`);
  const out: DicomJsonDataset = {};
  for (const [key, attr] of Object.entries(row)) {
    if (!TAG.test(key)) throw new DicomJsonError(path, `key ${JSON.stringify(key.slice(0, 20))} is not an 8-hex-digit tag`);
    const at = `${path}.${key}`;
    if (!isPlainObject(attr)) throw new DicomJsonError(at, `expected an attribute object, got ${describe(attr)}`);
    if (typeof attr['vr'] !== 'string' || !VR.test(attr['vr'])) throw new DicomJsonError(at, 'missing or invalid "vr"');
    if (attr['Value'] !== undefined && !Array.isArray(attr['Value'])) {
      throw new DicomJsonError(at, `"Value" must be an array, got ${describe(attr['Value'])}`);
    }
    out[key.toUpperCase()] = attr as unknown as DicomJsonAttribute;
  }
  return out;
}

/** The values of an attribute; `[]` when absent, empty, or bulk data. */
export function readValues(ds: DicomJsonDataset, tag: string): unknown[] {
  return ds[tag]?.Value ?? [];
}

/** DICOM pads strings to even length with spaces (PS3.5 6.2); trailing ones carry no meaning. */
function cleanString(v: string): string | null {
  const t = v.trim();
  return t === '' ? null : t;
}

function stringAt(v: unknown, path: string): string | null {
  if (v === null || v === undefined) return null; // F.2.5: null marks an empty value in a list
  if (typeof v === 'string') return cleanString(v);
  if (typeof v === 'number' && Number.isFinite(v)) return String(v);
  throw new DicomJsonError(path, `expected a string, got ${describe(v)}`);
}

/** The first value of a string attribute (CS, LO, SH, UI, DA, TM…), trimmed; null when empty. */
export function readString(ds: DicomJsonDataset, tag: string): string | null {
  const values = readValues(ds, tag);
  return values.length === 0 ? null : stringAt(values[0], `${formatTag(tag)}.Value[0]`);
}

/** Every non-empty value of a multi-valued string attribute (e.g. ModalitiesInStudy), in order. */
export function readStrings(ds: DicomJsonDataset, tag: string): string[] {
  const out: string[] = [];
  readValues(ds, tag).forEach((v, i) => {
    const s = stringAt(v, `${formatTag(tag)}.Value[${i}]`);
    if (s !== null) out.push(s);
  });
  return out;
}

/**
 * The first value of an IS or DS attribute. PS3.18 F.2.3 encodes them as JSON numbers, but
 * servers also send the DICOM string form (`" 12"`, `"1.5e2"`); both are read. A string that is
 * not a number reads as null (content problem); an object is a structure problem.
 */
export function readNumber(ds: DicomJsonDataset, tag: string): number | null {
  const values = readValues(ds, tag);
  if (values.length === 0) return null;
  const v = values[0];
  if (v === null || v === undefined) return null;
  if (typeof v === 'number') return Number.isFinite(v) ? v : null;
  if (typeof v === 'string') {
    const t = v.trim();
    if (t === '' || !/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(t)) return null;
    return Number(t);
  }
  throw new DicomJsonError(`${formatTag(tag)}.Value[0]`, `expected a number, got ${describe(v)}`);
}

/** An IS value (PS3.5 6.2: an integer); null when absent or not an integer. */
export function readInteger(ds: DicomJsonDataset, tag: string): number | null {
  const n = readNumber(ds, tag);
  return n !== null && Number.isSafeInteger(n) ? n : null;
}

/** Splits one PN component group on `^` (PS3.5 6.2.1.1); null when every component is empty. */
export function parsePersonNameGroup(group: string): PersonNameComponents | null {
  const [family, given, middle, prefix, suffix] = group.split('^').map((c) => cleanString(c));
  const parts: PersonNameComponents = {
    family: family ?? null,
    given: given ?? null,
    middle: middle ?? null,
    prefix: prefix ?? null,
    suffix: suffix ?? null,
  };
  return Object.values(parts).some((c) => c !== null) ? parts : null;
}

/**
 * The first value of a PN attribute. PS3.18 F.2.2 gives an object of up to three groups;
 * some servers send the PS3.5 string form `Alphabetic=Ideographic=Phonetic` instead, which is
 * read the same way.
 */
export function readPersonName(ds: DicomJsonDataset, tag: string): DicomPersonName | null {
  const values = readValues(ds, tag);
  if (values.length === 0 || values[0] === null) return null;
  const v = values[0];
  const path = `${formatTag(tag)}.Value[0]`;
  let groups: [unknown, unknown, unknown];
  if (typeof v === 'string') {
    const [a, i, p] = v.split('=');
    groups = [a, i, p];
  } else if (isPlainObject(v)) {
    groups = [v['Alphabetic'], v['Ideographic'], v['Phonetic']];
  } else {
    throw new DicomJsonError(path, `expected a person name object, got ${describe(v)}`);
  }
  const [alphabetic, ideographic, phonetic] = groups.map((g, i) => {
    if (g === undefined || g === null) return null;
    if (typeof g !== 'string') throw new DicomJsonError(`${path}[${i}]`, `expected a string component group, got ${describe(g)}`);
    return parsePersonNameGroup(g);
  }) as [PersonNameComponents | null, PersonNameComponents | null, PersonNameComponents | null];
  if (!alphabetic && !ideographic && !phonetic) return null;
  return { alphabetic, ideographic, phonetic };
}
