/**
 * What the trust's GraphQL resolvers read from the RIS side of the store. The SQL behind it is
 * the store's business (SQLite today, PostgreSQL later); resolvers see only these rows.
 *
 * Times are ISO 8601 strings with offset (as stored), or null.
 */
import type { PacsStudy } from '../pacs/study-mapping.ts';
import type { PatientClassValue, PriorityValue, StudyStatusValue } from '../../../schema/generated/enums.ts';
import type { PatientDemographics, RisReportRow } from '../ris/ingest-port.ts';

/** One RIS order (requested procedure), keyed by accession number within the trust. */
export interface RisOrderRow {
  accessionNumber: string;
  /** IPC-3 when the order carried one. */
  studyInstanceUid: string | null;
  /** The surviving patient's internal id (merges already followed). */
  patientId: number;
  /** OBR-4 text (else code). */
  description: string | null;
  bodyPart: string | null;
  /** OBR-24 / IPC-5 as given (the resolver maps unknown values to OT). */
  modality: string | null;
  priority: PriorityValue | null;
  /** Derived: CANCELLED, else the current report's status, else the workflow status. */
  status: StudyStatusValue;
  requestedAt: string | null;
  scheduledAt: string | null;
  performedAt: string | null;
  /** True while the order is known only from a report's OBR (the ORM was never received). */
  orderMissing: boolean;
  /** OBR-4.1 and OBR-4.3 (the display is `description`). */
  procedureCode: string | null;
  procedureCodingSystem: string | null;
  patientClass: PatientClassValue | null;
  /** When the DM01 wait started: request received, restarted by a DNA or patient cancellation. */
  waitStartedAt: string | null;
}

export interface RisPatientRow extends PatientDemographics {
  /** Internal id of the surviving patient. */
  id: number;
  /** Local MRNs of this patient (including those of patients merged into it). */
  mrns: string[];
  /**
   * Scottish CHI and Northern Irish H&C numbers of this patient (never NHS numbers: a trust's
   * `hl7.nationalNumber` says which its PID carries).
   */
  nationalIds: { type: 'CHI' | 'HC'; value: string }[];
}

/** One change of an order's backlog state (table study_status_history). */
export interface StatusHistoryRow {
  status: StudyStatusValue;
  /** The examination had been done (RIS performed time known, or workflow COMPLETED). */
  performed: boolean;
  waitStartedAt: string | null;
}

export interface RisOrderQuery {
  accessionNumber?: string;
  /** Orders of this (surviving) patient. */
  patientId?: number;
}

/** The read side of the trust store, as resolvers use it. All calls are synchronous (SQLite). */
export interface TrustReadModel extends StudyIndexReader {
  /** Orders matching every given condition (all orders when the query is empty). */
  findOrders(query: RisOrderQuery): RisOrderRow[];
  /** Orders by accession number, for joining a page of PACS studies in one call. */
  ordersByAccession(accessionNumbers: readonly string[]): Map<string, RisOrderRow>;
  /** Patients by internal id (following merges to survivors). */
  patientsById(ids: readonly number[]): Map<number, RisPatientRow>;
  /** The surviving patient with this NHS number, if the RIS knows one. */
  patientByNhsNumber(nhsNumber: string): RisPatientRow | undefined;
  /**
   * Every surviving patient with this NHS number, most recently updated first: a RIS may hold
   * two records for one number until the PAS merges them, and both are the patient's.
   */
  patientsByNhsNumber(nhsNumber: string): RisPatientRow[];
  /** The surviving patient holding this MRN (also an MRN merged away), if any. */
  patientByMrn(mrn: string): RisPatientRow | undefined;
  /** Every report version of each accession, oldest first. */
  reportsByAccession(accessionNumbers: readonly string[]): Map<string, RisReportRow[]>;
  /**
   * Each order's backlog state as the store knew it at `at` (ISO 8601): the last status-history
   * row recorded at or before it. Orders the store had not seen by then are absent.
   */
  statusHistoryAsOf(at: string, statuses?: readonly string[]): Map<string, StatusHistoryRow>;
}

/**
 * Which orders a capacity report must read (Query.capacity): those with a request, schedule, RIS
 * examination or first final report inside [fromMillis, toMillis], and, when `backlogStatuses`
 * is given, those whose status now is one of them (the backlog snapshot). A superset of the
 * orders that count; the capacity rules themselves run on the orders read.
 */
export interface CapacityScope {
  fromMillis: number;
  toMillis: number;
  backlogStatuses?: readonly string[];
  /** Only orders of these priorities (CapacityFilter.priorities). */
  priorities?: readonly string[];
}

/** Which rows belong to one patient: the RIS patient's orders, and PACS-only studies by PatientID. */
export interface StudyIndexPatientScope {
  risPatientId?: number;
  /** Every RIS record of the patient (a RIS may hold several for one NHS number). */
  risPatientIds?: readonly number[];
  pacsPatientIds: readonly string[];
}

/** A keyset position in the network order: the last row's sort key and id key. */
export interface StudyIndexPosition {
  sortKey: number;
  idKey: string;
}

/** One page request to the study index; every given condition must hold. */
export interface StudyIndexQuery {
  /** The row with this id key (a study id's payload: schema/study-id.ts). */
  idKey?: string;
  accessionNumber?: string;
  /** Any of these (Modality enum values). */
  modalities?: readonly string[];
  statuses?: readonly string[];
  /** Sort time within [fromMillis, toMillis]. */
  fromMillis?: number;
  toMillis?: number;
  patient?: StudyIndexPatientScope;
  /** Rows strictly after this position. */
  after?: StudyIndexPosition;
  limit: number;
}

/** A row of a page: its position, and the keys to join the order and the synced PACS study. */
export interface StudyIndexHit {
  idKey: string;
  sortKey: number;
  accessionNumber: string | null;
  pacsUid: string | null;
  hasOrder: boolean;
}

/** Read side of the study index (the SQL lives in the store). */
export interface StudyIndexReader {
  /** Rows in the network order after `query.after`, at most `query.limit`. */
  studyIndexPage(query: StudyIndexQuery): StudyIndexHit[];
  /** Synced PACS studies by Study Instance UID (the copy the index holds, no PACS call). */
  pacsStudiesByUid(uids: readonly string[]): Map<string, PacsStudy>;
  /** Synced PACS studies by accession number (several per accession: a re-scan), no PACS call. */
  pacsStudiesByAccession(accessionNumbers: readonly string[]): Map<string, PacsStudy[]>;
  /** Accession numbers of the orders in a capacity scope, from the index's SQL indexes. */
  capacityAccessions(scope: CapacityScope): string[];
}
