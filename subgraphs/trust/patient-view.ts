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
  /** The RIS record shown (the most recently updated when there are several). */
  ris: RisPatientRow | undefined;
  /**
   * Every RIS record of the patient, `ris` first: a RIS may hold two records for one NHS number
   * until the PAS merges them; both are the patient's (studies, identifiers). @default [ris]
   */
  records?: readonly RisPatientRow[];
  dicom: PacsStudy | undefined;
  /** The national number the trust's systems carry (`hl7.nationalNumber`). @default 'NHS' */
  nationalNumber?: 'NHS' | 'CHI' | 'HC';
}

/** The RIS records of a view, `ris` first. */
export function risRecords(p: PatientView): readonly RisPatientRow[] {
  return p.records ?? (p.ris ? [p.ris] : []);
}

/** A disagreement between records of one NHS number (`Patient.conflicts`). */
export interface PatientConflictData {
  field: 'birthDate' | 'sex';
  trusts: string[];
  values: string[];
}

/**
 * Where this trust's own records of the patient disagree on date of birth or sex (a classic sign
 * of a wrong NHS number on one of them). Unknown values (null, UNKNOWN) are not a disagreement.
 */
export function patientConflicts(p: PatientView): PatientConflictData[] {
  const out: PatientConflictData[] = [];
  const records = risRecords(p);
  for (const field of ['birthDate', 'sex'] as const) {
    const values = [...new Set(records.map((r) => r[field]).filter((v): v is string => v !== null && v !== 'UNKNOWN'))].sort();
    if (values.length > 1) out.push({ field, trusts: [p.trust], values });
  }
  return out;
}

export { dicomNhsNumber } from './pacs/dicom-nhs-number.ts';

/** Finds the RIS patient a PACS study belongs to: by PatientID as MRN, else as NHS number. */
export function risPatientOfPacsStudy(store: TrustReadModel, study: PacsStudy, nationalNumber: 'NHS' | 'CHI' | 'HC' = 'NHS'): RisPatientRow | undefined {
  if (!study.patientId) return undefined;
  const byMrn = store.patientByMrn(study.patientId);
  if (byMrn) return byMrn;
  const nhs = dicomNhsNumber(study, nationalNumber);
  return nhs ? store.patientByNhsNumber(nhs) : undefined;
}

export function patientNhsNumber(p: PatientView): string | null {
  if (p.ris) return p.ris.nhsNumber;
  return p.dicom ? dicomNhsNumber(p.dicom, p.nationalNumber) : null;
}

/** Which rows are this patient's, for Patient.studies. */
export function patientScope(p: PatientView): PatientScope {
  const ids = new Set<string>();
  const nhs = patientNhsNumber(p);
  if (nhs) ids.add(nhs);
  const records = risRecords(p);
  for (const mrn of records.flatMap((r) => r.mrns)) ids.add(mrn);
  if (!p.ris && p.dicom?.patientId) ids.add(p.dicom.patientId);
  const scope: PatientScope = { pacsPatientIds: [...ids] };
  if (records.length) scope.risPatientIds = records.map((r) => r.id);
  return scope;
}

export function patientIdentifiers(p: PatientView): Array<{ trust: string; type: string; value: string }> {
  const out: Array<{ trust: string; type: string; value: string }> = [];
  const nhs = patientNhsNumber(p);
  if (nhs) out.push({ trust: p.trust, type: 'NHS_NUMBER', value: nhs });
  const records = risRecords(p);
  const mrns = p.ris ? [...new Set(records.flatMap((r) => r.mrns))] : p.dicom?.patientId && p.dicom.patientId !== nhs ? [p.dicom.patientId] : [];
  for (const mrn of mrns) out.push({ trust: p.trust, type: 'MRN', value: mrn });
  for (const id of records.flatMap((r) => r.nationalIds)) out.push({ trust: p.trust, type: id.type, value: id.value });
  return out;
}
