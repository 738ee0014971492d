import { writeMsh, writePid, writePv1 } from './hl7-common-segments.ts';
import { formatHl7Time } from './hl7-time.ts';
import { Hl7TextBuilder } from './hl7-text-builder.ts';
import type { SimMessageType } from './sim-message.ts';
import type { SimTrustProfile } from './sim-trust-profile.ts';
import type { PatientClass } from './study-plan.ts';
import type { SimPatient } from './synthetic-patients.ts';

export interface AdtInput {
  /** A01 admit (inpatients), A04 register (ED and outpatients), A08 update, A40 merge (chapter 3.3). */
  type: Extract<SimMessageType, 'ADT^A01' | 'ADT^A04' | 'ADT^A08' | 'ADT^A40'>;
  patient: SimPatient;
  /** The PID-3 MRN: for A40, the survivor. */
  mrn: string;
  nhsNumberKnown: boolean;
  patientClass: PatientClass;
  /** A40 only: MRG-1, the retired MRN. */
  retiredMrn?: string;
  controlId: string;
  at: number;
}

/** MSH-9.3 structures (table 0354): A04 and A08 reuse ADT_A01; A40 is ADT_A39. */
const STRUCTURE: Record<AdtInput['type'], string> = {
  'ADT^A01': 'ADT_A01', 'ADT^A04': 'ADT_A01', 'ADT^A08': 'ADT_A01', 'ADT^A40': 'ADT_A39',
};

/** ADT registration, update or merge. A40: PID-3 the survivor, MRG-1 the retired id (chapter 3.3.40). */
export function buildAdtMessage(profile: SimTrustProfile, input: AdtInput): string {
  const b = new Hl7TextBuilder();
  writeMsh(b, profile, { type: input.type, structure: STRUCTURE[input.type], controlId: input.controlId, at: input.at });
  const [, trigger] = input.type.split('^') as [string, string];
  b.segment('EVN', [trigger, formatHl7Time(input.at, profile.timezone)]);
  writePid(b, profile, { patient: input.patient, mrn: input.mrn, nhsNumberKnown: input.nhsNumberKnown, moved: input.type === 'ADT^A08' });
  if (input.type === 'ADT^A40') {
    b.segment('MRG', [[input.retiredMrn ?? '', null, null, profile.code, 'MR']]);
  } else {
    writePv1(b, input.patientClass, null);
  }
  return b.toString();
}
