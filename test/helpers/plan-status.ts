import type { StudyPlan } from '../../simulator/study-plan.ts';

/**
 * The StudyStatus the simulator's plan implies at `now`, by the README's status table: the
 * ground truth integration tests compare a trust's answers with. Written from the table, not from
 * the trust's code, so a bug in the status machine cannot hide in both.
 *
 * A report counts once the RIS has sent it (`sentAt`, else `at`). Versions fold in the order they
 * were reported: a final beats a preliminary (also one sent late, after it); a correction, or a
 * further final (an addendum), amends. A did-not-attend shows until the patient is rebooked.
 */
export function planStatus(plan: StudyPlan, now: number): string {
  if (plan.cancelledAt !== undefined && plan.cancelledAt <= now) return 'CANCELLED';
  const reports = plan.reports.filter((r) => (r.sentAt ?? r.at) <= now).sort((a, b) => a.at - b.at);
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
  if (plan.dnaAt !== undefined && plan.dnaAt <= now && !(plan.rebookedAt !== undefined && plan.rebookedAt <= now)) return 'DID_NOT_ATTEND';
  if (plan.bookedAt !== undefined && plan.bookedAt <= now) return 'SCHEDULED';
  return 'REQUESTED';
}

/** Report versions of a plan in the order the RIS sent them (the order the trust numbers them). */
export function plannedReportsInSendOrder(plan: StudyPlan, now: number): StudyPlan['reports'] {
  return plan.reports
    .map((r, i) => ({ r, i, sent: r.sentAt ?? r.at }))
    .filter((x) => x.sent <= now)
    .sort((a, b) => a.sent - b.sent || a.i - b.i)
    .map((x) => x.r);
}

/**
 * True when the plan is a DM01 imaging test (NHS England DM01: MRI, CT, non-obstetric
 * ultrasound, barium enema, DEXA) that is not planned: written from the definition and the
 * simulator's procedure catalogue, not from the trust's classifier.
 */
export function planIsDm01(plan: StudyPlan): boolean {
  const { modality, name } = plan.procedure;
  if (modality === 'MR' || modality === 'CT' || modality === 'BMD') return true;
  if (modality === 'US') return !/obstet|pregnan|fetal|foetal/i.test(name);
  return /barium enema/i.test(name);
}
