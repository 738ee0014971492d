/**
 * Synthetic DICOM instances for tests, written by dcmtk's `dump2dcm` from a text dump: Secondary
 * Capture objects (PS3.4 B.5, SOP Class 1.2.840.10008.5.1.4.1.1.7) with the patient, study and
 * series attributes QIDO-RS returns, and no pixel data (Orthanc stores them as they are).
 * Synthetic patients only. UIDs are `2.25.<random 128-bit integer>` (PS3.5 B.2: UUID-derived).
 */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dump2dcmPath } from './orthanc.ts';

export interface SyntheticSeriesSpec {
  modality: string;
  number?: number;
  description?: string;
  bodyPart?: string;
  instances: number;
}

export interface SyntheticStudySpec {
  patientId: string;
  /** DICOM PN form, e.g. `O'BRIEN^Zoë^Ann`. */
  patientName: string;
  /** DA `YYYYMMDD`. */
  birthDate?: string;
  /** M, F or O. */
  sex?: string;
  issuerOfPatientId?: string;
  accessionNumber?: string;
  /** DA `YYYYMMDD`. */
  studyDate: string;
  /** TM, e.g. `013000`. */
  studyTime?: string;
  /** Timezone Offset From UTC (0008,0201), e.g. `-0500`. */
  timezoneOffset?: string;
  description?: string;
  series: SyntheticSeriesSpec[];
}

/** A fresh UID under the `2.25.` root. */
export function syntheticUid(): string {
  return `2.25.${BigInt(`0x${randomBytes(16).toString('hex')}`).toString(10)}`;
}

/** A dump line; the value must not break dump2dcm's `[...]` syntax. */
function line(tag: string, vr: string, value: string | number | undefined): string {
  if (value === undefined) return '';
  const text = String(value);
  if (/[[\]\r\n]/.test(text)) throw new Error(`Fixture value for ${tag} holds [, ] or a newline: ${JSON.stringify(text)}`);
  return `(${tag}) ${vr} [${text}]\n`;
}

function instanceDump(spec: SyntheticStudySpec, series: SyntheticSeriesSpec, uids: { study: string; series: string; sop: string }, n: number): string {
  return [
    line('0002,0002', 'UI', '1.2.840.10008.5.1.4.1.1.7'),
    line('0002,0003', 'UI', uids.sop),
    line('0002,0010', 'UI', '1.2.840.10008.1.2.1'),
    line('0008,0005', 'CS', 'ISO_IR 192'),
    line('0008,0016', 'UI', '1.2.840.10008.5.1.4.1.1.7'),
    line('0008,0018', 'UI', uids.sop),
    line('0008,0020', 'DA', spec.studyDate),
    line('0008,0030', 'TM', spec.studyTime),
    line('0008,0050', 'SH', spec.accessionNumber),
    line('0008,0060', 'CS', series.modality),
    line('0008,0064', 'CS', 'WSD'),
    line('0008,0201', 'SH', spec.timezoneOffset),
    line('0008,1030', 'LO', spec.description),
    line('0008,103e', 'LO', series.description),
    line('0010,0010', 'PN', spec.patientName),
    line('0010,0020', 'LO', spec.patientId),
    line('0010,0021', 'LO', spec.issuerOfPatientId),
    line('0010,0030', 'DA', spec.birthDate),
    line('0010,0040', 'CS', spec.sex),
    line('0018,0015', 'CS', series.bodyPart),
    line('0020,000d', 'UI', uids.study),
    line('0020,000e', 'UI', uids.series),
    line('0020,0011', 'IS', series.number),
    line('0020,0013', 'IS', n),
  ].join('');
}

/** The DICOM files of one study (one file per instance), ready for `RunningOrthanc.upload`. */
export function syntheticStudy(spec: SyntheticStudySpec): { studyInstanceUid: string; seriesInstanceUids: string[]; files: Buffer[] } {
  const dump2dcm = dump2dcmPath();
  const dir = mkdtempSync(join(tmpdir(), 'dicom-fixture-'));
  const study = syntheticUid();
  const files: Buffer[] = [];
  const seriesInstanceUids: string[] = [];
  try {
    for (const series of spec.series) {
      const seriesUid = syntheticUid();
      seriesInstanceUids.push(seriesUid);
      for (let n = 1; n <= series.instances; n++) {
        const dumpPath = join(dir, `${files.length}.dump`);
        const dcmPath = join(dir, `${files.length}.dcm`);
        writeFileSync(dumpPath, instanceDump(spec, series, { study, series: seriesUid, sop: syntheticUid() }, n), 'utf8');
        execFileSync(dump2dcm, ['-q', '+te', dumpPath, dcmPath], { stdio: ['ignore', 'ignore', 'pipe'] });
        files.push(readFileSync(dcmPath));
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return { studyInstanceUid: study, seriesInstanceUids, files };
}
