import type { RisReportRow } from '../ris/ingest-port.ts';

/**
 * The time a study's first final report was issued, the end of "exam to verified report"
 * (NHS England reporting-turnaround guidance, 2023; HL7 v2.5.1 OBR-25, table 0123, and OBR-22).
 *
 * The earliest `reportedAt` among FINAL (F) versions. When no F version was received but a C
 * (correction) was, the RIS must have verified the report earlier without telling us, and the
 * earliest correction is the first verification we can see, so it counts instead. Preliminary
 * and cancelled versions never count; a version without OBR-22 cannot be placed in time and is
 * skipped. Returns undefined when nothing qualifies.
 */
export function firstFinalReportMillis(reports: readonly RisReportRow[]): { millis: number; at: string } | undefined {
  return earliest(reports, 'FINAL') ?? earliest(reports, 'CORRECTED');
}

function earliest(reports: readonly RisReportRow[], status: 'FINAL' | 'CORRECTED') {
  let best: { millis: number; at: string } | undefined;
  for (const r of reports) {
    if (r.status !== status || r.reportedAt === null) continue;
    const millis = Date.parse(r.reportedAt);
    if (Number.isNaN(millis)) continue;
    if (!best || millis < best.millis) best = { millis, at: r.reportedAt };
  }
  return best;
}
