import { writeMsh, writePid, writePv1 } from './hl7-common-segments.ts';
import { formatHl7BodyTime } from './hl7-time.ts';
import { Hl7TextBuilder, type Hl7FieldValue } from './hl7-text-builder.ts';
import { obrOrderNumbers } from './order-message.ts';
import type { SimTrustProfile } from './sim-trust-profile.ts';
import type { ReportVersion, StudyPlan } from './study-plan.ts';

/**
 * ORU^R01 (chapter 7.3.1) for one report version: OBR-25 result status (table 0123: P, F, C),
 * OBR-22 the status change time, OBR-32 the principal result interpreter (NDL: a CNN of
 * subcomponents). Text by dialect (OBX-2, table 0125): TX as one OBX per line (an empty line is an
 * empty OBX-5), or FT as one OBX whose lines are joined by `\.br\` (chapter 2.7.6).
 *
 * The accession goes where the dialect's orders put it; an IPC-1 dialect has no IPC in ORU, so its
 * reports carry the accession in OBR-18 as well as the filler order number in OBR-3.
 */
export function buildReportMessage(
  profile: SimTrustProfile,
  plan: StudyPlan,
  report: Omit<ReportVersion, 'status'> & { status: ReportVersion['status'] | 'X' },
  controlId: string,
): string {
  const b = new Hl7TextBuilder();
  const tz = profile.timezone;
  const ts = (ms: number | undefined): string | null => (ms === undefined ? null : formatHl7BodyTime(ms, tz, profile.dialect.localTimes === true));
  writeMsh(b, profile, { type: 'ORU^R01', structure: 'ORU_R01', controlId, at: report.at });
  writePid(b, profile, { patient: plan.patient, mrn: plan.mrn, nhsNumberKnown: plan.nhsNumberKnown });
  writePv1(b, plan.patientClass, plan.referrer);
  const placer = [plan.placerOrderNumber, 'EPR'];
  const filler = [plan.fillerOrderNumber, profile.sendingApplication];
  b.segment('ORC', ['RE', placer, filler, null, 'CM']);
  const numbers = obrOrderNumbers(profile, plan);
  const obr18: Hl7FieldValue = profile.dialect.accessionIn === 'IPC-1' ? plan.accessionNumber : numbers.obr18;
  const proc = plan.procedure;
  const author = report.author;
  b.segment('OBR', [
    '1', placer, numbers.obr3, [proc.code, proc.name, 'NICIP'], null, ts(plan.requestedAt), ts(plan.startedAt),
    ts(plan.completedAt), null, null, null, null, plan.indication, null, null, null, null, obr18, null, null, null,
    ts(report.at), null, proc.modality, report.status, null, null, null, null, null, null,
    [[author.id, author.family, author.given]],
  ]);
  const observed = ts(plan.startedAt);
  const obx = (seq: number, type: 'TX' | 'FT', value: Hl7FieldValue): void => {
    b.segment('OBX', [String(seq), type, ['REP', 'Report', 'L'], '1', value, null, null, null, null, null, report.status, null, null, observed]);
  };
  if (profile.dialect.reportValueType === 'TX') report.lines.forEach((line, i) => obx(i + 1, 'TX', line));
  else obx(1, 'FT', { formatted: report.lines.join('\n') });
  return b.toString();
}
