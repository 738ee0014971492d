import type { PatientClassValue, PriorityValue, ReportKindValue, ReportStatusValue, SexValue, StudyStatusValue } from '../../../schema/generated/enums.ts';
import type { ReporterValue, RisReportRow } from '../ris/ingest-port.ts';
import type { RisOrderRow } from './read-model.ts';
import type { FailedMessage, FailedStatus } from '../ris/ingest-port.ts';
import type { OrderRecord, PatientRecord, WorkflowStatus } from '../ris/ingest-port.ts';

/** Column shapes of the SQLite tables (see migrations.ts) and their mapping to domain rows. */

export interface PatientColumns {
  id: number;
  nhs_number: string | null;
  family: string | null;
  given: string;
  birth_date: string | null;
  sex: string | null;
  merged_into: number | null;
}

export interface OrderColumns {
  accession_number: string;
  patient_id: number;
  placer_order_number: string | null;
  filler_order_number: string | null;
  study_instance_uid: string | null;
  description: string | null;
  body_part: string | null;
  modality: string | null;
  priority: string | null;
  workflow_status: string;
  cancelled: number;
  status: string;
  requested_at: string | null;
  scheduled_at: string | null;
  performed_at: string | null;
  appointment_cancelled_at: string | null;
  order_missing: number;
  procedure_code: string | null;
  procedure_coding_system: string | null;
  patient_class: string | null;
  on_hold: number;
  did_not_attend_at: string | null;
  wait_started_at: string | null;
  cancelled_at: string | null;
}

export interface ReportColumns {
  accession_number: string;
  version: number;
  status: string;
  text: string;
  reported_at: string | null;
  author: string | null;
  kind: string;
  attachment: string | null;
  reporter: string | null;
  assistant: string | null;
}

export interface FailedColumns {
  id: number;
  journal_id: number;
  received_at: string;
  failed_at: string;
  remote_address: string | null;
  sending_application: string | null;
  sending_facility: string | null;
  control_id: string | null;
  message_type: string | null;
  ack_code: string;
  err_code: number;
  reason: string;
  location: string | null;
  status: string;
  attempts: number;
  replayed_at: string | null;
}

export function toPatientRecord(c: PatientColumns): PatientRecord {
  return {
    id: c.id,
    nhsNumber: c.nhs_number,
    family: c.family,
    given: JSON.parse(c.given) as string[],
    birthDate: c.birth_date,
    sex: c.sex as SexValue | null,
    mergedInto: c.merged_into,
  };
}

/** The whole order as the ingest sees it: the read model's row plus the workflow columns. */
export function toOrderRecord(c: OrderColumns): OrderRecord {
  return {
    ...toOrderRow(c),
    placerOrderNumber: c.placer_order_number,
    fillerOrderNumber: c.filler_order_number,
    workflowStatus: c.workflow_status as WorkflowStatus,
    cancelled: c.cancelled !== 0,
    appointmentCancelledAt: c.appointment_cancelled_at,
    onHold: c.on_hold !== 0,
    didNotAttendAt: c.did_not_attend_at,
    cancelledAt: c.cancelled_at,
  };
}

export function toOrderRow(c: OrderColumns): RisOrderRow {
  return {
    accessionNumber: c.accession_number,
    studyInstanceUid: c.study_instance_uid,
    patientId: c.patient_id,
    description: c.description,
    bodyPart: c.body_part,
    modality: c.modality,
    priority: c.priority as PriorityValue | null,
    status: c.status as StudyStatusValue,
    requestedAt: c.requested_at,
    scheduledAt: c.scheduled_at,
    performedAt: c.performed_at,
    orderMissing: c.order_missing !== 0,
    procedureCode: c.procedure_code,
    procedureCodingSystem: c.procedure_coding_system,
    patientClass: c.patient_class as PatientClassValue | null,
    waitStartedAt: c.wait_started_at,
  };
}

export function toReportRow(c: ReportColumns): RisReportRow {
  return {
    accessionNumber: c.accession_number,
    version: c.version,
    status: c.status as ReportStatusValue,
    text: c.text,
    reportedAt: c.reported_at,
    author: c.author,
    kind: c.kind as ReportKindValue,
    hasAttachment: c.attachment !== null,
    reporter: c.reporter === null ? null : (JSON.parse(c.reporter) as ReporterValue),
    assistant: c.assistant === null ? null : (JSON.parse(c.assistant) as ReporterValue),
  };
}

export function toFailedMessage(c: FailedColumns): FailedMessage {
  return {
    id: c.id,
    journalId: c.journal_id,
    receivedAt: c.received_at,
    failedAt: c.failed_at,
    remoteAddress: c.remote_address,
    sender:
      c.sending_application === null && c.sending_facility === null
        ? null
        : `${c.sending_application ?? ''}/${c.sending_facility ?? ''}`,
    controlId: c.control_id,
    messageType: c.message_type,
    ackCode: c.ack_code,
    errCode: c.err_code,
    reason: c.reason,
    location: c.location,
    status: c.status as FailedStatus,
    attempts: c.attempts,
    replayedAt: c.replayed_at,
  };
}

/** Splits a key list into chunks small enough for one `IN (…)` (SQLite's bound-parameter limit). */
export function chunks<T>(items: readonly T[], size = 500): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}
