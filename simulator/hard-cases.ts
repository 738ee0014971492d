import { randomFor } from './seeded-random.ts';
import { deterministicUid } from './study-uid.ts';
import type { HardCase, StudyPlan } from './study-plan.ts';

export type { HardCase } from './study-plan.ts';

/**
 * The hard cases real RIS feeds produce (issue 14), drawn for a few studies so the demo and the
 * tests exercise them. Decisions come from their own random stream (seed, trust, `hard-case`,
 * accession): a plan without a hard case is exactly what it was before they existed.
 *
 * - `late-preliminary`: a preliminary dictated before the final is (re)sent after it.
 * - `addendum`: a second, different final after the first (OBR-25 F after F).
 * - `x-cancel`: the order is cancelled by an ORU with OBR-25 X instead of ORC CA.
 * - `did-not-attend`: the patient misses the booking (SIU^S26) and is rebooked a week later.
 * - `duplicate-record`: the patient is registered again under a second MRN with the same NHS
 *   number, never merged (one person, two records at one trust).
 * - `rescan`: a CT or MR examination repeated under the same accession: two PACS studies (own
 *   Study Instance UIDs and series) for one order.
 */

const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;

/** The plan with its hard cases drawn (study-plan.ts plans without them; plan-study.ts joins the two). */
export function applyHardCases(plan: StudyPlan, seed: number, live: boolean): StudyPlan {
  const rng = randomFor(seed, plan.trust, 'hard-case', plan.accessionNumber);
  const cases: HardCase[] = [];
  const final = plan.reports.find((r) => r.status === 'F');
  const prelim = plan.reports.find((r) => r.status === 'P');
  if (prelim && final && rng.chance(0.3)) {
    // Resent by the RIS after the final went out (feeds reorder; resends happen).
    prelim.sentAt = final.at + (live ? rng.int(1, 5) * MIN : rng.int(10, 120) * MIN);
    cases.push('late-preliminary');
  }
  if (final && !plan.reports.some((r) => r.status === 'C') && rng.chance(0.04)) {
    const at = final.at + (live ? rng.int(2, 10) * MIN : HOUR + rng.next() * 2 * DAY);
    plan.reports.push({ status: 'F', at, author: final.author, lines: [...final.lines, '', 'ADDENDUM: comparison with the prior examination shows no interval change.'] });
    cases.push('addendum');
  }
  if (plan.cancelledAt !== undefined && rng.chance(0.5)) {
    plan.cancelledBy = 'ORU-X';
    cases.push('x-cancel');
  }
  if (
    plan.cancelledAt === undefined && plan.patientClass === 'O' && plan.bookedAt !== undefined &&
    plan.appointmentAt !== undefined && plan.startedAt !== undefined && rng.chance(0.05)
  ) {
    // The patient does not come; the department rebooks a week later and everything moves.
    const shift = live ? rng.int(3, 8) * MIN : 7 * DAY;
    plan.dnaAt = plan.appointmentAt + (live ? MIN : 30 * MIN);
    plan.rebookedAt = plan.dnaAt + (live ? 30_000 : 2 * HOUR);
    plan.appointmentAt += shift;
    plan.startedAt += shift;
    if (plan.completedAt !== undefined) plan.completedAt += shift;
    for (const r of plan.reports) {
      r.at += shift;
      if (r.sentAt !== undefined) r.sentAt += shift;
    }
    if (plan.mergeAt !== undefined) plan.mergeAt += shift;
    cases.push('did-not-attend');
  }
  if (plan.nhsNumberKnown && plan.mrn === plan.survivorMrn && rng.chance(0.02)) {
    const second = `${plan.survivorMrn}D`;
    plan.mrn = second;
    plan.survivorMrn = second;
    cases.push('duplicate-record');
  }
  if (plan.startedAt !== undefined && plan.completedAt !== undefined && (plan.procedure.modality === 'CT' || plan.procedure.modality === 'MR') && rng.chance(0.04)) {
    const at = plan.completedAt + (live ? rng.int(1, 3) * MIN : rng.int(10, 40) * MIN);
    const uid = deterministicUid(seed, plan.trust, plan.accessionNumber, 'rescan');
    plan.rescan = {
      studyInstanceUid: uid,
      startedAt: at,
      series: plan.series.map((s, i) => ({ ...s, seriesInstanceUid: deterministicUid(seed, plan.trust, plan.accessionNumber, 'rescan-series', i + 1) })),
    };
    cases.push('rescan');
  }
  if (cases.length) plan.hardCases = cases;
  return plan;
}
