import { SeededRandom } from './seeded-random.ts';
import type { SimStudy } from './sim-study.ts';

/**
 * A large synthetic PACS archive, generated fast and held in memory, for tests and benches of the
 * study index at 10^5–10^6 studies (the DICOMweb simulator serves it). Synthetic patients only:
 * PatientIDs are NHS numbers in the 999 range (valid Modulus 11) or local MRNs. Times are UTC
 * (StudyDate/StudyTime with offset +0000), so the archive's days are UTC days.
 */
export interface SyntheticArchiveOptions {
  trust: string;
  count: number;
  /** Studies spread over this many days back from `now`. */
  days: number;
  /** "Now"; the newest study is at most a few hours before it. */
  now: Date;
  /** @default 1 */
  seed?: number;
  /** How many studies have no StudyDate/StudyTime at all. @default 0 */
  undated?: number;
  /** Distinct patients. @default count / 5 */
  patients?: number;
}

export interface SyntheticArchive {
  /** The PACS's internal order (insertion order; not by date, like Orthanc). */
  readonly studies: SimStudy[];
  /** Studies whose StudyDate is within [from, to] (YYYYMMDD, either end open), for the simulator's fast path. */
  inDateRange(from: string | undefined, to: string | undefined): SimStudy[];
  add(study: SimStudy): void;
  /** Removes a study; false when it was not there. */
  remove(studyInstanceUid: string): boolean;
}

export const ARCHIVE_MODALITIES = ['CR', 'CT', 'MR', 'US', 'DX', 'MG', 'NM', 'XA'] as const;
const MODALITY_WEIGHTS: ReadonlyArray<readonly [string, number]> = [
  ['CR', 30], ['CT', 20], ['MR', 12], ['US', 18], ['DX', 10], ['MG', 5], ['NM', 2], ['XA', 3],
];

/** The n-th synthetic NHS number in the 999 test range with a valid Modulus 11 check digit. */
export function syntheticNhsNumber(n: number): string {
  for (let k = n * 2; ; k++) {
    const body = `999${String(k % 1_000_000).padStart(6, '0')}`;
    let sum = 0;
    for (let i = 0; i < 9; i++) sum += Number(body[i]) * (10 - i);
    const check = 11 - (sum % 11);
    if (check === 10) continue;
    return `${body}${check === 11 ? 0 : check}`;
  }
}

function pad(n: number, width: number): string {
  return String(n).padStart(width, '0');
}

/** DICOM DA and TM of a UTC instant. */
export function utcDicomDateTime(ms: number): { date: string; time: string } {
  const d = new Date(ms);
  return {
    date: `${d.getUTCFullYear()}${pad(d.getUTCMonth() + 1, 2)}${pad(d.getUTCDate(), 2)}`,
    time: `${pad(d.getUTCHours(), 2)}${pad(d.getUTCMinutes(), 2)}${pad(d.getUTCSeconds(), 2)}`,
  };
}

/** One synthetic study at `ms` (null: no StudyDate), numbered `i`. */
export function syntheticStudy(trust: string, i: number, ms: number | null, modality: string, patientId: string): SimStudy {
  const dt = ms === null ? { date: '', time: '' } : utcDicomDateTime(ms);
  const uid = `2.25.${1_000_000_000 + i}`;
  return {
    trust,
    studyInstanceUid: uid,
    accessionNumber: `${trust}${pad(i, 9)}`,
    patientId,
    issuerOfPatientId: '',
    nhsNumber: null,
    patientName: `SYNTH^PATIENT${i % 997}`,
    patientBirthDate: '19700101',
    patientSex: i % 2 ? 'M' : 'F',
    studyDate: dt.date,
    studyTime: dt.time,
    timezoneOffsetFromUtc: ms === null ? '' : '+0000',
    performedAt: ms === null ? '' : new Date(ms).toISOString(),
    studyDescription: `${modality} examination`,
    studyId: String(i),
    referringPhysicianName: 'REFERRER^A',
    institutionName: 'Synthetic Trust',
    series: [{
      seriesInstanceUid: `${uid}.1`,
      seriesNumber: 1,
      modality,
      seriesDescription: `${modality} series`,
      bodyPartExamined: 'CHEST',
      sopClassUid: '1.2.840.10008.5.1.4.1.1.7',
      instanceCount: 1 + (i % 3),
    }],
  };
}

/**
 * The archive's studies one at a time, without holding them (seeding a 10^6-study store). The
 * same options give the same studies as `syntheticArchive`.
 */
export function* syntheticStudies(o: SyntheticArchiveOptions): Generator<SimStudy> {
  const random = new SeededRandom(o.seed ?? 1);
  const patients = Math.max(1, o.patients ?? Math.floor(o.count / 5));
  const span = o.days * 86_400_000;
  const newest = o.now.getTime() - 3_600_000;
  const undated = o.undated ?? 0;
  for (let i = 0; i < o.count; i++) {
    // Whole seconds: StudyTime (TM) carries no fraction here.
    const ms = i < undated ? null : Math.floor((newest - random.next() * span) / 1000) * 1000;
    const p = random.int(0, patients - 1);
    // Half the patients are known to the PACS by NHS number, half by a local MRN.
    const patientId = p % 2 === 0 ? syntheticNhsNumber(p) : `MRN${pad(p, 7)}`;
    yield syntheticStudy(o.trust, i, ms, random.weighted(MODALITY_WEIGHTS), patientId);
  }
}

export function syntheticArchive(o: SyntheticArchiveOptions): SyntheticArchive {
  const studies: SimStudy[] = [...syntheticStudies(o)];
  let byDate: SimStudy[] | undefined;
  const sorted = (): SimStudy[] => (byDate ??= studies.filter((s) => s.studyDate !== '').sort((a, b) => (a.studyDate < b.studyDate ? -1 : a.studyDate > b.studyDate ? 1 : 0)));
  const lowerBound = (list: SimStudy[], date: string): number => {
    let lo = 0;
    let hi = list.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (list[mid]!.studyDate < date) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
  return {
    studies,
    inDateRange(from, to) {
      const list = sorted();
      const start = from === undefined ? 0 : lowerBound(list, from);
      const end = to === undefined ? list.length : lowerBound(list, `${to}~`);
      return list.slice(start, end);
    },
    add(study) {
      studies.push(study);
      byDate = undefined;
    },
    remove(uid) {
      const i = studies.findIndex((s) => s.studyInstanceUid === uid);
      if (i < 0) return false;
      studies.splice(i, 1);
      byDate = undefined;
      return true;
    },
  };
}
