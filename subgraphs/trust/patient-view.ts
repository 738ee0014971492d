import { dicomNhsNumber } from './pacs/dicom-nhs-number.ts';
import type { RisPatientRow, TrustReadModel } from './store/read-model.ts';
import type { PacsStudy } from './pacs/study-mapping.ts';
import type { PatientScope } from './study-query.ts';

/**
 * A patient as one trust knows them: from the RIS when it registered them (demographics from
 * ADT/PID), else from a DICOM header (PACS-only studies).
 */
export interface PatientView {
  trust: string;
  ris: RisPatientRow | undefined;
  dicom: PacsStudy | undefined;
}

export { dicomNhsNumber } from './pacs/dicom-nhs-number.ts';

/** Finds the RIS patient a PACS study belongs to: by PatientID as MRN, else as NHS number. */
export function risPatientOfPacsStudy(store: TrustReadModel, study: PacsStudy): RisPatientRow | undefined {
  if (!study.patientId) return undefined;
  const byMrn = store.patientByMrn(study.patientId);
  if (byMrn) return byMrn;
  const nhs = dicomNhsNumber(study);
  return nhs ? store.patientByNhsNumber(nhs) : undefined;
}

export function patientNhsNumber(p: PatientView): string | null {
  if (p.ris) return p.ris.nhsNumber;
  return p.dicom ? dicomNhsNumber(p.dicom) : null;
}

/** Which rows are this patient's, for Patient.studies. */
export function patientScope(p: PatientView): PatientScope {
  const ids = new Set<string>();
  const nhs = patientNhsNumber(p);
  if (nhs) ids.add(nhs);
  for (const mrn of p.ris?.mrns ?? []) ids.add(mrn);
  if (!p.ris && p.dicom?.patientId) ids.add(p.dicom.patientId);
  const scope: PatientScope = { pacsPatientIds: [...ids] };
  if (p.ris) scope.risPatientId = p.ris.id;
  return scope;
}

export function patientIdentifiers(p: PatientView): Array<{ trust: string; type: string; value: string }> {
  const out: Array<{ trust: string; type: string; value: string }> = [];
  const nhs = patientNhsNumber(p);
  if (nhs) out.push({ trust: p.trust, type: 'NHS_NUMBER', value: nhs });
  const mrns = p.ris ? p.ris.mrns : p.dicom?.patientId && p.dicom.patientId !== nhs ? [p.dicom.patientId] : [];
  for (const mrn of mrns) out.push({ trust: p.trust, type: 'MRN', value: mrn });
  return out;
}
