import type { PatientClassValue, PriorityValue, ReportKindValue, ReportStatusValue, SexValue, StudyStatusValue } from '../../../schema/generated/enums.ts';

/**
 * The RIS ingest's port (ARCHITECTURE.md layout: ris/ "owns the port its events are written
 * through"; store/ implements it): what the ingest writes, as rows of the domain rather than SQL,
 * and the store calls it needs (`RisIngestStore`). The store applies the writes inside one
 * transaction (`RisIngestStore.transaction`); the rules that decide them (status machine,
 * identity, merges) live in `ris/apply/`, so a PostgreSQL store only has to persist.
 */

/** A reporter (OBR-32) or assistant (OBR-33): the RIS's id, the name, the GMC number when the id is one. */
export interface ReporterValue {
  id: string | null;
  name: string | null;
  gmcNumber: string | null;
}

/** One stored report version, as the writer reads it back (and the read model serves it). */
export interface RisReportRow {
  accessionNumber: string;
  version: number;
  status: ReportStatusValue;
  text: string;
  reportedAt: string | null;
  author: string | null;
  kind: ReportKindValue;
  /** The version came with an encapsulated report (OBX ED, e.g. a PDF), kept in the store. */
  hasAttachment: boolean;
  reporter: ReporterValue | null;
  assistant: ReporterValue | null;
}

/** RIS workflow position of an order, moved by ORC-1/ORC-5 and SIU (forward only, see status-machine.ts). */
export type WorkflowStatus = 'REQUESTED' | 'SCHEDULED' | 'ARRIVED' | 'IN_PROGRESS' | 'COMPLETED';

/** A patient's demographics as stored (PID-3 NHS number, PID-5 name, PID-7 birth date, PID-8 sex). */
export interface PatientDemographics {
  nhsNumber: string | null;
  family: string | null;
  given: string[];
  /** YYYY-MM-DD */
  birthDate: string | null;
  sex: SexValue | null;
}

/** A patient row as stored (not following merges). */
export interface PatientRecord extends PatientDemographics {
  id: number;
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
  /** Inserts or updates the order; returns the status it had before (undefined: new). */
  saveOrder(order: OrderRecord): StudyStatusValue | undefined;
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

/** A message received from the RIS, before anything else is known about it. */
export interface ReceivedMessage {
  /** ISO 8601 with offset. */
  receivedAt: string;
  remoteAddress: string | null;
  connectionId: number | null;
  /** The bytes as they came off the wire (charset decoding happens later, and again on replay). */
  raw: Buffer;
  /** The frame's full size when `raw` is only its head (an oversized frame). @default raw.length */
  frameSize?: number;
}

export type FailedStatus = 'FAILED' | 'REPLAYED';

/** A message kept because it could not be applied, for an operator to see and replay. */
export interface FailedMessage {
  id: number;
  journalId: number;
  receivedAt: string;
  failedAt: string;
  remoteAddress: string | null;
  /** `MSH-3/MSH-4` (sending application and facility), when the message could be parsed. */
  sender: string | null;
  controlId: string | null;
  messageType: string | null;
  ackCode: string;
  errCode: number;
  reason: string;
  location: string | null;
  status: FailedStatus;
  /** Replay attempts so far. */
  attempts: number;
  replayedAt: string | null;
}

export interface FailedMessageWithRaw extends FailedMessage {
  raw: Buffer;
  /** Only the head of an oversized frame was kept: it cannot be replayed. */
  truncated: boolean;
}

/**
 * The storage itself failed (disk full, I/O error, database locked past the busy timeout,
 * read-only). Distinct from a message that cannot be applied: the RIS ingest answers a store
 * failure with no ACK at all, so the sender keeps the message and resends it (MLLP reliable
 * delivery), instead of an AE/AR that would make the sender drop it.
 */
export class StoreFailure extends Error {
  override readonly name = 'StoreFailure';
  /** The driver's error code, e.g. `SQLITE_FULL`, `SQLITE_BUSY`. */
  readonly code: string;

  constructor(cause: unknown) {
    const code = (cause as { code?: unknown } | null)?.code;
    super(`store failure: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
    this.code = typeof code === 'string' ? code : 'UNKNOWN';
  }
}

/**
 * What the RIS ingest needs of the store (`TrustStore` implements it): the journal, the
 * transactional writer and the kept messages. A failure of the storage itself is thrown as
 * `StoreFailure`, so the ingest can tell "could not store" (no ACK: the sender resends) from a
 * message that cannot be applied.
 */
export interface RisIngestStore {
  /**
   * Writes the raw message to the journal and returns its id. On its own it commits (durably);
   * inside `commitGroup` it is part of the group's one commit (see there for why that is enough).
   */
  journalReceived(message: ReceivedMessage): number;
  /**
   * Runs `work` in one transaction (all or nothing); commits durably before returning. Inside
   * `commitGroup` it is a savepoint: all or nothing on its own, durable with the group.
   */
  transaction<T>(work: (writer: TrustWriter) => T): T;
  /**
   * Group commit: runs `work` in ONE transaction, in which `journalReceived` and `transaction`
   * calls nest (savepoints). Lets the ingest commit the messages of several connections that
   * arrived in the same turn of the event loop at the cost of one sync (ris-ingest.ts says why
   * one commit for the journal row and the outcome is enough). A storage failure anywhere rolls
   * the whole group back (StoreFailure): nothing of it was ACKed. When it returns the group is
   * committed (readers see it) but NOT necessarily on disk yet: nothing of it may be acknowledged
   * before `durable()` resolves.
   */
  commitGroup<T>(work: () => T): T;
  /**
   * Resolves once every commit that returned before this call is on disk (the SQLite store syncs
   * the WAL off the event loop, so the next group can be applied meanwhile). Rejects with
   * StoreFailure when the sync failed; after that it always rejects (nothing is trusted after a
   * failed fsync), so no later ACK can go out. `inline`: the caller has nothing else to do
   * meanwhile (a lone message): the store may sync on the calling thread when no sync is in flight.
   */
  durable(opts?: { inline?: boolean }): Promise<void>;
  /** Kept messages, newest first; by default only those still failing. */
  listFailed(opts?: { includeReplayed?: boolean }): FailedMessage[];
  /** Still-failing kept messages with their raw bytes, oldest first (all, or these ids). */
  failedForReplay(ids?: readonly number[]): FailedMessageWithRaw[];
}
