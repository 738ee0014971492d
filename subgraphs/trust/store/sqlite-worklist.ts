import type { StatementCache } from './statement-cache.ts';
import type { Database } from 'better-sqlite3';
import { payloadOfStudyId } from '../../../schema/index.ts';
import type { PriorityValue } from '../../../schema/generated/enums.ts';
import type { DueAtRule, PatientClassValue, WorklistQuery, WorklistRow } from './reporting-model.ts';
import { NO_TIME } from './sqlite-reporting-rows.ts';

/**
 * The due time as a SQLite function, registered from the same JavaScript the resolvers use
 * (reporting/reporting-targets.ts), so the SQL order and `Study.dueAt` can never disagree.
 */
export function registerWorklistFunctions(db: Database, dueAt: DueAtRule): void {
  db.function('worklist_due_ms', { deterministic: true }, (performed: unknown, scheduled: unknown, requested: unknown, priority: unknown, patientClass: unknown) => {
    const due = dueAt(
      {
        performedAt: (performed as string | null) ?? null,
        scheduledAt: (scheduled as string | null) ?? null,
        requestedAt: (requested as string | null) ?? null,
        priority: (priority as PriorityValue | null) ?? null,
      },
      (patientClass as PatientClassValue | null) ?? null,
    );
    return due ?? NO_TIME;
  });
}

/**
 * Statuses of a study that needs a report (Query.worklist): performed (COMPLETED, or IN_PROGRESS
 * with its images in the PACS) or a preliminary to verify; a RIS order is required, as the RIS
 * takes the report against it.
 */
const NEEDS_REPORT = `s.has_order = 1 AND (s.status IN ('COMPLETED', 'PRELIMINARY') OR (s.status = 'IN_PROGRESS' AND s.pacs_uid IS NOT NULL))`;

/**
 * One keyset page of the worklist from the study index (ARCHITECTURE.md read path): dueAt
 * ascending (no time last), then the id key (the network id's payload: the same code-unit order as
 * the id within a trust); `first + 1` rows read to know if more follow. The status index narrows
 * the rows to the trust's backlog; dueAt is computed for those rows (it depends on the trust's
 * targets, so it is not stored).
 */
export function worklistPage(statements: StatementCache, q: WorklistQuery): { rows: WorklistRow[]; hasNextPage: boolean } {
  const where = [NEEDS_REPORT];
  const params: Record<string, unknown> = { now: q.nowMs, limit: q.first + 1 };
  if (q.modalities?.length) {
    where.push(`(${q.modalities.map((_, i) => `s.modalities LIKE @m${i}`).join(' OR ')})`);
    q.modalities.forEach((m, i) => (params[`m${i}`] = `%,${m},%`));
  }
  if (q.priorities?.length) {
    where.push(`COALESCE(s.priority, 'ROUTINE') IN (${q.priorities.map((_, i) => `@p${i}`).join(',')})`);
    q.priorities.forEach((p, i) => (params[`p${i}`] = p));
  }
  // The order's PV1-2 patient class (table 0004), as the RIS apply step keeps it.
  const patientClass = 'o.patient_class';
  // A study whose class is not known counts as OUTPATIENT (README, Network reporting).
  if (q.patientClasses) {
    where.push(`COALESCE(${patientClass}, 'OUTPATIENT') IN (${q.patientClasses.map((_, i) => `@pc${i}`).join(',')})`);
    q.patientClasses.forEach((c, i) => (params[`pc${i}`] = c));
  }
  if (q.claimed === true) where.push('c.holder_sub IS NOT NULL');
  if (q.claimed === false) where.push('c.holder_sub IS NULL');
  if (q.overdueOnly) where.push('w.due <= @now');
  if (q.after) {
    params.afterDue = q.after.dueMs ?? NO_TIME;
    params.afterKey = payloadOfStudyId(q.after.id) ?? '';
    where.push('(w.due > @afterDue OR (w.due = @afterDue AND s.id_key > @afterKey))');
  }
  const sql = `
    SELECT s.id_key, s.sort_key, s.accession_number, s.pacs_uid, s.has_order, w.due AS due_ms
      FROM study_index s
      LEFT JOIN orders o ON o.accession_number = s.accession_number
      JOIN (SELECT s.id_key, worklist_due_ms(s.performed_at, s.scheduled_at, s.requested_at, s.priority, ${patientClass}) AS due
              FROM study_index s LEFT JOIN orders o ON o.accession_number = s.accession_number
             WHERE ${NEEDS_REPORT}) w ON w.id_key = s.id_key
      LEFT JOIN claims c ON c.accession_number = s.accession_number AND c.expires_at_ms > @now
     WHERE ${where.join(' AND ')}
     ORDER BY w.due, s.id_key
     LIMIT @limit`;
  const rows = statements.prepare(sql).all(params) as Array<{ id_key: string; sort_key: number; accession_number: string | null; pacs_uid: string | null; has_order: number; due_ms: number }>;
  return {
    hasNextPage: rows.length > q.first,
    rows: rows.slice(0, q.first).map((r) => ({
      hit: { idKey: r.id_key, sortKey: r.sort_key, accessionNumber: r.accession_number, pacsUid: r.pacs_uid, hasOrder: r.has_order === 1 },
      dueMs: r.due_ms >= NO_TIME ? null : r.due_ms,
    })),
  };
}
