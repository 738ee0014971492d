import type { OrderRecord, PatientChanges, TrustWriter } from '../ingest-port.ts';
import type { FillerStatus } from '../hl7/vocabulary.ts';
import type { Hl7Warning } from './apply-error.ts';
import type { AppointmentFacts, DomainEvent, OrderFacts, PatientFacts, ReportFacts } from './domain-events.ts';
import { advanceWorkflow, classifyReportVersion, deriveStudyStatus, examinationStarted, orderTransition } from './status-machine.ts';

/** How a message may change a patient it names. */
type PatientMode =
  /** ADT: the PAS is the source of truth; apply every change. */
  | 'update'
  /** Orders, reports, schedules: create an unknown patient, else only fill what is missing. */
  | 'fill';

/**
 * Writes domain events through the store's writer; call inside `store.transaction`. Returns the
 * warnings found while applying (an unknown ORC-1).
 */
export function applyEvents(writer: TrustWriter, events: readonly DomainEvent[], journalId: number | null): Hl7Warning[] {
  const warnings: Hl7Warning[] = [];
  for (const event of events) {
    switch (event.type) {
      case 'patient-registered':
        resolvePatient(writer, event.patient, 'update');
        break;
      case 'patients-merged':
        applyMerge(writer, event.retiredMrn, event.survivor);
        break;
      case 'order-changed':
        applyOrder(writer, resolvePatient(writer, event.patient, 'fill'), event.order, warnings);
        break;
      case 'report-received':
        applyReport(writer, resolvePatient(writer, event.patient, 'fill'), event.report, journalId, warnings);
        break;
      case 'appointment-changed':
        applyAppointment(writer, resolvePatient(writer, event.patient, 'fill'), event.appointment);
        break;
    }
  }
  return warnings;
}

/**
 * Finds (or creates) the surviving patient a message names: by MRN, following merges (a message
 * quoting an MRN merged away applies to the survivor), else by NHS number when no MRN was sent.
 */
export function resolvePatient(writer: TrustWriter, facts: PatientFacts, mode: PatientMode): number {
  let id: number | undefined;
  if (facts.mrn !== null) {
    const holder = writer.patientIdByMrn(facts.mrn);
    if (holder !== undefined) id = writer.survivorOf(holder);
  } else if (facts.nhsNumber !== null) {
    id = writer.patientIdsByNhsNumber(facts.nhsNumber)[0];
  }
  if (id === undefined) {
    id = writer.createPatient(facts.changes);
    if (facts.mrn !== null) writer.addMrn(id, facts.mrn);
  } else {
    writer.updatePatient(id, mode === 'update' ? facts.changes : missingOnly(writer, id, facts.changes));
  }
  for (const national of facts.nationalIds) writer.addIdentifier(id, national.type, national.value);
  return id;
}

/** The changes that fill empty values only (an order's PID never overrides the PAS's ADT). */
function missingOnly(writer: TrustWriter, id: number, changes: PatientChanges): PatientChanges {
  const current = writer.patient(id);
  if (!current) return {};
  const out: PatientChanges = {};
  if (changes.nhsNumber && current.nhsNumber === null) out.nhsNumber = changes.nhsNumber;
  if (changes.family && current.family === null) out.family = changes.family;
  if (changes.given && changes.given.length > 0 && current.given.length === 0) out.given = changes.given;
  if (changes.birthDate && current.birthDate === null) out.birthDate = changes.birthDate;
  if (changes.sex && current.sex === null) out.sex = changes.sex;
  return out;
}

/**
 * A40: the retired MRN's patient (followed to its survivor) merges into PID-3's patient.
 * Repeated, reversed and already-merged A40s end at the same survivor and change nothing; a
 * self-merge (MRG-1 = PID-3) is a no-op; an unknown retired MRN is recorded on the survivor so
 * later messages quoting it find the survivor.
 */
function applyMerge(writer: TrustWriter, retiredMrn: string, survivorFacts: PatientFacts): void {
  const survivor = resolvePatient(writer, survivorFacts, 'update');
  if (retiredMrn === survivorFacts.mrn) return;
  const holder = writer.patientIdByMrn(retiredMrn);
  if (holder === undefined) {
    writer.addMrn(survivor, retiredMrn);
    return;
  }
  const retired = writer.survivorOf(holder);
  if (retired === survivor) return;
  writer.mergePatient(retired, survivor);
}

function recompute(writer: TrustWriter, order: OrderRecord): OrderRecord {
  return { ...order, status: deriveStudyStatus({ ...order, reports: writer.reportVersions(order.accessionNumber) }) };
}

function newOrder(accessionNumber: string, patientId: number): OrderRecord {
  return {
    accessionNumber,
    patientId,
    placerOrderNumber: null,
    fillerOrderNumber: null,
    studyInstanceUid: null,
    description: null,
    bodyPart: null,
    modality: null,
    priority: null,
    workflowStatus: 'REQUESTED',
    cancelled: false,
    status: 'REQUESTED',
    requestedAt: null,
    scheduledAt: null,
    performedAt: null,
    appointmentCancelledAt: null,
    orderMissing: false,
    procedureCode: null,
    procedureCodingSystem: null,
    patientClass: null,
    onHold: false,
    didNotAttendAt: null,
    waitStartedAt: null,
    cancelledAt: null,
  };
}

/** Copies the defined fields of `facts` (undefined = unchanged, null = cleared). */
function assignDefined<K extends keyof OrderRecord>(order: OrderRecord, facts: Partial<Record<K, unknown>>, keys: readonly K[]): void {
  for (const key of keys) {
    const value = facts[key];
    if (value !== undefined) (order as unknown as Record<string, unknown>)[key] = value;
  }
}

const ORDER_DETAIL_KEYS = [
  'placerOrderNumber',
  'fillerOrderNumber',
  'studyInstanceUid',
  'description',
  'procedureCode',
  'procedureCodingSystem',
  'bodyPart',
  'modality',
  'priority',
  'patientClass',
  'scheduledAt',
  'performedAt',
] as const;

/** True when `later` is a known instant strictly after `earlier`. */
function isAfter(later: string | null, earlier: string | null): boolean {
  if (later === null || earlier === null) return false;
  return Date.parse(later) > Date.parse(earlier);
}

function applyOrder(writer: TrustWriter, patientId: number, facts: OrderFacts, warnings: Hl7Warning[]): void {
  const existing = writer.order(facts.accessionNumber);
  const order: OrderRecord = existing ? { ...existing } : newOrder(facts.accessionNumber, patientId);
  order.patientId = patientId;
  // An order message has now been received for it.
  order.orderMissing = false;
  assignDefined(order, facts, ORDER_DETAIL_KEYS);
  if (facts.requestedAt !== undefined && (facts.orderControl === 'NW' || order.requestedAt === null)) {
    order.requestedAt = facts.requestedAt;
  }
  // DM01: the clock starts when the request was received; a DNA or patient cancellation restarts
  // it (and a resent NW must not undo that restart: only a clock still at the request follows it).
  if (order.waitStartedAt === null || (facts.orderControl === 'NW' && existing?.waitStartedAt === existing?.requestedAt)) {
    order.waitStartedAt = order.requestedAt;
  }
  const transition = orderTransition(facts.orderControl, facts.orderStatus);
  switch (transition.kind) {
    case 'advance':
      if (order.cancelled && transition.to === 'REQUESTED' && isAfter(facts.transactionAt, order.cancelledAt)) {
        // A new order after the cancellation: the RIS reinstated the request.
        order.cancelled = false;
        order.cancelledAt = null;
      }
      order.workflowStatus = advanceWorkflow(existing?.workflowStatus, transition.to);
      // A booking (ORC SC/SC) made after a did-not-attend: the patient is expected again.
      if (transition.to === 'SCHEDULED' && isAfter(facts.transactionAt, order.didNotAttendAt)) order.didNotAttendAt = null;
      if (examinationStarted(order.workflowStatus)) {
        order.onHold = false;
        order.didNotAttendAt = null;
      }
      break;
    case 'cancel':
      if (!order.cancelled) order.cancelledAt = facts.transactionAt;
      order.cancelled = true;
      break;
    case 'hold':
      order.onHold = true;
      break;
    case 'release':
      order.onHold = false;
      break;
    case 'details':
      break;
    case 'unknown':
      warnings.push({ code: 103, location: 'ORC-1', text: `order control ${JSON.stringify(transition.orderControl)} applied as a detail change` });
      break;
  }
  writer.saveOrder(recompute(writer, order));
}

/**
 * ORU: a report version (P/R preliminary, F final or addendum, C correction), or, for OBR-25 X
 * (table 0123: "no results available; order cancelled"), the order's cancellation. A report for
 * an order never received creates the order from the OBR, flagged `orderMissing`, so the study
 * is visible with its report; the order message, if it ever comes, completes it.
 */
function applyReport(writer: TrustWriter, patientId: number, facts: ReportFacts, journalId: number | null, warnings: Hl7Warning[]): void {
  let order = writer.order(facts.accessionNumber);
  if (!order) {
    order = newOrder(facts.accessionNumber, patientId);
    order.orderMissing = true;
    const o = facts.order;
    order.placerOrderNumber = o.placerOrderNumber ?? null;
    order.fillerOrderNumber = o.fillerOrderNumber ?? null;
    order.description = o.description ?? null;
    order.procedureCode = o.procedureCode ?? null;
    order.procedureCodingSystem = o.procedureCodingSystem ?? null;
    order.modality = o.modality ?? null;
    order.requestedAt = o.requestedAt ?? null;
    order.waitStartedAt = order.requestedAt;
    order.patientClass = o.patientClass ?? null;
    warnings.push({ code: 204, location: 'OBR-18', text: 'no order on record for this accession: the study was created from the OBR' });
  }
  const updated = { ...order };
  if (facts.performedAt !== undefined) updated.performedAt = facts.performedAt;
  if (facts.resultStatus === 'X') {
    if (!updated.cancelled) updated.cancelledAt = facts.reportedAt;
    updated.cancelled = true;
  } else {
    const earlier = writer.reportVersions(facts.accessionNumber);
    const { status, kind } = classifyReportVersion(facts.resultStatus, facts.text, earlier);
    writer.addReportVersion({
      accessionNumber: facts.accessionNumber,
      status,
      kind,
      resultStatus: facts.resultStatus,
      text: facts.text,
      reportedAt: facts.reportedAt,
      author: facts.author,
      reporter: facts.reporter,
      assistant: facts.assistant,
      attachment: facts.attachment,
      patientId,
      journalId,
    });
    // A report means the examination was done, whatever the RIS's workflow messages said.
    updated.workflowStatus = advanceWorkflow(updated.workflowStatus, 'COMPLETED');
    updated.onHold = false;
    updated.didNotAttendAt = null;
  }
  writer.saveOrder(recompute(writer, updated));
}

/**
 * SIU: S12–S14 book or move the appointment (workflow → SCHEDULED, forward only; SCH-25
 * `Started` → ARRIVED). S26 (or SCH-25 `Noshow`) records a did-not-attend and restarts the DM01
 * clock; a new booking (S12/S13) clears it. S15 cancels the appointment, not the order: the examination is still wanted and the RIS sends ORC CA/OC when
 * the order itself ends, so the cancellation is noted (appointmentCancelledAt) and the status
 * kept. An SIU for an accession without an order creates the order, already scheduled.
 */
/**
 * The order an appointment is about. SIU carries no IPC or OBR, so its accession number may be
 * only the filler order number (SCH-27); when no order has that accession, the order whose filler
 * (else placer, SCH-26) order number it is stands for it.
 */
function appointmentOrder(writer: TrustWriter, facts: AppointmentFacts): OrderRecord | undefined {
  return (
    writer.order(facts.accessionNumber) ??
    (facts.fillerOrderNumber ? writer.orderByOrderNumber('filler', facts.fillerOrderNumber) : undefined) ??
    (facts.placerOrderNumber ? writer.orderByOrderNumber('placer', facts.placerOrderNumber) : undefined)
  );
}

/** Table 0278 filler statuses the appointment rules act on (SCH-25). */
const NOSHOW: FillerStatus = 'NOSHOW';
const STARTED: FillerStatus = 'STARTED';

function applyAppointment(writer: TrustWriter, patientId: number, facts: AppointmentFacts): void {
  const existing = appointmentOrder(writer, facts);
  const order: OrderRecord = existing ? { ...existing } : newOrder(facts.accessionNumber, patientId);
  if (!existing) order.patientId = patientId;
  const at = facts.messageTime ?? new Date().toISOString();
  if (facts.event === 'S26' || facts.fillerStatus === NOSHOW) {
    // Did not attend: the booking is spent and the DM01 clock restarts (NHS England DM01 guidance).
    if (!examinationStarted(order.workflowStatus)) {
      order.didNotAttendAt = at;
      order.waitStartedAt = at;
    }
  } else if (facts.event === 'S15') {
    order.appointmentCancelledAt = at;
    if (facts.patientCancelled && !examinationStarted(order.workflowStatus)) order.waitStartedAt = at;
  } else {
    order.workflowStatus = advanceWorkflow(existing?.workflowStatus, facts.fillerStatus === STARTED ? 'ARRIVED' : 'SCHEDULED');
    order.appointmentCancelledAt = null;
    // A new booking after a DNA: the patient is expected again.
    if (order.didNotAttendAt !== null && facts.event !== 'S14') order.didNotAttendAt = null;
    if (facts.fillerStatus === STARTED) order.didNotAttendAt = null;
    if (facts.scheduledAt !== undefined) order.scheduledAt = facts.scheduledAt;
  }
  if (facts.description !== undefined && (order.description === null || !existing)) order.description = facts.description;
  if (facts.placerOrderNumber && !order.placerOrderNumber) order.placerOrderNumber = facts.placerOrderNumber;
  if (facts.fillerOrderNumber && !order.fillerOrderNumber) order.fillerOrderNumber = facts.fillerOrderNumber;
  writer.saveOrder(recompute(writer, order));
}
