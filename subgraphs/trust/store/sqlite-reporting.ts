import type { Database } from 'better-sqlite3';
import { encodeStudyId, toModality } from '../../../schema/index.ts';
import type { PriorityValue } from './read-model.ts';
import type {
  ClaimOutcome,
  ClaimRow,
  DueAtRule,
  NetworkReportRow,
  OutboxEntry,
  ReporterIdentity,
  ReportingStore,
  ReportingWriter,
  WorklistQuery,
  WorklistRow,
} from './reporting-model.ts';
import type { SqliteReadModel } from './sqlite-read-model.ts';
import { chunks, toOrderRow, type OrderColumns } from './sqlite-rows.ts';
import type { SqliteWriter } from './sqlite-writer.ts';

/** Sort key of a study without any time: after every real instant (8.64e15 is JavaScript's last date). */
const NO_TIME = 8_640_000_000_000_001;

interface ClaimColumns {
  accession_number: string;
  holder_sub: string;
  holder_given: string | null;
  holder_family: string | null;
  holder_gmc: string | null;
  holder_trust: string | null;
  claimed_at_ms: number;
  expires_at_ms: number;
}

interface OutboxColumns {
  id: number;
  created_at: string;
  control_id: string;
  payload: string;
  status: OutboxEntry['status'];
  attempts: number;
  last_attempt_at: string | null;
  next_attempt_at: string | null;
  last_error: string | null;
  ack_code: string | null;
  acked_at: string | null;
}

function toClaim(c: ClaimColumns): ClaimRow {
  return {
    accessionNumber: c.accession_number,
    holder: { sub: c.holder_sub, given: c.holder_given, family: c.holder_family, gmc: c.holder_gmc, trust: c.holder_trust },
    claimedAtMs: c.claimed_at_ms,
    expiresAtMs: c.expires_at_ms,
  };
}

function toOutbox(c: OutboxColumns): OutboxEntry {
  return {
    id: c.id,
    createdAt: c.created_at,
    controlId: c.control_id,
    payload: c.payload,
    status: c.status,
    attempts: c.attempts,
    lastAttemptAt: c.last_attempt_at,
    nextAttemptAt: c.next_attempt_at,
    lastError: c.last_error,
    ackCode: c.ack_code,
    ackedAt: c.acked_at,
  };
}

/**
 * The reporting store over SQLite. The worklist is answered in SQL over the RIS orders (until the
 * study index lands): the due time and the network id are SQLite functions registered from the
 * same JavaScript the resolvers use, so the SQL order and `Study.dueAt` can never disagree.
 */
export class SqliteReporting implements ReportingStore {
  readonly #db: Database;
  readonly #read: SqliteReadModel;
  readonly #writer: SqliteWriter;
  readonly #trust: string;

  constructor(db: Database, read: SqliteReadModel, writer: SqliteWriter, trust: string, dueAt: DueAtRule) {
    this.#db = db;
    this.#read = read;
    this.#writer = writer;
    this.#trust = trust;
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

  worklistPage(q: WorklistQuery): { rows: WorklistRow[]; hasNextPage: boolean } {
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
    const rows = this.#db.prepare(sql).all(params) as Array<OrderColumns & { due_ms: number; sid: string }>;
    const hasNextPage = rows.length > q.first;
    return {
      hasNextPage,
      rows: rows.slice(0, q.first).map((r) => ({ id: r.sid, order: toOrderRow(r), dueMs: r.due_ms >= NO_TIME ? null : r.due_ms })),
    };
  }

  liveClaims(accessionNumbers: readonly string[], nowMs: number): Map<string, ClaimRow> {
    const out = new Map<string, ClaimRow>();
    for (const part of chunks([...new Set(accessionNumbers)])) {
      const rows = this.#db
        .prepare(`SELECT * FROM claims WHERE expires_at_ms > ? AND accession_number IN (${part.map(() => '?').join(',')})`)
        .all(nowMs, ...part) as ClaimColumns[];
      for (const r of rows) out.set(r.accession_number, toClaim(r));
    }
    return out;
  }

  claim(accessionNumber: string, who: ReporterIdentity, nowMs: number, ttlMs: number): ClaimOutcome {
    return this.#db
      .transaction((): ClaimOutcome => {
        // The compare-and-set: one upsert whose UPDATE applies only when the lease is free
        // (expired) or already the caller's. SQLite runs it under the write lock, so of any number
        // of concurrent claims exactly one sees a free lease.
        const won = this.#db
          .prepare(
            `INSERT INTO claims (accession_number, holder_sub, holder_given, holder_family, holder_gmc, holder_trust, claimed_at_ms, expires_at_ms)
             VALUES (@a, @sub, @given, @family, @gmc, @trust, @now, @expires)
             ON CONFLICT (accession_number) DO UPDATE SET
               holder_sub = excluded.holder_sub, holder_given = excluded.holder_given, holder_family = excluded.holder_family,
               holder_gmc = excluded.holder_gmc, holder_trust = excluded.holder_trust,
               claimed_at_ms = CASE WHEN claims.holder_sub = excluded.holder_sub AND claims.expires_at_ms > @now
                                    THEN claims.claimed_at_ms ELSE excluded.claimed_at_ms END,
               expires_at_ms = excluded.expires_at_ms
             WHERE claims.expires_at_ms <= @now OR claims.holder_sub = excluded.holder_sub
             RETURNING *`,
          )
          .get({ a: accessionNumber, sub: who.sub, given: who.given, family: who.family, gmc: who.gmc, trust: who.trust, now: nowMs, expires: nowMs + ttlMs }) as
          | ClaimColumns
          | undefined;
        if (won) return { ok: true, claim: toClaim(won) };
        const held = this.#db.prepare('SELECT * FROM claims WHERE accession_number = ?').get(accessionNumber) as ClaimColumns;
        return { ok: false, heldBy: toClaim(held) };
      })
      .immediate();
  }

  renew(accessionNumber: string, sub: string, nowMs: number, ttlMs: number): ClaimRow | undefined {
    const row = this.#db
      .prepare('UPDATE claims SET expires_at_ms = ? WHERE accession_number = ? AND holder_sub = ? AND expires_at_ms > ? RETURNING *')
      .get(nowMs + ttlMs, accessionNumber, sub, nowMs) as ClaimColumns | undefined;
    return row ? toClaim(row) : undefined;
  }

  release(accessionNumber: string, sub: string, nowMs: number): boolean {
    const result = this.#db
      .prepare('DELETE FROM claims WHERE accession_number = ? AND holder_sub = ? AND expires_at_ms > ?')
      .run(accessionNumber, sub, nowMs);
    return result.changes > 0;
  }

  takeExpiredClaims(nowMs: number): ClaimRow[] {
    return (this.#db.prepare('DELETE FROM claims WHERE expires_at_ms <= ? RETURNING *').all(nowMs) as ClaimColumns[]).map(toClaim);
  }

  transaction<T>(work: (writer: ReportingWriter) => T): T {
    const db = this.#db;
    const read = this.#read;
    const writer = this.#writer;
    const extras = {
      liveClaim: (accessionNumber: string, nowMs: number) => {
        const row = db.prepare('SELECT * FROM claims WHERE accession_number = ? AND expires_at_ms > ?').get(accessionNumber, nowMs) as ClaimColumns | undefined;
        return row ? toClaim(row) : undefined;
      },
      deleteClaim: (accessionNumber: string) => void db.prepare('DELETE FROM claims WHERE accession_number = ?').run(accessionNumber),
      orderNumbers: (accessionNumber: string) => {
        const row = db.prepare('SELECT placer_order_number, filler_order_number FROM orders WHERE accession_number = ?').get(accessionNumber) as
          | { placer_order_number: string | null; filler_order_number: string | null }
          | undefined;
        return { placer: row?.placer_order_number ?? null, filler: row?.filler_order_number ?? null };
      },
      patientOf: (patientId: number) => read.patientsById([patientId]).get(patientId),
      enqueue: (destination: string, messageType: string, controlId: (id: number) => string, payload: (controlId: string) => string) => {
        const now = new Date().toISOString();
        // The row is inserted first so its id can name the message (MSH-10 stable from here on).
        const placeholder = `pending-${process.pid}-${Date.now()}-${Math.random()}`;
        const id = Number(
          db
            .prepare(`INSERT INTO outbox (created_at, destination, message_type, control_id, payload, status, attempts, next_attempt_at) VALUES (?, ?, ?, ?, '', 'PENDING', 0, ?)`)
            .run(now, destination, messageType, placeholder, now).lastInsertRowid,
        );
        const control = controlId(id);
        db.prepare('UPDATE outbox SET control_id = ?, payload = ? WHERE id = ?').run(control, payload(control), id);
        return toOutbox(db.prepare('SELECT * FROM outbox WHERE id = ?').get(id) as OutboxColumns);
      },
      linkNetworkReport: (accessionNumber: string, version: number, r: ReporterIdentity, outboxId: number) =>
        void db
          .prepare(
            `INSERT INTO network_reports (accession_number, version, reporter_sub, reporter_given, reporter_family, reporter_gmc, reporter_trust, outbox_id)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
          )
          .run(accessionNumber, version, r.sub, r.given, r.family, r.gmc, r.trust, outboxId),
    };
    // The RIS writer's methods (bound: they use its private fields) plus the reporting ones.
    const reportingWriter = new Proxy(writer, {
      get(target, prop) {
        if (typeof prop === 'string' && prop in extras) return extras[prop as keyof typeof extras];
        const value = Reflect.get(target, prop, target) as unknown;
        return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
      },
    }) as unknown as ReportingWriter;
    return db.transaction(() => work(reportingWriter)).immediate();
  }

  networkReports(accessionNumbers: readonly string[]): Map<string, Map<number, NetworkReportRow>> {
    const out = new Map<string, Map<number, NetworkReportRow>>();
    for (const part of chunks([...new Set(accessionNumbers)])) {
      const rows = this.#db
        .prepare(
          `SELECT n.accession_number AS n_accession, n.version AS n_version, n.reporter_sub, n.reporter_given, n.reporter_family,
                  n.reporter_gmc, n.reporter_trust, o.*
             FROM network_reports n JOIN outbox o ON o.id = n.outbox_id
            WHERE n.accession_number IN (${part.map(() => '?').join(',')})`,
        )
        .all(...part) as Array<OutboxColumns & { n_accession: string; n_version: number; reporter_sub: string; reporter_given: string | null; reporter_family: string | null; reporter_gmc: string | null; reporter_trust: string | null }>;
      for (const r of rows) {
        const versions = out.get(r.n_accession) ?? new Map<number, NetworkReportRow>();
        versions.set(r.n_version, {
          accessionNumber: r.n_accession,
          version: r.n_version,
          reporter: { sub: r.reporter_sub, given: r.reporter_given, family: r.reporter_family, gmc: r.reporter_gmc, trust: r.reporter_trust },
          delivery: toOutbox(r),
        });
        out.set(r.n_accession, versions);
      }
    }
    return out;
  }

  dueOutbox(nowIso: string, limit: number): OutboxEntry[] {
    return (this.#db
      .prepare(`SELECT * FROM outbox WHERE status = 'PENDING' AND (next_attempt_at IS NULL OR next_attempt_at <= ?) ORDER BY id LIMIT ?`)
      .all(nowIso, limit) as OutboxColumns[]).map(toOutbox);
  }

  nextOutboxAttempt(): string | undefined {
    const row = this.#db.prepare(`SELECT MIN(next_attempt_at) AS next FROM outbox WHERE status = 'PENDING'`).get() as { next: string | null };
    return row.next ?? undefined;
  }

  markAttempt(id: number, atIso: string): void {
    this.#db.prepare('UPDATE outbox SET attempts = attempts + 1, last_attempt_at = ? WHERE id = ?').run(atIso, id);
  }

  markDelivered(id: number, ackCode: string, atIso: string): void {
    this.#db.prepare(`UPDATE outbox SET status = 'ACKED', ack_code = ?, acked_at = ?, last_error = NULL, next_attempt_at = NULL WHERE id = ?`).run(ackCode, atIso, id);
  }

  markRejected(id: number, ackCode: string, error: string, _atIso: string): void {
    this.#db.prepare(`UPDATE outbox SET status = 'REJECTED', ack_code = ?, last_error = ?, next_attempt_at = NULL WHERE id = ?`).run(ackCode, error, id);
  }

  markRetry(id: number, error: string, nextIso: string): void {
    this.#db.prepare('UPDATE outbox SET last_error = ?, next_attempt_at = ? WHERE id = ?').run(error, nextIso, id);
  }

  outboxEntry(id: number): OutboxEntry | undefined {
    const row = this.#db.prepare('SELECT * FROM outbox WHERE id = ?').get(id) as OutboxColumns | undefined;
    return row ? toOutbox(row) : undefined;
  }

  get trust(): string {
    return this.#trust;
  }
}
