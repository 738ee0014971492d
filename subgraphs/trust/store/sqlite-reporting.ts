import type { StatementCache } from './statement-cache.ts';
import type { Database } from 'better-sqlite3';
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
import type { TrustWriter } from '../ris/ingest-port.ts';
import { toClaim, toOutbox, type ClaimColumns, type OutboxColumns } from './sqlite-reporting-rows.ts';
import { SqliteClaims } from './sqlite-claims.ts';
import { SqliteOutbox } from './sqlite-outbox.ts';
import { registerWorklistFunctions, worklistPage } from './sqlite-worklist.ts';

/**
 * The reporting store over SQLite: the worklist (sqlite-worklist.ts), claims (sqlite-claims.ts),
 * the outbox (sqlite-outbox.ts), and the one transaction a report version is written in.
 */
export class SqliteReporting implements ReportingStore {
  readonly #statements: StatementCache;
  readonly #read: SqliteReadModel;
  readonly #claims: SqliteClaims;
  readonly #outbox: SqliteOutbox;
  /** The store's own transaction (open-trust-store.ts): guarded, IMMEDIATE, study index re-joined. */
  readonly #storeTransaction: <T>(work: (writer: TrustWriter) => T) => T;

  constructor(db: Database, statements: StatementCache, read: SqliteReadModel, storeTransaction: <T>(work: (writer: TrustWriter) => T) => T, dueAt: DueAtRule) {
    this.#storeTransaction = storeTransaction;
    this.#statements = statements;
    this.#read = read;
    this.#claims = new SqliteClaims(db, statements);
    this.#outbox = new SqliteOutbox(statements);
    registerWorklistFunctions(db, dueAt);
  }

  worklistPage(q: WorklistQuery): { rows: WorklistRow[]; hasNextPage: boolean } {
    return worklistPage(this.#statements, q);
  }
  liveClaims(accessionNumbers: readonly string[], nowMs: number): Map<string, ClaimRow> {
    return this.#claims.liveClaims(accessionNumbers, nowMs);
  }
  claim(accessionNumber: string, who: ReporterIdentity, nowMs: number, ttlMs: number): ClaimOutcome {
    return this.#claims.claim(accessionNumber, who, nowMs, ttlMs);
  }
  renew(accessionNumber: string, sub: string, nowMs: number, ttlMs: number): ClaimRow | undefined {
    return this.#claims.renew(accessionNumber, sub, nowMs, ttlMs);
  }
  release(accessionNumber: string, sub: string, nowMs: number): boolean {
    return this.#claims.release(accessionNumber, sub, nowMs);
  }
  takeExpiredClaims(nowMs: number): ClaimRow[] {
    return this.#claims.takeExpiredClaims(nowMs);
  }
  networkReports(accessionNumbers: readonly string[]): Map<string, Map<number, NetworkReportRow>> {
    return this.#outbox.networkReports(accessionNumbers);
  }
  dueOutbox(nowIso: string, limit: number): OutboxEntry[] {
    return this.#outbox.dueOutbox(nowIso, limit);
  }
  nextOutboxAttempt(): string | undefined {
    return this.#outbox.nextOutboxAttempt();
  }
  markAttempt(id: number, atIso: string): void {
    this.#outbox.markAttempt(id, atIso);
  }
  markDelivered(id: number, ackCode: string, atIso: string): void {
    this.#outbox.markDelivered(id, ackCode, atIso);
  }
  markRejected(id: number, ackCode: string, error: string, atIso: string): void {
    this.#outbox.markRejected(id, ackCode, error, atIso);
  }
  markRetry(id: number, error: string, nextIso: string): void {
    this.#outbox.markRetry(id, error, nextIso);
  }
  outboxEntry(id: number): OutboxEntry | undefined {
    return this.#outbox.outboxEntry(id);
  }

  transaction<T>(work: (writer: ReportingWriter) => T): T {
    const statements = this.#statements;
    const read = this.#read;
    const extras = {
      liveClaim: (accessionNumber: string, nowMs: number) => {
        const row = statements.prepare('SELECT * FROM claims WHERE accession_number = ? AND expires_at_ms > ?').get(accessionNumber, nowMs) as ClaimColumns | undefined;
        return row ? toClaim(row) : undefined;
      },
      deleteClaim: (accessionNumber: string) => void statements.prepare('DELETE FROM claims WHERE accession_number = ?').run(accessionNumber),
      patientOf: (patientId: number) => read.patientsById([patientId]).get(patientId),
      enqueue: (destination: string, messageType: string, controlId: (id: number) => string, payload: (controlId: string) => string) => {
        const now = new Date().toISOString();
        // The row is inserted first so its id can name the message (MSH-10 stable from here on).
        const placeholder = `pending-${process.pid}-${Date.now()}-${Math.random()}`;
        const id = Number(
          statements
            .prepare(`INSERT INTO outbox (created_at, destination, message_type, control_id, payload, status, attempts, next_attempt_at) VALUES (?, ?, ?, ?, '', 'PENDING', 0, ?)`)
            .run(now, destination, messageType, placeholder, now).lastInsertRowid,
        );
        const control = controlId(id);
        return toOutbox(statements.prepare('UPDATE outbox SET control_id = ?, payload = ? WHERE id = ? RETURNING *').get(control, payload(control), id) as OutboxColumns);
      },
      linkNetworkReport: (accessionNumber: string, version: number, r: ReporterIdentity, outboxId: number) =>
        void statements
          .prepare(
            `INSERT INTO network_reports (accession_number, version, reporter_sub, reporter_given, reporter_family, reporter_gmc, reporter_trust, outbox_id)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
          )
          .run(accessionNumber, version, r.sub, r.given, r.family, r.gmc, r.trust, outboxId),
    };
    // Inside the store's own transaction (the same guard, lock and study-index re-join as every
    // write): the RIS writer's methods (bound: they use its private fields) plus the reporting ones.
    return this.#storeTransaction((writer) =>
      work(
        new Proxy(writer, {
          get(target, prop) {
            if (typeof prop === 'string' && prop in extras) return extras[prop as keyof typeof extras];
            const value = Reflect.get(target, prop, target) as unknown;
            return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
          },
        }) as unknown as ReportingWriter,
      ),
    );
  }
}
