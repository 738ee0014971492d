import { checkNhsNumber } from '../../../schema/index.ts';
import type { PacsStudy } from './study-mapping.ts';

/**
 * The NHS number a DICOM header carries: PatientID (0010,0020) when IssuerOfPatientID
 * (0010,0021) says NHS or is empty and the value passes the Modulus 11 check; else none.
 * At a Scottish or Northern Irish trust (`hl7.nationalNumber` CHI or HC) an unqualified PatientID
 * is a CHI or H&C number, which also passes Modulus 11: only an explicit NHS issuer makes it an
 * NHS number there.
 */
export function dicomNhsNumber(
  study: Pick<PacsStudy, 'patientId' | 'issuerOfPatientId'>,
  nationalNumber: 'NHS' | 'CHI' | 'HC' = 'NHS',
): string | null {
  if (!study.patientId) return null;
  const issuer = (study.issuerOfPatientId ?? '').toUpperCase();
  if (issuer && !issuer.startsWith('NHS')) return null;
  if (!issuer && nationalNumber !== 'NHS') return null;
  return checkNhsNumber(study.patientId).value ?? null;
}
