import type { Database } from 'better-sqlite3';
import { encodeStudyId, toModality } from '../../../schema/index.ts';
import type { PriorityValue } from './read-model.ts';
import type { DueAtRule, WorklistQuery, WorklistRow } from './reporting-model.ts';
import { NO_TIME } from './sqlite-reporting-rows.ts';
import { toOrderRow, type OrderColumns } from './sqlite-rows.ts';

/**
 * The worklist in SQL over the RIS orders (until the study index carries it). The due time, the
 * network id and the DICOM modality are SQLite functions registered from the same JavaScript the
 * resolvers use, so the SQL order and `Study.dueAt` can never disagree.
 */
export function registerWorklistFunctions(db: Database, trust: string, dueAt: DueAtRule): void {
  db.function('network_study_id', { deterministic: true }, (accession: unknown) =>
    encodeStudyId({ trust, kind: 'accession', value: String(accession) }),
  );
  db.function('dicom_modality', { deterministic: true }, (m: unknown) => (m == null ? null : toModality(String(m))));
  // Patient class is not stored yet (PV1-2): null here, which the rule reads as outpatient.
  db.function('worklist_due_ms', { deterministic: true }, (performed: unknown, scheduled: unknown, requested: unknown, priority: unknown) => {
    const due = dueAt(
      {
        performedAt: (performed as string | null) ?? null,
        scheduledAt: (scheduled as string | null) ?? null,
        requestedAt: (requested as string | null) ?? null,
        priority: (priority as PriorityValue | null) ?? null,
      },
      null,
    );
    return due ?? NO_TIME;
  });
}

/** One keyset page: dueAt ascending (no time last), then network id; `first + 1` rows read to know if more follow. */
export function worklistPage(db: Database, q: WorklistQuery): { rows: WorklistRow[]; hasNextPage: boolean } {
  const where = [`o.cancelled = 0`, `o.status IN ('COMPLETED', 'PRELIMINARY')`];
  const params: Record<string, unknown> = { now: q.nowMs, limit: q.first + 1 };
  if (q.modalities?.length) {
    where.push(`dicom_modality(o.modality) IN (${q.modalities.map((_, i) => `@m${i}`).join(',')})`);
    q.modalities.forEach((m, i) => (params[`m${i}`] = m));
  }
  if (q.priorities?.length) {
    where.push(`COALESCE(o.priority, 'ROUTINE') IN (${q.priorities.map((_, i) => `@p${i}`).join(',')})`);
    q.priorities.forEach((p, i) => (params[`p${i}`] = p));
  }
  // Unknown patient class counts as OUTPATIENT (README, Network reporting).
  if (q.patientClasses && !q.patientClasses.includes('OUTPATIENT')) where.push('0');
  if (q.claimed === true) where.push('c.holder_sub IS NOT NULL');
  if (q.claimed === false) where.push('c.holder_sub IS NULL');
  if (q.overdueOnly) where.push('w.due <= @now');
  if (q.after) {
    params.afterDue = q.after.dueMs ?? NO_TIME;
    params.afterId = q.after.id;
    where.push('(w.due > @afterDue OR (w.due = @afterDue AND w.sid > @afterId))');
  }
  const sql = `
    SELECT o.*, w.due AS due_ms, w.sid AS sid
      FROM orders o
      JOIN (SELECT accession_number,
                   worklist_due_ms(performed_at, scheduled_at, requested_at, priority) AS due,
                   network_study_id(accession_number) AS sid
              FROM orders) w ON w.accession_number = o.accession_number
      LEFT JOIN claims c ON c.accession_number = o.accession_number AND c.expires_at_ms > @now
     WHERE ${where.join(' AND ')}
     ORDER BY w.due, w.sid
     LIMIT @limit`;
  const rows = db.prepare(sql).all(params) as Array<OrderColumns & { due_ms: number; sid: string }>;
  const hasNextPage = rows.length > q.first;
  return {
    hasNextPage,
    rows: rows.slice(0, q.first).map((r) => ({ id: r.sid, order: toOrderRow(r), dueMs: r.due_ms >= NO_TIME ? null : r.due_ms })),
  };
}
