import type { PatientClassValue, PriorityValue } from '../../../schema/generated/enums.ts';
import type { DueAtRule } from '../store/reporting-model.ts';

/** Hours to report, by priority then patient class (`default` for any class not named). */
export type ReportingTargets = Partial<Record<PriorityValue, Partial<Record<PatientClassValue | 'default', number>>>>;

const WEEK = 7 * 24;

/**
 * The defaults (README, "Network reporting"): STAT within 1 hour; URGENT within 24 hours
 * (emergency 4); SUSPECTED_CANCER (2WW) within 48 hours (the faster diagnosis pathway needs the
 * report well inside its 28 days); ROUTINE and PLANNED: emergency and inpatients within 24 hours
 * (RCR audit standard: inpatient radiographs verified within 1 working day), everything else
 * within 4 weeks (NHS England, August 2023: every exam reported within 4 weeks).
 */
export const DEFAULT_REPORTING_TARGETS: Readonly<Record<PriorityValue, Partial<Record<PatientClassValue | 'default', number>>>> = {
  STAT: { default: 1 },
  URGENT: { EMERGENCY: 4, default: 24 },
  SUSPECTED_CANCER: { EMERGENCY: 24, INPATIENT: 24, default: 48 },
  ROUTINE: { EMERGENCY: 24, INPATIENT: 24, default: 4 * WEEK },
  PLANNED: { EMERGENCY: 24, INPATIENT: 24, default: 4 * WEEK },
};

/** The trust's targets over the defaults, priority by priority. */
export function mergeTargets(own: ReportingTargets): Record<PriorityValue, Partial<Record<PatientClassValue | 'default', number>>> {
  const out = { ...DEFAULT_REPORTING_TARGETS };
  for (const p of Object.keys(own) as PriorityValue[]) out[p] = { ...DEFAULT_REPORTING_TARGETS[p], ...own[p] };
  return out;
}

/** Hours for a study: an order without a priority is ROUTINE; an unknown patient class is OUTPATIENT. */
export function targetHours(targets: ReturnType<typeof mergeTargets>, priority: PriorityValue | null, patientClass: PatientClassValue | null): number {
  const byClass = targets[priority ?? 'ROUTINE'];
  return byClass[patientClass ?? 'OUTPATIENT'] ?? byClass.default ?? 4 * WEEK;
}

/**
 * `Study.dueAt` in epoch ms: the performed time plus the target. A study with no performed time
 * (a RIS that completed an order without OBR-7) counts from its scheduled, else requested, time,
 * so it is never dropped from the worklist; null when it has no time at all.
 */
export function dueAtRule(own: ReportingTargets): DueAtRule {
  const targets = mergeTargets(own);
  return (order, patientClass) => {
    const from = order.performedAt ?? order.scheduledAt ?? order.requestedAt;
    if (from == null) return null;
    const ms = Date.parse(from);
    if (Number.isNaN(ms)) return null;
    return ms + Math.round(targetHours(targets, order.priority, patientClass) * 3_600_000);
  };
}
