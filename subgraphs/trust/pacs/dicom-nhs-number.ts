import { checkNhsNumber } from '../../../schema/index.ts';
import type { PacsStudy } from './study-mapping.ts';

/**
 * The NHS number a DICOM header carries: PatientID (0010,0020) when IssuerOfPatientID
 * (0010,0021) says NHS or is empty and the value passes the Modulus 11 check; else none.
 */
export function dicomNhsNumber(study: Pick<PacsStudy, 'patientId' | 'issuerOfPatientId'>): string | null {
  if (!study.patientId) return null;
  const issuer = (study.issuerOfPatientId ?? '').toUpperCase();
  if (issuer && !issuer.startsWith('NHS')) return null;
  return checkNhsNumber(study.patientId).value ?? null;
}
