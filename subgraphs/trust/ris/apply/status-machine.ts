import type { ReportStatusValue, RisReportRow, StudyStatusValue } from '../../store/read-model.ts';
import type { WorkflowStatus } from '../../store/write-model.ts';
import { reportedStudyStatus } from '../../store/current-report.ts';

/**
 * The study status machine. The table (copied to the README):
 *
 * | message                                   | effect                                              |
 * |-------------------------------------------|-----------------------------------------------------|
 * | ORC-1 NW (new order)                      | workflow → REQUESTED                                |
 * | ORC-1 SC, ORC-5 SC (scheduled)            | workflow → SCHEDULED                                |
 * | SIU^S12 / S13 / S14                       | workflow → SCHEDULED, scheduledAt set               |
 * | SIU^S15 (appointment cancelled)           | noted (appointmentCancelledAt); order unchanged     |
 * | ORC-1 SC, ORC-5 IP (in process)           | workflow → IN_PROGRESS                              |
 * | ORC-1 SC, ORC-5 CM (completed)            | workflow → COMPLETED                                |
 * | ORC-1 CA / OC / DC / CR / OD / DR         | cancelled                                           |
 * | ORC-1 SC, ORC-5 CA / DC                   | cancelled                                           |
 * | ORC-1 XO / XX                             | details only                                        |
 * | ORU OBR-25 P                              | report version PRELIMINARY                          |
 * | ORU OBR-25 F                              | FINAL; CORRECTED when a final version exists        |
 * | ORU OBR-25 C                              | CORRECTED                                           |
 * | ORU OBR-25 X                              | CANCELLED (the report, not the order)               |
 *
 * Tables: ORC-1 order control 0119, ORC-5 order status 0038, OBR-25 result status 0123 (HL7
 * v2.5.1 ch. 4.5.1 and 7.4.1). Workflow only moves forward (REQUESTED < SCHEDULED < IN_PROGRESS
 * < COMPLETED): messages arrive late and out of order, and a late SC after CM must not
 * un-complete a study. Cancellation is sticky.
 *
 * The study's status (StudyStatus) is derived: CANCELLED if cancelled; else from its reports
 * (PRELIMINARY, FINAL, or AMENDED once a final was corrected or followed by another final);
 * else the workflow status. So a report outranks order messages that arrive after it.
 */

const WORKFLOW_RANK: Record<WorkflowStatus, number> = { REQUESTED: 0, SCHEDULED: 1, IN_PROGRESS: 2, COMPLETED: 3 };

/** What an order message does to an order's workflow. */
export type OrderTransition =
  | { kind: 'advance'; to: WorkflowStatus }
  | { kind: 'cancel' }
  /** Change details only (XO/XX, or SC without a status this machine knows). */
  | { kind: 'details' }
  /** ORC-1 outside the codes above: details applied, AA with a warning. */
  | { kind: 'unknown'; orderControl: string };

/** Table 0119 codes that end an order: cancel, cancelled, discontinue(d), (as requested). */
const CANCEL_CONTROLS = new Set(['CA', 'OC', 'DC', 'CR', 'OD', 'DR']);

/** ORC-1 (table 0119) and ORC-5 (table 0038) → transition. */
export function orderTransition(orderControl: string, orderStatus: string): OrderTransition {
  const control = orderControl.trim().toUpperCase();
  const status = orderStatus.trim().toUpperCase();
  if (control === 'NW') return { kind: 'advance', to: 'REQUESTED' };
  if (CANCEL_CONTROLS.has(control)) return { kind: 'cancel' };
  if (control === 'XO' || control === 'XX') return { kind: 'details' };
  if (control === 'SC') {
    switch (status) {
      case 'SC':
        return { kind: 'advance', to: 'SCHEDULED' };
      case 'IP':
        return { kind: 'advance', to: 'IN_PROGRESS' };
      case 'CM':
        return { kind: 'advance', to: 'COMPLETED' };
      case 'CA':
      case 'DC':
        return { kind: 'cancel' };
      default:
        return { kind: 'details' };
    }
  }
  return { kind: 'unknown', orderControl: control };
}

/** The later of two workflow positions (workflow only moves forward). */
export function advanceWorkflow(current: WorkflowStatus | undefined, to: WorkflowStatus): WorkflowStatus {
  if (current === undefined) return to;
  return WORKFLOW_RANK[to] > WORKFLOW_RANK[current] ? to : current;
}

/** OBR-25 values that carry a report version (table 0123). */
export type ReportResultStatus = 'P' | 'F' | 'C' | 'X';

export function isReportResultStatus(value: string): value is ReportResultStatus {
  return value === 'P' || value === 'F' || value === 'C' || value === 'X';
}

/**
 * Status of a new report version given the versions before it: a further F after a final is an
 * addendum, which the network shows as CORRECTED (the schema's `ReportStatus.CORRECTED`).
 */
export function reportVersionStatus(result: ReportResultStatus, earlier: readonly RisReportRow[]): ReportStatusValue {
  switch (result) {
    case 'P':
      return 'PRELIMINARY';
    case 'C':
      return 'CORRECTED';
    case 'X':
      return 'CANCELLED';
    case 'F':
      return currentReportStatus(earlier) === 'FINAL' || currentReportStatus(earlier) === 'AMENDED'
        ? 'CORRECTED'
        : 'FINAL';
  }
}

/**
 * The study status the reports give: the current version's (store/current-report.ts, the one
 * derivation shared with `Study.report`), never the last received one.
 */
export function currentReportStatus(
  versions: readonly Pick<RisReportRow, 'status' | 'version'>[],
): 'PRELIMINARY' | 'FINAL' | 'AMENDED' | null {
  return reportedStudyStatus(versions);
}

/** The study's status: CANCELLED, else its reports', else its workflow's. */
export function deriveStudyStatus(order: {
  cancelled: boolean;
  workflowStatus: WorkflowStatus;
  reports: readonly Pick<RisReportRow, 'status' | 'version'>[];
}): StudyStatusValue {
  if (order.cancelled) return 'CANCELLED';
  return currentReportStatus(order.reports) ?? order.workflowStatus;
}
