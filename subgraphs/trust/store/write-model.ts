import type { PatientClassValue, PriorityValue, ReportKindValue, ReportStatusValue, ReporterValue, RisReportRow, SexValue, StudyStatusValue } from './read-model.ts';

/**
 * What the RIS ingest writes, as rows of the domain rather than SQL. The store applies these
 * inside one transaction (see `TrustStore.transaction`); the rules that decide them (status
 * machine, identity, merges) live in `ris/apply/`, so a PostgreSQL store only has to persist.
 */

/** RIS workflow position of an order, moved by ORC-1/ORC-5 and SIU (forward only, see status-machine.ts). */
export type WorkflowStatus = 'REQUESTED' | 'SCHEDULED' | 'ARRIVED' | 'IN_PROGRESS' | 'COMPLETED';

/** A patient row as stored (not following merges). */
export interface PatientRecord {
  id: number;
  nhsNumber: string | null;
  family: string | null;
  given: string[];
  birthDate: string | null;
  sex: SexValue | null;
  /** The patient this one was merged into (A40), or null for a survivor. */
  mergedInto: number | null;
}

/**
 * Demographic changes. HL7 v2 (chapter 2, "null values in fields"): a field sent as `""` clears
 * the stored value (here: `null`); a field left empty leaves it unchanged (here: absent/undefined).
 */
export interface PatientChanges {
  nhsNumber?: string | null;
  family?: string | null;
  given?: string[] | null;
  birthDate?: string | null;
  sex?: SexValue | null;
}

/** A RIS order as stored, keyed by accession number. */
export interface OrderRecord {
  accessionNumber: string;
  /** Always a surviving patient: merges re-point orders (A40: studies follow the survivor). */
  patientId: number;
  placerOrderNumber: string | null;
  fillerOrderNumber: string | null;
  studyInstanceUid: string | null;
  description: string | null;
  bodyPart: string | null;
  modality: string | null;
  priority: PriorityValue | null;
  workflowStatus: WorkflowStatus;
  cancelled: boolean;
  /** Derived by the status machine from the three above and the reports; stored for filtering. */
  status: StudyStatusValue;
  requestedAt: string | null;
  scheduledAt: string | null;
  performedAt: string | null;
  /** SIU^S15 noted: when the appointment was cancelled (the order itself stands). */
  appointmentCancelledAt: string | null;
  /** Created from a report's OBR: no order message has been received for it (yet). */
  orderMissing: boolean;
  procedureCode: string | null;
  procedureCodingSystem: string | null;
  patientClass: PatientClassValue | null;
  /** ORC-5 HD (table 0038) / ORC-1 HD, OH: on hold until released (RL) or moved on. */
  onHold: boolean;
  /** When the patient did not attend (the latest DNA); cleared when the exam goes ahead. */
  didNotAttendAt: string | null;
  /** DM01 clock start: the request received, restarted by a DNA or patient cancellation. */
  waitStartedAt: string | null;
  /** When the order was cancelled (ORC-9, else MSH-7): a later NW reinstates it. */
  cancelledAt: string | null;
}

/** One report version to append (versions are numbered by the store, 1 first). */
export interface NewReportVersion {
  accessionNumber: string;
  status: ReportStatusValue;
  /** OBR-25 as received (table 0123). */
  resultStatus: string;
  text: string;
  reportedAt: string | null;
  author: string | null;
  kind: ReportKindValue;
  /** OBX ED data (HL7 v2.5.1 2A.3.23: source^type^subtype^encoding^data), kept as received. */
  attachment: string | null;
  reporter: ReporterValue | null;
  assistant: ReporterValue | null;
  /** The (surviving) patient the ORU named; kept for reports that arrive before their order. */
  patientId: number | null;
  journalId: number | null;
}

/** Dedupe key of a received message: MSH-3, MSH-4, MSH-10 (HL7 v2 chapter 2, "original mode"). */
export interface DedupeKey {
  sendingApplication: string;
  sendingFacility: string;
  controlId: string;
}

export interface StoredAck {
  ackCode: string;
  ackText: string;
  journalId: number;
}

export type JournalOutcome =
  /** Applied; ACK AA (or CA in enhanced mode). */
  | 'APPLIED'
  /** Applied with warnings (ERR severity W). */
  | 'APPLIED_WITH_WARNINGS'
  /** Same MSH-3/4/10 as an earlier message: the original ACK was returned, nothing applied. */
  | 'DUPLICATE'
  /** AR: unparseable, oversized, unsupported, sender not allowed. Kept in `failed`. */
  | 'REJECTED'
  /** AE: parsed but could not be applied. Kept in `failed`. */
  | 'ERROR'
  /** A failed message applied later by replay. */
  | 'REPLAYED';

export interface JournalCompletion {
  outcome: JournalOutcome;
  ackCode: string | null;
  controlId: string | null;
  sendingApplication: string | null;
  sendingFacility: string | null;
  messageType: string | null;
  detail: string | null;
}

export interface FailureRecord {
  ackCode: 'AE' | 'AR' | 'CE' | 'CR';
  /** ERR-3 code, HL7 table 0357. */
  errCode: number;
  reason: string;
  /** Segment-field location, e.g. `OBR-18`. */
  location: string | null;
}

/**
 * The write side inside one transaction. Every method runs in the caller's transaction: nothing
 * is visible to readers, nor durable, until `transaction()` returns.
 */
export interface TrustWriter {
  /** The patient that holds this MRN (not following merges). */
  patientIdByMrn(mrn: string): number | undefined;
  /** Surviving patients with this NHS number, most recently updated first. */
  patientIdsByNhsNumber(nhsNumber: string): number[];
  /** End of the `merged_into` chain (cycle-safe). */
  survivorOf(patientId: number): number;
  patient(id: number): PatientRecord | undefined;
  createPatient(changes: PatientChanges): number;
  updatePatient(id: number, changes: PatientChanges): void;
  /** Gives `patientId` this MRN; an MRN held by another patient is not moved (returns false). */
  addMrn(patientId: number, mrn: string): boolean;
  /** Gives `patientId` a CHI or H&C number; one held by another patient is not moved. */
  addIdentifier(patientId: number, type: 'CHI' | 'HC', value: string): void;
  /** Merges `retiredId` into `survivorId`: re-points orders, reports and earlier merges. */
  mergePatient(retiredId: number, survivorId: number): void;

  order(accessionNumber: string): OrderRecord | undefined;
  /** The order with this filler (ORC-3 / SCH-27) or placer (ORC-2 / SCH-26) order number. */
  orderByOrderNumber(kind: 'filler' | 'placer', orderNumber: string): OrderRecord | undefined;
  saveOrder(order: OrderRecord): void;
  reportVersions(accessionNumber: string): RisReportRow[];
  /** Appends a version; returns its number. */
  addReportVersion(report: NewReportVersion): number;

  findAck(key: DedupeKey): StoredAck | undefined;
  recordAck(key: DedupeKey, journalId: number, ackCode: string, ackText: string): void;
  completeJournal(journalId: number, completion: JournalCompletion): void;
  /** Keeps a message an operator must see and may replay; returns the failed id. */
  recordFailure(journalId: number, failure: FailureRecord): number;
  /** Replay outcome of a failed message. */
  markReplay(failedId: number, result: { ok: true } | { ok: false; failure: FailureRecord }): void;
}
