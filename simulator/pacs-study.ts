import { dicomLocalTime, formatHl7Date, isoInZone } from './hl7-time.ts';
import type { SimStudy } from './sim-study.ts';
import type { SimTrustProfile } from './sim-trust-profile.ts';
import type { StudyPlan } from './study-plan.ts';

/**
 * The study the modality stored in the PACS, from the worklist entry the RIS gave it: patient
 * and accession exactly as the order had them (PS3.17 / IHE SWF: the modality copies them from
 * the Modality Worklist), StudyDate/Time the exam start (= OBR-7).
 */
export function pacsStudyOf(profile: SimTrustProfile, plan: StudyPlan): SimStudy {
  const started = plan.startedAt;
  if (started === undefined) throw new Error(`study ${plan.accessionNumber} was never performed`);
  const local = dicomLocalTime(started, profile.timezone);
  const p = plan.patient;
  return {
    trust: profile.code,
    studyInstanceUid: plan.studyInstanceUid,
    accessionNumber: plan.accessionNumber,
    patientId: plan.mrn,
    issuerOfPatientId: profile.code,
    // A CHI trust's modalities get no NHS number from its worklist (hl7-common-segments.ts).
    nhsNumber: plan.nhsNumberKnown && profile.dialect.nationalNumber !== 'CHI' ? p.nhsNumber : null,
    patientName: [p.family, ...p.given.slice(0, 2)].join('^'),
    patientBirthDate: formatHl7Date(p.birthDate),
    patientSex: p.sex,
    studyDate: local.date,
    studyTime: local.time,
    timezoneOffsetFromUtc: local.offset,
    performedAt: isoInZone(started, profile.timezone),
    studyDescription: plan.procedure.name,
    studyId: plan.accessionNumber.slice(profile.code.length),
    referringPhysicianName: `${plan.referrer.family}^${plan.referrer.given}^^^Dr`,
    institutionName: profile.name,
    series: plan.series,
  };
}

/**
 * Every PACS study a completed plan leaves: its own, and a re-scan under the same accession when
 * the plan has one (hard-cases.ts) that was performed by `until`.
 */
export function pacsStudiesOf(profile: SimTrustProfile, plan: StudyPlan, until = Number.POSITIVE_INFINITY): SimStudy[] {
  const out = [pacsStudyOf(profile, plan)];
  const rescan = plan.rescan;
  if (rescan && rescan.startedAt <= until) {
    out.push(pacsStudyOf(profile, { ...plan, studyInstanceUid: rescan.studyInstanceUid, startedAt: rescan.startedAt, series: rescan.series }));
  }
  return out;
}
