/**
 * A small DICOM Part 10 file writer (PS3.10 §7), enough to store the simulated world in a real
 * PACS: a header-only instance of one `SimStudy` series, with no Pixel Data (Orthanc stores such
 * objects as they are, like the dcmtk fixtures in test/helpers/dicom-fixtures.ts).
 *
 * Encoding: Explicit VR Little Endian (PS3.5 §A.2, UID 1.2.840.10008.1.2.1) for both the File
 * Meta Information (required by PS3.10 §7.1) and the data set, text in UTF-8 as Specific
 * Character Set `ISO_IR 192` says (PS3.3 C.12.1.1.2).
 */
import { deterministicUid, instanceUid } from './study-uid.ts';
import type { SimSeries, SimStudy } from './sim-study.ts';

/** Value Representations this writer encodes (PS3.5 §6.2). */
export type WritableVr = 'CS' | 'DA' | 'DS' | 'IS' | 'LO' | 'OB' | 'OW' | 'PN' | 'SH' | 'SQ' | 'TM' | 'UI' | 'UL' | 'US';

/** One data element; `tag` is `0xGGGGEEEE`. A multi-valued string is a `string[]` (PS3.5 §6.4). */
export type DicomElement =
  | { tag: number; vr: Exclude<WritableVr, 'OB' | 'OW' | 'SQ' | 'UL' | 'US'>; value: string | readonly string[] }
  | { tag: number; vr: 'OB' | 'OW'; value: Uint8Array }
  | { tag: number; vr: 'US'; value: number }
  | { tag: number; vr: 'UL'; value: number }
  | { tag: number; vr: 'SQ'; value: readonly (readonly DicomElement[])[] };

/** Explicit VR Little Endian (PS3.5 §A.2). */
export const EXPLICIT_VR_LITTLE_ENDIAN = '1.2.840.10008.1.2.1';

/** (0002,0012) Implementation Class UID: identifies this writer (PS3.7 D.3.3.2), stable. */
export const IMPLEMENTATION_CLASS_UID = deterministicUid('imaging-network', 'dicom-part10-writer');
/** (0002,0013) Implementation Version Name, SH (at most 16 characters). */
const IMPLEMENTATION_VERSION_NAME = 'IMAGINGNET_01';

/**
 * VRs whose explicit-VR header has 2 reserved bytes and a 4-byte length (PS3.5 §7.1.2,
 * Table 7.1-1); every other VR has a 2-byte length.
 */
const LONG_LENGTH_VRS = new Set(['OB', 'OD', 'OF', 'OL', 'OV', 'OW', 'SQ', 'SV', 'UC', 'UN', 'UR', 'UT', 'UV']);

/** PS3.5 §9.1: UID components are digits without leading zeros, joined by `.`, 64 bytes at most. */
const UID_PATTERN = /^(0|[1-9][0-9]*)(\.(0|[1-9][0-9]*))*$/;

/** Maximum lengths in characters for the string VRs we write (PS3.5 §6.2, Table 6.2-1). */
const MAX_LENGTH: Partial<Record<WritableVr, number>> = { CS: 16, DA: 8, DS: 16, IS: 12, LO: 64, SH: 16, TM: 14, UI: 64 };

function formatTag(tag: number): string {
  return `(${(tag >>> 16).toString(16).padStart(4, '0')},${(tag & 0xffff).toString(16).padStart(4, '0')})`.toUpperCase();
}

function checkValue(el: { tag: number; vr: WritableVr }, value: string): void {
  const max = MAX_LENGTH[el.vr];
  if (max !== undefined && [...value].length > max) {
    throw new Error(`${formatTag(el.tag)} ${el.vr} value ${JSON.stringify(value)} is longer than ${max} characters (PS3.5 Table 6.2-1)`);
  }
  if (el.vr === 'UI' && !UID_PATTERN.test(value)) throw new Error(`${formatTag(el.tag)} is not a valid UID (PS3.5 §9.1): ${JSON.stringify(value)}`);
  if (value.includes('\\') && el.vr !== 'PN') throw new Error(`${formatTag(el.tag)} value holds the value separator \\: ${JSON.stringify(value)}`);
}

/**
 * A value field padded to even length (PS3.5 §7.1.1, §6.2): UI and OB with a trailing NUL,
 * the other string VRs with a trailing SPACE.
 */
function valueBytes(el: DicomElement): Buffer {
  switch (el.vr) {
    case 'UL': {
      const b = Buffer.alloc(4);
      b.writeUInt32LE(el.value);
      return b;
    }
    case 'US': {
      const b = Buffer.alloc(2);
      b.writeUInt16LE(el.value);
      return b;
    }
    case 'OB':
    case 'OW':
      // OW is 16-bit words, little endian here (PS3.5 §A.2): callers give the bytes as stored.
      if (el.vr === 'OW' && el.value.length % 2 !== 0) throw new Error(`${formatTag(el.tag)} OW value has an odd number of bytes`);
      return el.value.length % 2 === 0 ? Buffer.from(el.value.buffer, el.value.byteOffset, el.value.byteLength) : Buffer.concat([el.value, Buffer.from([0])]);
    case 'SQ':
      return sequenceBytes(el.value);
    default: {
      const values = typeof el.value === 'string' ? [el.value] : el.value;
      for (const v of values) checkValue(el, v);
      const text = Buffer.from(values.join('\\'), 'utf8');
      if (text.length % 2 === 0) return text;
      return Buffer.concat([text, Buffer.from([el.vr === 'UI' ? 0x00 : 0x20])]);
    }
  }
}

/**
 * A sequence of explicit-length items (PS3.5 §7.5.1): each item is the tag (FFFE,E000), a 4-byte
 * length and its data set, encoded with the same transfer syntax (explicit VR).
 */
function sequenceBytes(items: readonly (readonly DicomElement[])[]): Buffer {
  const parts: Buffer[] = [];
  for (const item of items) {
    const body = encodeDataSet(item);
    const head = Buffer.alloc(8);
    head.writeUInt16LE(0xfffe, 0);
    head.writeUInt16LE(0xe000, 2);
    head.writeUInt32LE(body.length, 4);
    parts.push(head, body);
  }
  return Buffer.concat(parts);
}

/** One element in Explicit VR Little Endian (PS3.5 §7.1.2). */
function encodeElement(el: DicomElement): Buffer {
  const value = valueBytes(el);
  const long = LONG_LENGTH_VRS.has(el.vr);
  if (!long && value.length > 0xfffe) throw new Error(`${formatTag(el.tag)} ${el.vr} value is too long for a 2-byte length`);
  const head = Buffer.alloc(long ? 12 : 8);
  head.writeUInt16LE(el.tag >>> 16, 0);
  head.writeUInt16LE(el.tag & 0xffff, 2);
  head.write(el.vr, 4, 'latin1');
  if (long) head.writeUInt32LE(value.length, 8);
  else head.writeUInt16LE(value.length, 6);
  return Buffer.concat([head, value]);
}

/**
 * A data set: elements in ascending tag order (PS3.5 §7.1), each tag at most once. Sorted here so
 * callers can list attributes in whatever order reads best.
 */
export function encodeDataSet(elements: readonly DicomElement[]): Buffer {
  const sorted = [...elements].sort((a, b) => (a.tag >>> 0) - (b.tag >>> 0));
  for (let i = 1; i < sorted.length; i++) {
    if (sorted[i]!.tag === sorted[i - 1]!.tag) throw new Error(`${formatTag(sorted[i]!.tag)} appears twice in one data set`);
  }
  return Buffer.concat(sorted.map(encodeElement));
}

/**
 * A whole Part 10 file (PS3.10 §7.1): a 128-byte zero preamble, the prefix `DICM`, then the File
 * Meta Information (group 0002, PS3.10 Table 7.1-1) led by its group length (0002,0000), then the
 * data set. The data set must hold SOP Class UID (0008,0016) and SOP Instance UID (0008,0018):
 * the meta group's Media Storage UIDs repeat them.
 */
export function writeDicomPart10(dataSet: readonly DicomElement[]): Buffer {
  const uid = (tag: number): string => {
    const el = dataSet.find((e) => e.tag === tag);
    if (!el || el.vr !== 'UI' || typeof el.value !== 'string') throw new Error(`the data set has no ${formatTag(tag)} UI value`);
    return el.value;
  };
  const meta = encodeDataSet([
    { tag: 0x00020001, vr: 'OB', value: Uint8Array.of(0x00, 0x01) },
    { tag: 0x00020002, vr: 'UI', value: uid(0x00080016) },
    { tag: 0x00020003, vr: 'UI', value: uid(0x00080018) },
    { tag: 0x00020010, vr: 'UI', value: EXPLICIT_VR_LITTLE_ENDIAN },
    { tag: 0x00020012, vr: 'UI', value: IMPLEMENTATION_CLASS_UID },
    { tag: 0x00020013, vr: 'SH', value: IMPLEMENTATION_VERSION_NAME },
  ]);
  const groupLength = encodeElement({ tag: 0x00020000, vr: 'UL', value: meta.length });
  const preamble = Buffer.alloc(128);
  return Buffer.concat([preamble, Buffer.from('DICM', 'latin1'), groupLength, meta, encodeDataSet(dataSet)]);
}

/** A string element, or nothing when the value is empty (an absent Type 3 attribute). */
function text(tag: number, vr: Exclude<WritableVr, 'OB' | 'OW' | 'SQ' | 'UL' | 'US'>, value: string | number | null | undefined): DicomElement[] {
  if (value === null || value === undefined || value === '') return [];
  return [{ tag, vr, value: String(value) }];
}

/**
 * The data set of instance `n` (1-based) of one series of a simulated study: the patient, study
 * and series attributes the DICOMweb simulator returns (simulator/dicom-attributes.ts), so a
 * real PACS answers QIDO-RS and WADO-RS metadata with the same values.
 */
export function simInstanceDataSet(study: SimStudy, series: SimSeries, n: number): DicomElement[] {
  if (!Number.isInteger(n) || n < 1) throw new Error(`instance number must be a positive integer; got ${n}`);
  return [
    // PS3.3 C.12.1.1.2: UTF-8, so names such as Zoë survive.
    { tag: 0x00080005, vr: 'CS', value: 'ISO_IR 192' },
    { tag: 0x00080016, vr: 'UI', value: series.sopClassUid },
    { tag: 0x00080018, vr: 'UI', value: instanceUid(series.seriesInstanceUid, n) },
    ...text(0x00080020, 'DA', study.studyDate),
    ...text(0x00080030, 'TM', study.studyTime),
    // Accession Number is Type 2 in the General Study module (PS3.3 C.7.2.1): present, maybe empty.
    { tag: 0x00080050, vr: 'SH', value: study.accessionNumber },
    { tag: 0x00080060, vr: 'CS', value: series.modality },
    ...text(0x00080080, 'LO', study.institutionName),
    { tag: 0x00080090, vr: 'PN', value: study.referringPhysicianName },
    ...text(0x00080201, 'SH', study.timezoneOffsetFromUtc),
    ...text(0x00081030, 'LO', study.studyDescription),
    ...text(0x0008103e, 'LO', series.seriesDescription),
    { tag: 0x00100010, vr: 'PN', value: study.patientName },
    { tag: 0x00100020, vr: 'LO', value: study.patientId },
    ...text(0x00100021, 'LO', study.issuerOfPatientId),
    { tag: 0x00100030, vr: 'DA', value: study.patientBirthDate },
    { tag: 0x00100040, vr: 'CS', value: study.patientSex },
    // Other Patient IDs Sequence (0010,1002), PS3.3 C.7.1.1: the NHS number as a further
    // identifier, Type of Patient ID (0010,0022) TEXT; the retired (0010,1000) is not written.
    ...(study.nhsNumber
      ? [{
          tag: 0x00101002,
          vr: 'SQ' as const,
          value: [[
            { tag: 0x00100020, vr: 'LO' as const, value: study.nhsNumber },
            { tag: 0x00100021, vr: 'LO' as const, value: 'NHS' },
            { tag: 0x00100022, vr: 'CS' as const, value: 'TEXT' },
          ]],
        }]
      : []),
    ...text(0x00180015, 'CS', series.bodyPartExamined),
    { tag: 0x0020000d, vr: 'UI', value: study.studyInstanceUid },
    { tag: 0x0020000e, vr: 'UI', value: series.seriesInstanceUid },
    { tag: 0x00200010, vr: 'SH', value: study.studyId },
    { tag: 0x00200011, vr: 'IS', value: String(series.seriesNumber) },
    { tag: 0x00200013, vr: 'IS', value: String(n) },
  ];
}

/** Instance `n` (1-based) of a simulated series as a Part 10 file, ready for `POST /instances`. */
export function simInstanceFile(study: SimStudy, series: SimSeries, n: number): Buffer {
  return writeDicomPart10(simInstanceDataSet(study, series, n));
}
