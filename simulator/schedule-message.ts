import { writeMsh, writePid, writePv1 } from './hl7-common-segments.ts';
import { formatHl7BodyTime } from './hl7-time.ts';
import { Hl7TextBuilder } from './hl7-text-builder.ts';
import { priorityText, type SimTrustProfile } from './sim-trust-profile.ts';
import type { StudyPlan } from './study-plan.ts';

/**
 * SIU^S12 new appointment booking (v2.5.1 chapter 10.4.1). SCH-26/27 carry the placer and filler
 * order numbers of the booked order (SIU has no IPC), so a receiver joins it to the OMI by filler
 * order number (= the order's ORC-3). AIS-4 is the start, AIS-7/8 the duration in minutes.
 */
export function buildScheduleMessage(profile: SimTrustProfile, plan: StudyPlan, at: number, controlId: string, event: 'S12' | 'S26' = 'S12'): string {
  const b = new Hl7TextBuilder();
  const tz = profile.timezone;
  const start = plan.appointmentAt as number;
  const minutes = Math.max(5, Math.round(((plan.completedAt ?? start + 15 * 60_000) - (plan.startedAt ?? start)) / 60_000));
  const proc = plan.procedure;
  // S26 (ch. 10.3.1.14): the patient did not show up; SCH-25 filler status `Noshow` (table 0278).
  writeMsh(b, profile, { type: `SIU^${event}`, structure: 'SIU_S12', controlId, at });
  b.segment('SCH', [
    [`APT${plan.accessionNumber.slice(profile.code.length)}`, 'EPR'], [plan.accessionNumber, profile.sendingApplication],
    null, null, null, null, [proc.code, proc.name, 'NICIP'], null, String(minutes), 'min', null,
    null, null, null, null, null, null, null, null, null, null, null, null, null, event === 'S26' ? 'Noshow' : 'Booked',
    [plan.placerOrderNumber, 'EPR'], [plan.fillerOrderNumber, profile.sendingApplication],
  ]);
  b.segment('TQ1', ['1', null, null, null, null, null, formatHl7BodyTime(start, tz, profile.dialect.localTimes === true), null, [priorityText(profile, plan.priority)]]);
  writePid(b, profile, { patient: plan.patient, mrn: plan.mrn, nhsNumberKnown: plan.nhsNumberKnown });
  writePv1(b, plan.patientClass, plan.referrer);
  b.segment('RGS', ['1']);
  b.segment('AIS', ['1', null, [proc.code, proc.name, 'NICIP'], formatHl7BodyTime(start, tz, profile.dialect.localTimes === true), null, null, String(minutes), 'min']);
  return b.toString();
}
