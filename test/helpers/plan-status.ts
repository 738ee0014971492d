import type { StudyPlan } from '../../simulator/study-plan.ts';

/**
 * The StudyStatus the simulator's plan implies at `now`, by the README's status table: the
 * ground truth integration tests compare a trust's answers with. Written from the table, not from
 * the trust's code, so a bug in the status machine cannot hide in both.
 */
export function planStatus(plan: StudyPlan, now: number): string {
  if (plan.cancelledAt !== undefined && plan.cancelledAt <= now) return 'CANCELLED';
  const reports = plan.reports.filter((r) => r.at <= now);
  if (reports.length) {
    let finals = 0;
    let status = 'PRELIMINARY';
    for (const r of reports) {
      if (r.status === 'C' || (r.status === 'F' && finals > 0)) status = 'AMENDED';
      else if (r.status === 'F') status = 'FINAL';
      if (r.status !== 'P') finals++;
    }
    return status;
  }
  if (plan.completedAt !== undefined && plan.completedAt <= now) return 'COMPLETED';
  if (plan.startedAt !== undefined && plan.startedAt <= now) return 'IN_PROGRESS';
  if (plan.bookedAt !== undefined && plan.bookedAt <= now) return 'SCHEDULED';
  return 'REQUESTED';
}
