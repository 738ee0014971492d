import { writeMsh, writePid, writePv1, xcn } from './hl7-common-segments.ts';
import { formatHl7BodyTime } from './hl7-time.ts';
import { Hl7TextBuilder, type Hl7FieldValue } from './hl7-text-builder.ts';
import type { SimMessageType } from './sim-message.ts';
import { priorityText, type SimTrustProfile } from './sim-trust-profile.ts';
import type { StudyPlan } from './study-plan.ts';

/** The order step a message announces: ORC-1 (table 0119) with ORC-5 (table 0038). */
export type OrderStep = 'new' | 'scheduled' | 'in-progress' | 'completed' | 'cancelled';

const ORC: Record<OrderStep, readonly [control: string, status: string | null]> = {
  new: ['NW', null],
  scheduled: ['SC', 'SC'],
  'in-progress': ['SC', 'IP'],
  completed: ['SC', 'CM'],
  cancelled: ['CA', 'CA'],
};

export function orderMessageType(profile: SimTrustProfile): SimMessageType {
  return profile.dialect.orders === 'OMI' ? 'OMI^O23' : 'ORM^O01';
}

/** The accession number in the order's chosen place; the other field carries the filler order number. */
export function obrOrderNumbers(profile: SimTrustProfile, plan: StudyPlan): { obr3: Hl7FieldValue; obr18: Hl7FieldValue } {
  const app = profile.sendingApplication;
  switch (profile.dialect.accessionIn) {
    case 'OBR-3':
      return { obr3: [plan.accessionNumber, app], obr18: null };
    case 'OBR-18':
      return { obr3: [plan.fillerOrderNumber, app], obr18: plan.accessionNumber };
    case 'IPC-1':
      return { obr3: [plan.fillerOrderNumber, app], obr18: null };
  }
}

/**
 * ORM^O01 (v2.3/2.4 chapter 4.2) or OMI^O23 (v2.5.1 chapter 4.4.8, IHE RAD TF-2 §4.4) for one
 * order step. The v2.3/2.4 timing sits in ORC-7/OBR-27 (TQ: start in component 4, priority in 6);
 * v2.5.1 uses TQ1-7 start and TQ1-9 priority. ORM carries the Study Instance UID in IHE's ZDS
 * segment (RAD TF-2 Table 4.4-1); OMI in IPC-3, with IPC-1 accession and IPC-5 modality.
 */
export function buildOrderMessage(profile: SimTrustProfile, plan: StudyPlan, step: OrderStep, at: number, controlId: string): string {
  const b = new Hl7TextBuilder();
  const omi = profile.dialect.orders === 'OMI';
  const tz = profile.timezone;
  const ts = (ms: number | undefined): string | null => (ms === undefined ? null : formatHl7BodyTime(ms, tz, profile.dialect.localTimes === true));
  const type = orderMessageType(profile);
  writeMsh(b, profile, { type, structure: omi ? 'OMI_O23' : 'ORM_O01', controlId, at });
  writePid(b, profile, { patient: plan.patient, mrn: plan.mrn, nhsNumberKnown: plan.nhsNumberKnown });
  writePv1(b, plan.patientClass, plan.referrer);
  const [control, status] = ORC[step];
  const booked = step !== 'new' && step !== 'cancelled' ? plan.appointmentAt : undefined;
  const priority = priorityText(profile, plan.priority);
  const tq = omi ? null : ['', '', '', ts(booked), '', priority];
  const placer = [plan.placerOrderNumber, 'EPR'];
  const filler = [plan.fillerOrderNumber, profile.sendingApplication];
  b.segment('ORC', [control, placer, filler, null, status, null, tq, null, ts(at), null, null, xcn(plan.referrer)]);
  if (omi) b.segment('TQ1', ['1', null, null, null, null, null, ts(booked), null, [priority]]);
  const started = step === 'in-progress' || step === 'completed' ? plan.startedAt : undefined;
  const { obr3, obr18 } = obrOrderNumbers(profile, plan);
  const proc = plan.procedure;
  b.segment('OBR', [
    '1', placer, obr3, [proc.code, proc.name, 'NICIP'], null, ts(plan.requestedAt), ts(started),
    ts(step === 'completed' ? plan.completedAt : undefined), null, null, null, null, plan.indication, null, null,
    xcn(plan.referrer), null, obr18, null, null, null, null, null, proc.modality, null, null, tq,
    null, null, null, [null, plan.indication], null, null, null, null, ts(booked),
  ]);
  if (omi) {
    b.segment('IPC', [
      [plan.accessionNumber, profile.sendingApplication], `RP${plan.accessionNumber.slice(profile.code.length)}`,
      plan.studyInstanceUid, `SPS${plan.accessionNumber.slice(profile.code.length)}`, proc.modality,
    ]);
  } else {
    b.segment('ZDS', [[plan.studyInstanceUid, profile.sendingApplication, 'Application', 'DICOM']]);
  }
  return b.toString();
}
