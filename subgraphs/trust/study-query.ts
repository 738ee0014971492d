import { badUserInput, checkNhsNumber, describeNhsNumberProblem, isModality, parseDateTime } from '../../schema/index.ts';

/** `StudyFilter` as the trust understands it, validated. */
export interface StudyQuery {
  nhsNumber?: string;
  /**
   * The trust's national number (`hl7.nationalNumber`): at a CHI or H&C trust a bare DICOM
   * PatientID equal to the NHS number asked for is a CHI/H&C number, not this patient. @default 'NHS'
   */
  nationalNumber?: 'NHS' | 'CHI' | 'HC';
  accessionNumber?: string;
  modalities?: string[];
  statuses?: string[];
  fromMillis?: number;
  toMillis?: number;
  /** Studies of one patient (Patient.studies). */
  patient?: PatientScope;
}

/** Which rows belong to one patient: the RIS patient and/or the PACS PatientIDs known for them. */
export interface PatientScope {
  /** Every RIS record of the patient: a RIS may hold several for one NHS number (all are theirs). */
  risPatientIds?: number[];
  pacsPatientIds: string[];
}

export interface StudyFilterInput {
  nhsNumber?: string | null;
  accessionNumber?: string | null;
  modalities?: string[] | null;
  statuses?: string[] | null;
  from?: string | null;
  to?: string | null;
  trusts?: string[] | null;
}

/** Validates an NHS number argument; BAD_USER_INPUT naming it when invalid. */
export function requireNhsNumber(value: string, argument: string): string {
  const checked = checkNhsNumber(value);
  if (!checked.value) throw badUserInput(argument, describeNhsNumberProblem(checked.problem!));
  return checked.value;
}

/** Validates `first`; BAD_USER_INPUT naming it outside 0..max. */
export function requireFirst(first: number | null | undefined, max: number): number {
  const n = first ?? 20;
  if (!Number.isInteger(n) || n < 0 || n > max) throw badUserInput('first', `must be between 0 and ${max}; got ${n}`);
  return n;
}

/** Turns the GraphQL `StudyFilter` into a StudyQuery, or BAD_USER_INPUT naming the field. */
export function toStudyQuery(filter: StudyFilterInput | null | undefined): StudyQuery {
  const q: StudyQuery = {};
  if (!filter) return q;
  if (filter.nhsNumber != null) q.nhsNumber = requireNhsNumber(filter.nhsNumber, 'filter.nhsNumber');
  if (filter.accessionNumber != null) {
    if (filter.accessionNumber.trim() === '') throw badUserInput('filter.accessionNumber', 'must not be empty');
    // An accession number is matched exactly; DICOM wildcards (PS3.4 C.2.2.2.4) would turn it into a PACS scan.
    if (/[*?]/.test(filter.accessionNumber)) throw badUserInput('filter.accessionNumber', 'wildcard characters (* ?) are not allowed: it is matched exactly');
    q.accessionNumber = filter.accessionNumber;
  }
  if (filter.modalities != null) {
    for (const m of filter.modalities) if (!isModality(m)) throw badUserInput('filter.modalities', `unknown modality ${m}`);
    q.modalities = filter.modalities;
  }
  if (filter.statuses != null) q.statuses = filter.statuses;
  if (filter.from != null) q.fromMillis = Date.parse(parseDateTime(filter.from) ?? 'x');
  if (filter.to != null) q.toMillis = Date.parse(parseDateTime(filter.to) ?? 'x');
  if (q.fromMillis !== undefined && Number.isNaN(q.fromMillis)) throw badUserInput('filter.from', 'not a DateTime');
  if (q.toMillis !== undefined && Number.isNaN(q.toMillis)) throw badUserInput('filter.to', 'not a DateTime');
  if (q.fromMillis !== undefined && q.toMillis !== undefined && q.fromMillis > q.toMillis) {
    throw badUserInput('filter.from', 'is after filter.to');
  }
  return q;
}
