import type { StatementCache } from './statement-cache.ts';
import type { NetworkReportRow, OutboxEntry } from './reporting-model.ts';
import { toOutbox, type OutboxColumns } from './sqlite-reporting-rows.ts';
import { chunks } from './sqlite-rows.ts';

/** The outbox (migration 1's table) and the network report versions it delivers. */
export class SqliteOutbox {
  readonly #statements: StatementCache;

  constructor(statements: StatementCache) {
    this.#statements = statements;
  }

  networkReports(accessionNumbers: readonly string[]): Map<string, Map<number, NetworkReportRow>> {
    const out = new Map<string, Map<number, NetworkReportRow>>();
    for (const part of chunks([...new Set(accessionNumbers)])) {
      const rows = this.#statements
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
    return (this.#statements
      .prepare(`SELECT * FROM outbox WHERE status = 'PENDING' AND (next_attempt_at IS NULL OR next_attempt_at <= ?) ORDER BY id LIMIT ?`)
      .all(nowIso, limit) as OutboxColumns[]).map(toOutbox);
  }

  nextOutboxAttempt(): string | undefined {
    const row = this.#statements.prepare(`SELECT MIN(next_attempt_at) AS next FROM outbox WHERE status = 'PENDING'`).get() as { next: string | null };
    return row.next ?? undefined;
  }

  markAttempt(id: number, atIso: string): void {
    this.#statements.prepare('UPDATE outbox SET attempts = attempts + 1, last_attempt_at = ? WHERE id = ?').run(atIso, id);
  }

  markDelivered(id: number, ackCode: string, atIso: string): void {
    this.#statements.prepare(`UPDATE outbox SET status = 'ACKED', ack_code = ?, acked_at = ?, last_error = NULL, next_attempt_at = NULL WHERE id = ?`).run(ackCode, atIso, id);
  }

  markRejected(id: number, ackCode: string, error: string, _atIso: string): void {
    this.#statements.prepare(`UPDATE outbox SET status = 'REJECTED', ack_code = ?, last_error = ?, next_attempt_at = NULL WHERE id = ?`).run(ackCode, error, id);
  }

  markRetry(id: number, error: string, nextIso: string): void {
    this.#statements.prepare('UPDATE outbox SET last_error = ?, next_attempt_at = ? WHERE id = ?').run(error, nextIso, id);
  }

  outboxEntry(id: number): OutboxEntry | undefined {
    const row = this.#statements.prepare('SELECT * FROM outbox WHERE id = ?').get(id) as OutboxColumns | undefined;
    return row ? toOutbox(row) : undefined;
  }
}
