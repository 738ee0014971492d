import { Hl7MessageBuilder, hl7TimeIn, formatHl7Time, repeated, type Hl7FieldInput } from '../ris/hl7/index.ts';
import type { RisOrderRow, RisPatientRow } from '../store/read-model.ts';
import type { OrderNumbers, ReporterIdentity } from '../store/reporting-model.ts';

/** The receiving trust's dialect, from its config (`hl7.*`). */
export interface OruDialect {
  /** MSH-12 (table 0104). */
  version: '2.3' | '2.3.1' | '2.4' | '2.5' | '2.5.1';
  /** MSH-18. */
  charset: 'UNICODE UTF-8' | '8859/1';
  /** Where the trust's RIS reads the accession number (`hl7.accessionNumber`). */
  accessionNumber: 'auto' | 'OBR-18' | 'OBR-3' | 'OBR-2' | 'IPC-1';
  /** OBX-2 of report text (`hl7.reportText`). */
  reportText: 'TX' | 'FT';
  /** Where the NHS number goes (`hl7.nhsNumberIn`). */
  nhsNumberIn: 'PID-3' | 'PID-2' | 'none';
  /** IANA zone for MSH-7 and OBR-22. */
  timezone: string;
}

export interface OruInput {
  trust: string;
  dialect: OruDialect;
  /** MSH-10: stable for this version across every retry. */
  controlId: string;
  /** MSH-7: when the message was made. */
  createdAt: Date;
  order: RisOrderRow;
  numbers: OrderNumbers;
  patient: RisPatientRow | undefined;
  /** OBR-25, table 0123: P preliminary, F final, C correction of a final. */
  resultStatus: 'P' | 'F' | 'C';
  text: string;
  /** OBR-22, results report/status change time. */
  reportedAt: Date;
  reporter: ReporterIdentity;
}

/** The HL7 assigning authority of NHS numbers (HD: namespace & OID & ISO). */
const NHS_AUTHORITY = ['NHS', '2.16.840.1.113883.2.1.4.1', 'ISO'];

/** MSH-3, the network as a sender: the trust's RIS must allow it (`MSH-3/4`, DOMAIN.md). */
export const NETWORK_APPLICATION = 'IMAGING-NETWORK';

const SEX: Record<string, string> = { FEMALE: 'F', MALE: 'M', OTHER: 'O', UNKNOWN: 'U' };

/**
 * ORU^R01 (HL7 v2.5.1 ch. 7.3.1; v2.3 ch. 7.2) carrying one report version back to the trust's
 * RIS, in that trust's dialect:
 * - MSH-9 `ORU^R01` (plus MSH-9.3 `ORU_R01` from v2.3.1 on), MSH-12 the trust's version, MSH-18
 *   its charset; MSH-15/16 empty, so the RIS answers in original mode (AA/AE/AR, table 0008).
 * - PID-3 the MRN (CX-5 `MR`, CX-4 the trust) and the NHS number where the trust carries it
 *   (a PID-3 repetition or PID-2, CX-5 `NH`, the NHS assigning authority).
 * - ORC-1 `RE` (observations to follow), ORC-2/3 and OBR-2/3 the placer and filler order numbers.
 * - The accession where the trust's `hl7.accessionNumber` mode reads it: OBR-18, OBR-3 (filler)
 *   or OBR-2 (placer); `auto` and `IPC-1` use OBR-18, as ORU_R01 has no IPC segment.
 * - OBR-22 the report time, OBR-25 P/F/C (table 0123), OBR-32 the principal result interpreter
 *   `GMC&FAMILY&GIVEN` (v2.5 NDL / v2.3 CM: component 1, subcomponents ID, family, given).
 * - Text as OBX-2 `TX`, one OBX per line (an empty line an empty OBX-5), or one `FT` OBX whose
 *   lines the codec joins with `\.br\` (ch. 2.7.6). OBX-11 repeats the result status.
 */
export function buildOru(input: OruInput): string {
  const { dialect: d, order, numbers } = input;
  const b = new Hl7MessageBuilder();
  const type = d.version === '2.3' ? ['ORU', 'R01'] : ['ORU', 'R01', 'ORU_R01'];
  b.segment('MSH', [
    null, null, NETWORK_APPLICATION, input.trust, 'RIS', input.trust, hl7TimeIn(input.createdAt, d.timezone), null, type,
    input.controlId, 'P', d.version, null, null, null, null, 'GBR', d.charset,
  ]);

  const p = input.patient;
  const mrn = p?.mrns[0];
  const mrnCx: string[][] | null = mrn ? [[mrn], [''], [''], [input.trust], ['MR']] : null;
  const nhsCx: string[][] | null = p?.nhsNumber ? [[p.nhsNumber], [''], [''], NHS_AUTHORITY, ['NH']] : null;
  let pid3: Hl7FieldInput = mrnCx;
  if (d.nhsNumberIn === 'PID-3' && nhsCx) pid3 = mrnCx ? repeated(mrnCx, nhsCx) : nhsCx;
  const pid2: Hl7FieldInput = d.nhsNumberIn === 'PID-2' ? nhsCx : null;
  b.segment('PID', [
    '1', pid2, pid3, null, p ? [p.family ?? '', ...(p.given.length ? p.given.slice(0, 2) : [])] : null, null,
    p?.birthDate ? p.birthDate.replaceAll('-', '') : null, p?.sex ? SEX[p.sex] ?? 'U' : null,
  ]);

  let placer = numbers.placer;
  let filler = numbers.filler;
  let obr18: string | null = order.accessionNumber;
  if (d.accessionNumber === 'OBR-3') {
    filler = order.accessionNumber;
    obr18 = null;
  } else if (d.accessionNumber === 'OBR-2') {
    placer = order.accessionNumber;
    obr18 = null;
  }
  b.segment('ORC', ['RE', placer, filler, null, 'CM']);

  const r = input.reporter;
  const time = (iso: string | null): string | null => (iso ? formatHl7Time(iso) : null);
  const obr: Hl7FieldInput[] = [
    '1', placer, filler, order.description ? ['', order.description] : null, null, time(order.requestedAt),
    time(order.performedAt), null, null, null, null, null, null, null, null, null, null, obr18, null, null, null,
    hl7TimeIn(input.reportedAt, d.timezone), null, order.modality, input.resultStatus, null, null, null, null, null, null,
    [[r.gmc ?? r.sub, r.family ?? '', r.given ?? '']],
  ];
  b.segment('OBR', obr);

  const obx = (seq: number, valueType: 'TX' | 'FT', value: string): void => {
    b.segment('OBX', [String(seq), valueType, ['REP', 'Report', 'L'], '1', value, null, null, null, null, null, input.resultStatus]);
  };
  const lines = input.text.replace(/\r\n?/g, '\n').split('\n');
  if (d.reportText === 'TX') lines.forEach((line, i) => obx(i + 1, 'TX', line));
  else obx(1, 'FT', lines.join('\n'));
  return b.toString();
}
