import type { PriorityValue } from '../../../schema/generated/enums.ts';
import type { RisOrderRow, RisPatientRow, StudyIndexHit } from './read-model.ts';
import type { TrustWriter } from '../ris/ingest-port.ts';

/**
 * The reporting side of the trust store (network reporting): the worklist query, claims as leases
 * and the outbox that writes report versions back to the trust's RIS. The SQL behind it is the
 * store's business (SQLite today); the rules (who may claim, what a version is) live in
 * `subgraphs/trust/reporting/`.
 */

/** A reporting radiologist, from the caller's token (`sub`, `given_name`, `family_name`, `gmc`, `trust`). */
export interface ReporterIdentity {
  sub: string;
  given: string | null;
  family: string | null;
  /** 7-digit GMC number. */
  gmc: string | null;
  /** Employing trust (ODS code). */
  trust: string | null;
}

/** A live lease on a study. Times are epoch milliseconds. */
export interface ClaimRow {
  accessionNumber: string;
  holder: ReporterIdentity;
  claimedAtMs: number;
  expiresAtMs: number;
}

/** Patient class (PV1-2, table 0004) as the store keeps it. */
export type { PatientClassValue } from '../../../schema/generated/enums.ts';
import type { PatientClassValue } from '../../../schema/generated/enums.ts';

/** When a study's report is due, epoch ms, from the order (null when it has no time at all). */
export type DueAtRule = (order: Pick<RisOrderRow, 'performedAt' | 'scheduledAt' | 'requestedAt' | 'priority'>, patientClass: PatientClassValue | null) => number | null;

/** Worklist position: dueAt (null = no time, sorted last) then network study id. */
export interface WorklistKey {
  dueMs: number | null;
  id: string;
}

export interface WorklistQuery {
  /** Orders of any of these modalities (OBR-24 / IPC-5 as mapped to DICOM terms). */
  modalities?: readonly string[];
  priorities?: readonly PriorityValue[];
  patientClasses?: readonly PatientClassValue[];
  claimed?: boolean;
  overdueOnly?: boolean;
  nowMs: number;
  after?: WorklistKey;
  first: number;
}

/** A worklist row: the study index row (to join order and PACS study) and its due time. */
export interface WorklistRow {
  hit: StudyIndexHit;
  dueMs: number | null;
}

/** Where a version written in the network stands in its delivery to the RIS. */
export interface OutboxEntry {
  id: number;
  createdAt: string;
  controlId: string;
  payload: string;
  status: 'PENDING' | 'ACKED' | 'REJECTED' | 'ABANDONED';
  attempts: number;
  lastAttemptAt: string | null;
  nextAttemptAt: string | null;
  lastError: string | null;
  ackCode: string | null;
  ackedAt: string | null;
}

/** A report version written in the network: who wrote it and its delivery. */
export interface NetworkReportRow {
  accessionNumber: string;
  version: number;
  reporter: ReporterIdentity;
  delivery: OutboxEntry;
}

/** Order numbers the ORU needs (ORC-2/3, OBR-2/3) besides the order row. */
export interface OrderNumbers {
  placer: string | null;
  filler: string | null;
}

/** Inside one reporting transaction: the RIS writer plus claims, outbox and network versions. */
export interface ReportingWriter extends TrustWriter {
  /** The live claim on the study at `nowMs`, if any. */
  liveClaim(accessionNumber: string, nowMs: number): ClaimRow | undefined;
  deleteClaim(accessionNumber: string): void;
  /** The surviving patient, with MRNs, as the RIS knows them. */
  patientOf(patientId: number): RisPatientRow | undefined;
  /** Queues a message; `controlId(id)` derives MSH-10 from the outbox id, `payload(controlId)` builds it. */
  enqueue(destination: string, messageType: string, controlId: (id: number) => string, payload: (controlId: string) => string): OutboxEntry;
  linkNetworkReport(accessionNumber: string, version: number, reporter: ReporterIdentity, outboxId: number): void;
}

export type ClaimOutcome = { ok: true; claim: ClaimRow } | { ok: false; heldBy: ClaimRow };

export interface ReportingStore {
  /** One keyset page of the worklist, ordered by dueAt ascending (nulls last) then id. */
  worklistPage(query: WorklistQuery): { rows: WorklistRow[]; hasNextPage: boolean };
  /** Live claims (at `nowMs`) of these studies. */
  liveClaims(accessionNumbers: readonly string[], nowMs: number): Map<string, ClaimRow>;
  /**
   * Compare-and-set in one statement: takes the lease when there is none, it expired, or the
   * caller already holds it (then it is renewed); else reports the holder.
   */
  claim(accessionNumber: string, reporter: ReporterIdentity, nowMs: number, ttlMs: number): ClaimOutcome;
  /** Extends the caller's live claim; undefined when they hold none. */
  renew(accessionNumber: string, sub: string, nowMs: number, ttlMs: number): ClaimRow | undefined;
  /** Ends the caller's live claim; false when they held none. */
  release(accessionNumber: string, sub: string, nowMs: number): boolean;
  /** Claims that expired in (sinceMs, nowMs], and removes them (the study is back on the worklist). */
  takeExpiredClaims(nowMs: number): ClaimRow[];
  /** Runs `work` in one durable transaction. */
  transaction<T>(work: (writer: ReportingWriter) => T): T;
  /** Network-written versions of these studies, by accession then version. */
  networkReports(accessionNumbers: readonly string[]): Map<string, Map<number, NetworkReportRow>>;
  /** PENDING outbox rows due at `nowIso`, oldest first. */
  dueOutbox(nowIso: string, limit: number): OutboxEntry[];
  /** The earliest `next_attempt_at` of a PENDING row, if any. */
  nextOutboxAttempt(): string | undefined;
  /** Marks an attempt starting (attempts + 1, last_attempt_at) before the message is sent. */
  markAttempt(id: number, atIso: string): void;
  /** The RIS answered AA/CA. */
  markDelivered(id: number, ackCode: string, atIso: string): void;
  /** The RIS answered AE/AR/CE/CR: stop retrying, keep the reason. */
  markRejected(id: number, ackCode: string, error: string, atIso: string): void;
  /** No answer (down, timeout, closed): retry at `nextIso`. */
  markRetry(id: number, error: string, nextIso: string): void;
  outboxEntry(id: number): OutboxEntry | undefined;
}
