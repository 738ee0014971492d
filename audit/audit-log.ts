import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';

/**
 * One access to patient data: who, with which roles, from which trust, when, which patient or
 * study, whose data, by which operation, and where it was served. NHS Digital's audit
 * expectations for access to identifiable records ask for exactly who / what / when / where.
 */
export interface AuditEntry {
  /** ISO 8601 instant, UTC (`…Z`); sorts as text. */
  at: string;
  /** `gateway` or the trust code of the subgraph that served the data. */
  where: string;
  /** The caller's `sub`; null when authentication is off. */
  sub: string | null;
  roles: string[];
  /** The caller's own trust (token claim `trust`). */
  callerTrust: string | null;
  operationName: string | null;
  studyId: string | null;
  nhsNumber: string | null;
  /** The trust whose data it is, when known. */
  dataTrust: string | null;
}

export interface AuditQuery {
  sub?: string;
  nhsNumber?: string;
  /** ISO 8601 instant; entries at or after it. */
  since?: string;
  /** @default 10000 */
  limit?: number;
}

const SCHEMA = /* sql */ `
  CREATE TABLE IF NOT EXISTS audit (
    id INTEGER PRIMARY KEY,
    at TEXT NOT NULL,
    server TEXT NOT NULL,
    sub TEXT,
    roles TEXT NOT NULL,
    caller_trust TEXT,
    operation TEXT,
    study_id TEXT,
    nhs_number TEXT,
    data_trust TEXT
  );
  CREATE INDEX IF NOT EXISTS audit_at ON audit (at);
  CREATE INDEX IF NOT EXISTS audit_sub ON audit (sub, at);
  CREATE INDEX IF NOT EXISTS audit_nhs ON audit (nhs_number, at);
  CREATE TRIGGER IF NOT EXISTS audit_no_update BEFORE UPDATE ON audit
    BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
  CREATE TRIGGER IF NOT EXISTS audit_no_delete BEFORE DELETE ON audit
    BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
`;

interface Row {
  at: string;
  server: string;
  sub: string | null;
  roles: string;
  caller_trust: string | null;
  operation: string | null;
  study_id: string | null;
  nhs_number: string | null;
  data_trust: string | null;
}

/**
 * The durable, append-only audit log (SQLite, WAL). Triggers refuse UPDATE and DELETE, so neither
 * a bug nor a careless operator with the application's handle rewrites history.
 * `synchronous = FULL`: an entry that was written survives power loss (SQLite "PRAGMA
 * synchronous": NORMAL in WAL mode may lose the last transactions), because the data is served
 * only after its entry is written.
 */
export class AuditLog {
  private readonly insert: Database.Statement | undefined;

  private constructor(private readonly db: Database.Database, readonly path: string) {
    this.insert = db.readonly
      ? undefined
      : db.prepare(
          'INSERT INTO audit (at, server, sub, roles, caller_trust, operation, study_id, nhs_number, data_trust) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
        );
  }

  /** Opens (creating with its folder) the log at `path`; `readonly` for the audit command. */
  static open(path: string, options: { readonly?: boolean } = {}): AuditLog {
    if (options.readonly) return new AuditLog(new Database(path, { readonly: true, fileMustExist: true }), path);
    mkdirSync(dirname(path), { recursive: true });
    const db = new Database(path);
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = FULL');
    db.exec(SCHEMA);
    return new AuditLog(db, path);
  }

  /** Appends entries in one transaction: all are durable, or none and this throws. */
  record(entries: readonly AuditEntry[]): void {
    if (!this.insert) throw new Error('the audit log was opened read-only');
    const insert = this.insert;
    this.db.transaction(() => {
      for (const e of entries) {
        insert.run(e.at, e.where, e.sub, e.roles.join(','), e.callerTrust, e.operationName, e.studyId, e.nhsNumber, e.dataTrust);
      }
    })();
  }

  private pending: Array<{ entries: readonly AuditEntry[]; resolve: () => void; reject: (err: unknown) => void }> = [];
  private flushScheduled = false;

  /**
   * Appends entries with group commit: the entries of every request that arrives before the next
   * turn of the event loop are written in ONE transaction (one fsync), and each caller's promise
   * settles when that transaction is durable (or failed). Under load this turns an fsync per
   * request into an fsync per batch, without ever answering before the entry is on disk.
   */
  append(entries: readonly AuditEntry[]): Promise<void> {
    return new Promise((resolve, reject) => {
      this.pending.push({ entries, resolve, reject });
      if (this.flushScheduled) return;
      this.flushScheduled = true;
      setImmediate(() => this.flush());
    });
  }

  private flush(): void {
    const batch = this.pending;
    this.pending = [];
    this.flushScheduled = false;
    try {
      this.record(batch.flatMap((b) => b.entries));
    } catch (err) {
      for (const b of batch) b.reject(err);
      return;
    }
    for (const b of batch) b.resolve();
  }

  /** Entries matching every given condition, oldest first. */
  query(q: AuditQuery = {}): AuditEntry[] {
    const where: string[] = [];
    const params: unknown[] = [];
    if (q.sub !== undefined) (where.push('sub = ?'), params.push(q.sub));
    if (q.nhsNumber !== undefined) (where.push('nhs_number = ?'), params.push(q.nhsNumber));
    if (q.since !== undefined) (where.push('at >= ?'), params.push(q.since));
    const sql = `SELECT * FROM audit ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY id LIMIT ?`;
    const rows = this.db.prepare(sql).all(...params, q.limit ?? 10_000) as Row[];
    return rows.map((r) => ({
      at: r.at,
      where: r.server,
      sub: r.sub,
      roles: r.roles === '' ? [] : r.roles.split(','),
      callerTrust: r.caller_trust,
      operationName: r.operation,
      studyId: r.study_id,
      nhsNumber: r.nhs_number,
      dataTrust: r.data_trust,
    }));
  }

  close(): void {
    this.db.close();
  }
}
