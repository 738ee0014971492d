import type { ReportStatusValue } from '../../../schema/generated/enums.ts';

/**
 * The current report of a study, derived from ALL its report versions (ARCHITECTURE.md: "report
 * versions are kept; the current one is derived"; DOMAIN.md, OBR-25 table 0123).
 *
 * Feeds reorder and resend, so "last received" never decides:
 * 1. a correction or addendum (status CORRECTED: OBR-25 C, or a further F after a final) beats a
 *    final whatever the arrival order: it is the verified report as amended;
 * 2. a final (F) beats a preliminary (P, or R "results stored, not verified") whatever the arrival
 *    order: a late preliminary never replaces a verified report;
 * 3. a preliminary is current only while no final or correction exists;
 * 4. received order (the version number) breaks ties within one rank only.
 * CANCELLED versions (written by older builds for OBR-25 X) are never current.
 *
 * Pure, over the versions only: the read model (`Study.report`), the status machine and the study
 * index all call this one function so that the status and the report shown can never disagree.
 */
export interface ReportVersionLike {
  /** 1 for the first version received, counting up (received order). */
  version: number;
  status: ReportStatusValue;
}

const RANK: Record<ReportStatusValue, number> = { CANCELLED: 0, PRELIMINARY: 1, FINAL: 2, CORRECTED: 3 };

/** The current version, or null when no version is a report (none, or only cancelled ones). */
export function currentReport<T extends ReportVersionLike>(versions: readonly T[]): T | null {
  let best: T | null = null;
  for (const v of versions) {
    if (RANK[v.status] === 0) continue;
    if (best === null || RANK[v.status] > RANK[best.status] || (RANK[v.status] === RANK[best.status] && v.version > best.version)) {
      best = v;
    }
  }
  return best;
}

/** What the reports make of the study's status: the current version's rank, or null (none). */
export function reportedStudyStatus(versions: readonly ReportVersionLike[]): 'PRELIMINARY' | 'FINAL' | 'AMENDED' | null {
  const current = currentReport(versions);
  if (current === null) return null;
  switch (current.status) {
    case 'PRELIMINARY':
      return 'PRELIMINARY';
    case 'FINAL':
      return 'FINAL';
    default:
      return 'AMENDED';
  }
}
