import type { StudyPlan } from './study-plan.ts';

/** One thing that happens to a study, in the order a RIS would announce it. */
export type StudyEventKind = 'order' | 'booked' | 'did-not-attend' | 'rebooked' | 'started' | 'completed' | 'cancelled' | 'report' | 'update' | 'merge';

export interface StudyEvent {
  at: number;
  kind: StudyEventKind;
  plan: StudyPlan;
  /** For `report`: index into `plan.reports`. */
  report?: number;
  /** Position within the study, for a stable order when two events share a millisecond. */
  rank: number;
}

/** Every event of a plan, oldest first. */
export function eventsOf(plan: StudyPlan): StudyEvent[] {
  const out: StudyEvent[] = [];
  const add = (at: number | undefined, kind: StudyEventKind, report?: number): void => {
    if (at !== undefined) out.push({ at: Math.round(at), kind, plan, rank: out.length, ...(report === undefined ? {} : { report }) });
  };
  add(plan.requestedAt, 'order');
  add(plan.bookedAt, 'booked');
  add(plan.dnaAt, 'did-not-attend');
  add(plan.rebookedAt, 'rebooked');
  add(plan.startedAt, 'started');
  add(plan.completedAt, 'completed');
  add(plan.cancelledAt, 'cancelled');
  // A report goes out when the RIS sends it: a late preliminary after the final it preceded.
  plan.reports.forEach((r, i) => add(r.sentAt ?? r.at, 'report', i));
  add(plan.updateAt, 'update');
  add(plan.mergeAt, 'merge');
  return out.sort(compareEvents);
}

/** Send order: by time, then accession, then step within the study. Deterministic. */
export function compareEvents(a: StudyEvent, b: StudyEvent): number {
  if (a.at !== b.at) return a.at - b.at;
  if (a.plan.accessionNumber !== b.plan.accessionNumber) return a.plan.accessionNumber < b.plan.accessionNumber ? -1 : 1;
  return a.rank - b.rank;
}
