import { badUserInput, isModality } from '../../../schema/index.ts';
import type { PriorityValue } from '../../../schema/generated/enums.ts';
import type { RisOrderRow } from '../store/read-model.ts';
import type { PatientClassValue } from '../store/reporting-model.ts';

/** `WorklistFilter` as the GraphQL layer hands it over. */
export interface WorklistFilterInput {
  trusts?: string[] | null;
  modalities?: string[] | null;
  priorities?: PriorityValue[] | null;
  patientClasses?: PatientClassValue[] | null;
  claimed?: boolean | null;
  overdueOnly?: boolean | null;
}

/** The filter validated; enum values are already checked by GraphQL, modalities again here. */
export interface WorklistFilter {
  trusts?: readonly string[];
  modalities?: readonly string[];
  priorities?: readonly PriorityValue[];
  patientClasses?: readonly PatientClassValue[];
  claimed?: boolean;
  overdueOnly?: boolean;
}

export function toWorklistFilter(input: WorklistFilterInput | null | undefined): WorklistFilter {
  const f: WorklistFilter = {};
  if (!input) return f;
  if (input.trusts != null) f.trusts = input.trusts;
  if (input.modalities != null) {
    for (const m of input.modalities) if (!isModality(m)) throw badUserInput('filter.modalities', `unknown modality ${m}`);
    f.modalities = input.modalities;
  }
  if (input.priorities != null) f.priorities = input.priorities;
  if (input.patientClasses != null) f.patientClasses = input.patientClasses;
  if (input.claimed != null) f.claimed = input.claimed;
  if (input.overdueOnly != null) f.overdueOnly = input.overdueOnly;
  return f;
}

/** Statuses of a study that needs a report: performed (COMPLETED) or a preliminary to verify. */
export const NEEDS_REPORT: ReadonlySet<string> = new Set(['COMPLETED', 'PRELIMINARY']);

/**
 * The same conditions as the store's worklist query, for one study in memory (live events).
 * Modalities are the study's (PACS, else ordered); unknown patient class counts as OUTPATIENT; an
 * order without a priority as ROUTINE.
 */
export function matchesWorklistFilter(
  f: WorklistFilter,
  study: { trust: string; order: RisOrderRow; modalities: readonly string[]; dueMs: number | null; claimed: boolean; patientClass: PatientClassValue | null },
  nowMs: number,
): boolean {
  if (f.trusts && !f.trusts.includes(study.trust)) return false;
  if (f.modalities?.length && !f.modalities.some((m) => study.modalities.includes(m))) return false;
  if (f.priorities?.length && !f.priorities.includes(study.order.priority ?? 'ROUTINE')) return false;
  if (f.patientClasses && !f.patientClasses.includes(study.patientClass ?? 'OUTPATIENT')) return false;
  if (f.claimed !== undefined && f.claimed !== study.claimed) return false;
  if (f.overdueOnly && !(study.dueMs !== null && study.dueMs <= nowMs)) return false;
  return true;
}
