import type { RisReportRow } from './read-model.ts';

/**
 * The current report of a study, derived from every version kept (ARCHITECTURE.md data rules:
 * "report versions are kept; the current one is derived"). The one place this is decided: the
 * `Study.report` resolver and the study index's `reported_at` both call it, so a change to the
 * rule (DOMAIN.md: a final beats a preliminary whatever the arrival order) reaches both.
 *
 * @param reports every version of one accession, oldest first (as the store returns them)
 */
export function currentReport(reports: readonly RisReportRow[]): RisReportRow | null {
  return reports.length ? reports[reports.length - 1]! : null;
}
