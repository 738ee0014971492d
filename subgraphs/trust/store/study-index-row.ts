import { sortMillis, studyIdPayload } from '../../../schema/index.ts';
import type { RisOrderRow } from './read-model.ts';
import type { RisReportRow } from '../ris/ingest-port.ts';
import type { PacsStudy } from '../pacs/study-mapping.ts';
import { dicomNhsNumber } from '../pacs/dicom-nhs-number.ts';
import { currentReport } from '../ris/current-report.ts';
import { firstFinalReportMillis } from '../capacity/first-final-report.ts';
import { joinedModalities, joinedPerformedAt, joinedSortAt, joinedStatus } from './study-join.ts';

/**
 * `sort_key` of a study without any time: after every real instant (|Date| ≤ 8.64e15 ms), so
 * one ascending index gives the network order (newest first, timeless last; study-order.ts).
 */
export const NO_SORT_TIME = 9e15;

/** The index's sort key of an instant (ms) or of no time. */
export function sortKeyOf(millis: number | null): number {
  return millis === null ? NO_SORT_TIME : -millis;
}

/** The instant (ms) of a sort key, null for a study without a time. */
export function millisOfSortKey(key: number): number | null {
  return key === NO_SORT_TIME ? null : -key;
}

/** One row of the study index: every column a `StudyFilter` or the network order needs. */
export interface StudyIndexRow {
  idKey: string;
  accessionNumber: string | null;
  studyInstanceUid: string | null;
  pacsUid: string | null;
  hasOrder: boolean;
  risPatientId: number | null;
  pacsPatientId: string | null;
  nhsNumber: string | null;
  modalities: string[];
  status: string;
  priority: string | null;
  sortKey: number;
  sortAt: string | null;
  performedAt: string | null;
  scheduledAt: string | null;
  requestedAt: string | null;
  reportedAt: string | null;
  seriesCount: number | null;
  imageCount: number | null;
  description: string | null;
  bodyPart: string | null;
  /**
   * Capacity columns (null on a row without an order, or when the time is absent or not a time):
   * epoch ms of the RIS request, schedule and examination (the RIS's own performed time, not the
   * joined one) and of the first final report (first-final-report.ts). Capacity selects the
   * orders of a window by these with index range scans instead of reading every order.
   */
  requestedMs: number | null;
  scheduledMs: number | null;
  risPerformedMs: number | null;
  firstFinalMs: number | null;
}

/** Epoch ms of a stored time, as capacity parses it (compute-capacity.ts: Date.parse), else null. */
function millisOrNull(at: string | null | undefined): number | null {
  if (at === null || at === undefined) return null;
  const millis = Date.parse(at);
  return Number.isNaN(millis) ? null : millis;
}

export interface StudyIndexInput {
  order: RisOrderRow | undefined;
  pacs: PacsStudy | undefined;
  /** The order's report versions, oldest first. */
  reports: readonly RisReportRow[];
  /** NHS number of the order's (surviving) patient. */
  patientNhsNumber: string | null;
  /**
   * `uid`: a further PACS study of an accession whose primary study holds the accession-keyed id
   * (primary-pacs-study.ts), keyed by its Study Instance UID. @default 'accession'
   */
  keyedBy?: 'accession' | 'uid';
  /** The trust's national number (`hl7.nationalNumber`): CHI/HC trusts never read a bare PatientID as NHS. @default 'NHS' */
  nationalNumber?: 'NHS' | 'CHI' | 'HC';
}

/**
 * The order fields `studyIndexRow` and the join (`SqliteStudyIndex`: accession, else the order's
 * Study Instance UID) read. A save that changes none of them leaves the study's rows as they are,
 * so the writer does not re-join it (issue 16: most of the ingest's reads were that re-join).
 * Keep in step with `studyIndexRow`: the index-equals-rebuild test catches a field left out.
 */
export const INDEXED_ORDER_FIELDS = [
  'accessionNumber', 'patientId', 'studyInstanceUid', 'description', 'bodyPart', 'modality', 'priority', 'status',
  'requestedAt', 'scheduledAt', 'performedAt',
] as const satisfies ReadonlyArray<keyof RisOrderRow>;

/**
 * The index row of one joined study. Pure; the same derivations as the resolvers
 * (study-join.ts, ris/current-report.ts), so the index never disagrees with a resolved study.
 */
export function studyIndexRow({ order, pacs, reports, patientNhsNumber, keyedBy = 'accession', nationalNumber = 'NHS' }: StudyIndexInput): StudyIndexRow {
  if (!order && !pacs) throw new Error('studyIndexRow needs an order or a PACS study');
  const accessionNumber = order?.accessionNumber ?? (pacs?.accessionNumber || null);
  const studyInstanceUid = pacs?.studyInstanceUid ?? order?.studyInstanceUid ?? null;
  const idKey = accessionNumber && !(keyedBy === 'uid' && pacs)
    ? studyIdPayload('accession', accessionNumber)
    : studyIdPayload('uid', studyInstanceUid as string);
  const sortAt = joinedSortAt(order, pacs);
  return {
    idKey,
    accessionNumber,
    studyInstanceUid,
    pacsUid: pacs?.studyInstanceUid ?? null,
    hasOrder: order !== undefined,
    risPatientId: order?.patientId ?? null,
    pacsPatientId: pacs?.patientId ?? null,
    nhsNumber: order ? patientNhsNumber : pacs ? dicomNhsNumber(pacs, nationalNumber) : null,
    modalities: joinedModalities(order, pacs),
    status: joinedStatus(order),
    priority: order?.priority ?? null,
    sortKey: sortKeyOf(sortMillis(sortAt)),
    sortAt,
    performedAt: joinedPerformedAt(order, pacs),
    scheduledAt: order?.scheduledAt ?? null,
    requestedAt: order?.requestedAt ?? null,
    reportedAt: order ? (currentReport(reports)?.reportedAt ?? null) : null,
    seriesCount: pacs?.seriesCount ?? null,
    imageCount: pacs?.imageCount ?? null,
    description: order?.description ?? pacs?.description ?? null,
    bodyPart: order?.bodyPart ?? null,
    requestedMs: millisOrNull(order?.requestedAt),
    scheduledMs: millisOrNull(order?.scheduledAt),
    risPerformedMs: millisOrNull(order?.performedAt),
    firstFinalMs: order ? (firstFinalReportMillis(reports)?.millis ?? null) : null,
  };
}
