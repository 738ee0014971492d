import type { PatientClassValue } from '../../../../schema/generated/enums.ts';
import type { PatientClass } from '../hl7/vocabulary.ts';

/**
 * PV1-2 patient class (HL7 table 0004) → the network's patient class, by which worklist targets
 * and turnaround are split (NHS DID "patient source setting": A&E, inpatient, outpatient, GP
 * direct access). Trusts add or override values with `hl7.patientClasses` (GP direct access has
 * no table 0004 code: a trust names the local value its RIS uses). P preadmit, B obstetrics,
 * C commercial and N not applicable are OTHER; U unknown is UNKNOWN.
 */
export const DEFAULT_PATIENT_CLASSES: Readonly<Record<PatientClass, PatientClassValue>> = {
  E: 'EMERGENCY',
  I: 'INPATIENT',
  O: 'OUTPATIENT',
  R: 'OUTPATIENT',
  P: 'OTHER',
  B: 'OTHER',
  C: 'OTHER',
  N: 'OTHER',
  U: 'UNKNOWN',
};

/** The mapped class, or undefined when neither the trust's map nor table 0004 knows the value. */
export function mapPatientClass(value: string, trustMap: Readonly<Record<string, PatientClassValue>>): PatientClassValue | undefined {
  const key = value.trim().toUpperCase();
  return trustMap[key] ?? trustMap[value.trim()] ?? (DEFAULT_PATIENT_CLASSES as Readonly<Record<string, PatientClassValue>>)[key];
}
