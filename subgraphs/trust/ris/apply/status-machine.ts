import type { ReportKindValue, ReportStatusValue, StudyStatusValue } from '../../../../schema/generated/enums.ts';
import type { RisReportRow } from '../ingest-port.ts';
import type { WorkflowStatus } from '../ingest-port.ts';
import { reportedStudyStatus } from '../current-report.ts';
import { isTableValue, OrderControl, OrderStatus, ResultStatus } from '../hl7/vocabulary.ts';

/**
 * The study status machine. The table (copied to the README):
 *
 * | message                                      | effect                                                |
 * |----------------------------------------------|-------------------------------------------------------|
 * | ORC-1 NW (new order)                         | workflow → REQUESTED; reinstates a cancelled order when its ORC-9 is after the cancellation |
 * | ORC-1 SC, ORC-5 SC (scheduled)               | workflow → SCHEDULED                                  |
 * | SIU^S12 / S13 / S14                          | workflow → SCHEDULED, scheduledAt set; clears a DNA   |
 * | SIU SCH-25 `Started` (table 0278)            | workflow → ARRIVED                                    |
 * | SIU^S26, SCH-25 `Noshow`                     | did not attend: DID_NOT_ATTEND, DM01 clock restarts; a later booking (SIU or ORC SC) clears it |
 * | SIU^S15 (appointment cancelled)              | noted (appointmentCancelledAt); order unchanged; a patient cancellation (SCH-6) restarts the DM01 clock |
 * | ORC-1 SC, ORC-5 IP (in process)              | workflow → IN_PROGRESS; hold and DNA end              |
 * | ORC-1 SC, ORC-5 CM (completed)               | workflow → COMPLETED; hold and DNA end                |
 * | ORC-1 HD / OH / HR, or ORC-5 HD              | on hold (ON_HOLD)                                     |
 * | ORC-1 RL / OR (hold released)                | hold ends                                             |
 * | ORC-1 CA / OC / DC / CR / OD / DR            | cancelled                                             |
 * | ORC-1 SC, ORC-5 CA / DC                      | cancelled                                             |
 * | ORC-1 XO / XX                                | details only                                          |
 * | ORU OBR-25 P or R                            | report version PRELIMINARY (R: stored, not verified)  |
 * | ORU OBR-25 F                                 | FINAL; a further, different F after a final is an ADDENDUM (CORRECTED); an identical one is a resend |
 * | ORU OBR-25 C                                 | CORRECTION (CORRECTED)                                |
 * | ORU OBR-25 X                                 | cancels the order (no results: order cancelled); no report version |
 *
 * Tables: ORC-1 order control 0119, ORC-5 order status 0038, OBR-25 result status 0123, SCH-25
 * filler status 0278 (HL7 v2.5.1 ch. 4.5.1, 7.4.1, 10.6.2). Workflow only moves forward
 * (REQUESTED < SCHEDULED < ARRIVED < IN_PROGRESS < COMPLETED): messages arrive late and out of
 * order, and a late SC after CM must not un-complete a study. Cancellation is sticky, except for a
 * new order (NW) sent after it: the RIS reinstated the request.
 *
 * The study's status (StudyStatus) is derived: CANCELLED if cancelled; else from its reports
 * (ris/current-report.ts: PRELIMINARY, FINAL, or AMENDED once a final was corrected or had an
 * addendum); else ON_HOLD while held; else DID_NOT_ATTEND after a DNA not yet followed by a new
 * booking or the exam; else the workflow status.
 */

const WORKFLOW_RANK: Record<WorkflowStatus, number> = { REQUESTED: 0, SCHEDULED: 1, ARRIVED: 2, IN_PROGRESS: 3, COMPLETED: 4 };

/** What an order message does to an order's workflow. */
export type OrderTransition =
  | { kind: 'advance'; to: WorkflowStatus }
  | { kind: 'cancel' }
  | { kind: 'hold' }
  | { kind: 'release' }
  /** Change details only (XO/XX, or SC without a status this machine knows). */
  | { kind: 'details' }
  /** ORC-1 outside the codes above: details applied, AA with a warning. */
  | { kind: 'unknown'; orderControl: string };

/** Table 0119 codes that end an order: cancel, cancelled, discontinue(d), (as requested). */
const CANCEL_CONTROLS: ReadonlySet<OrderControl> = new Set<OrderControl>(['CA', 'OC', 'DC', 'CR', 'OD', 'DR']);
/** Table 0119: hold order request, order held, on hold as requested. */
const HOLD_CONTROLS: ReadonlySet<OrderControl> = new Set<OrderControl>(['HD', 'OH', 'HR']);
/** Table 0119: release previous hold, released as requested. */
const RELEASE_CONTROLS: ReadonlySet<OrderControl> = new Set<OrderControl>(['RL', 'OR']);
/** Table 0038 order status → workflow position (SC with these). */
const STATUS_ADVANCE: Partial<Record<OrderStatus, WorkflowStatus>> = { SC: 'SCHEDULED', IP: 'IN_PROGRESS', CM: 'COMPLETED' };

/** ORC-1 (table 0119) and ORC-5 (table 0038) → transition. */
export function orderTransition(orderControl: string, orderStatus: string): OrderTransition {
  const control = orderControl.trim().toUpperCase();
  const status = orderStatus.trim().toUpperCase();
  if (!isTableValue(OrderControl, control)) return { kind: 'unknown', orderControl: control };
  if (control === 'NW') return { kind: 'advance', to: 'REQUESTED' };
  if (CANCEL_CONTROLS.has(control)) return { kind: 'cancel' };
  if (HOLD_CONTROLS.has(control)) return { kind: 'hold' };
  if (RELEASE_CONTROLS.has(control)) return { kind: 'release' };
  if (control === 'XO' || control === 'XX') return { kind: 'details' };
  if (control === 'SC' && isTableValue(OrderStatus, status)) {
    if (status === 'CA' || status === 'DC') return { kind: 'cancel' };
    if (status === 'HD') return { kind: 'hold' };
    const to = STATUS_ADVANCE[status];
    if (to) return { kind: 'advance', to };
    return { kind: 'details' };
  }
  if (control === 'SC') return { kind: 'details' };
  return { kind: 'unknown', orderControl: control };
}

/** The later of two workflow positions (workflow only moves forward). */
export function advanceWorkflow(current: WorkflowStatus | undefined, to: WorkflowStatus): WorkflowStatus {
  if (current === undefined) return to;
  return WORKFLOW_RANK[to] > WORKFLOW_RANK[current] ? to : current;
}

/** True once the examination has been done (or started): holds and DNAs no longer apply. */
export function examinationStarted(workflow: WorkflowStatus): boolean {
  return WORKFLOW_RANK[workflow] >= WORKFLOW_RANK.IN_PROGRESS;
}

/** OBR-25 values (table 0123) an ORU acts on: report versions (P, R, F, C) and X (cancel). */
export type ReportResultStatus = Extract<ResultStatus, 'P' | 'R' | 'F' | 'C' | 'X'>;

export function isReportResultStatus(value: string): value is ReportResultStatus {
  return value === 'P' || value === 'R' || value === 'F' || value === 'C' || value === 'X';
}

/** What a new report version is, given the versions before it (see the table above). */
export function classifyReportVersion(
  result: Exclude<ReportResultStatus, 'X'>,
  text: string,
  earlier: readonly Pick<RisReportRow, 'status' | 'kind' | 'text'>[],
): { status: ReportStatusValue; kind: ReportKindValue } {
  switch (result) {
    case 'P':
    case 'R':
      return { status: 'PRELIMINARY', kind: 'ORIGINAL' };
    case 'C':
      return { status: 'CORRECTED', kind: 'CORRECTION' };
    case 'F': {
      // A resend of a version already held (same text) is that version again, not an addendum.
      const same = earlier.find((v) => (v.status === 'FINAL' || v.status === 'CORRECTED') && v.text === text);
      if (same) return { status: same.status, kind: same.kind };
      // A further F after a final is an addendum. A late original F after only a correction is
      // still the original (the correction already corrects it).
      return earlier.some((v) => v.status === 'FINAL' || (v.status === 'CORRECTED' && v.kind === 'ADDENDUM'))
        ? { status: 'CORRECTED', kind: 'ADDENDUM' }
        : { status: 'FINAL', kind: 'ORIGINAL' };
    }
  }
}

/**
 * The study status the reports give: the current version's (ris/current-report.ts, the one
 * derivation shared with `Study.report`), never the last received one.
 */
export function currentReportStatus(
  versions: readonly Pick<RisReportRow, 'status' | 'version'>[],
): 'PRELIMINARY' | 'FINAL' | 'AMENDED' | null {
  return reportedStudyStatus(versions);
}

/** The study's status: CANCELLED, else its reports', else on hold, else DNA, else its workflow's. */
export function deriveStudyStatus(order: {
  cancelled: boolean;
  workflowStatus: WorkflowStatus;
  onHold?: boolean;
  didNotAttendAt?: string | null;
  reports: readonly Pick<RisReportRow, 'status' | 'version'>[];
}): StudyStatusValue {
  if (order.cancelled) return 'CANCELLED';
  const reported = currentReportStatus(order.reports);
  if (reported) return reported;
  if (order.onHold) return 'ON_HOLD';
  if (order.didNotAttendAt && !examinationStarted(order.workflowStatus)) return 'DID_NOT_ATTEND';
  return order.workflowStatus;
}
