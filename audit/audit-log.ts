import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { checkChain, entryHash, GENESIS_HASH, type ChainCheck, type ChainedFields } from './audit-chain.ts';
import { WalFileSync } from '../platform/wal-file-sync.ts';

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
    data_trust TEXT,
    prev_hash TEXT,
    hash TEXT
  );
  CREATE INDEX IF NOT EXISTS audit_at ON audit (at);
  CREATE INDEX IF NOT EXISTS audit_sub ON audit (sub, at);
  CREATE INDEX IF NOT EXISTS audit_nhs ON audit (nhs_number, at);
  CREATE TRIGGER IF NOT EXISTS audit_no_update BEFORE UPDATE ON audit
    BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
  CREATE TRIGGER IF NOT EXISTS audit_no_delete BEFORE DELETE ON audit
    BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
`;

/** Logs created before the chain (issue 15) gain its columns; their old rows stay unchained. */
function addChainColumns(db: Database.Database): void {
  const columns = new Set((db.prepare('PRAGMA table_info(audit)').all() as { name: string }[]).map((c) => c.name));
  if (!columns.has('prev_hash')) db.exec('ALTER TABLE audit ADD COLUMN prev_hash TEXT');
  if (!columns.has('hash')) db.exec('ALTER TABLE audit ADD COLUMN hash TEXT');
}

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
  id: number;
  prev_hash: string | null;
  hash: string | null;
}

/**
 * The durable, append-only audit log (SQLite, WAL). Triggers refuse UPDATE and DELETE, so neither
 * a bug nor a careless operator with the application's handle rewrites history.
 *
 * Durability (issue 16): an entry is on disk before the data it records is served. SQLite's own
 * `synchronous = FULL` would fsync the WAL inside every commit, on the event loop (it was a quarter
 * of the gateway's busy time under load). Instead the connection commits with `synchronous =
 * NORMAL`, which in WAL mode writes the commit's frames into the WAL file without syncing it
 * (SQLite docs, "PRAGMA synchronous" and "WAL": NORMAL syncs only at checkpoints), and the log then
 * `fdatasync`s the WAL file itself, on libuv's thread pool (`append`), or inline (`record`).
 * fdatasync flushes every dirty page of the file whichever descriptor wrote it (POSIX fsync is per
 * file, Linux per inode), so once it returns the committed frames are on disk and SQLite's WAL
 * recovery replays them after a power cut: the commit is as durable as under FULL. The WAL file is
 * the same inode while this connection is open (SQLite deletes it only when the last connection
 * closes; checkpoints rewind and may truncate it in place). When the WAL file cannot be opened
 * (it is not there), the connection keeps `synchronous = FULL` and every commit syncs inline.
 */
export class AuditLog {
  private readonly insert: Database.Statement | undefined;
  private readonly last: Database.Statement | undefined;

  private constructor(private readonly db: Database.Database, readonly path: string, private readonly walSync?: WalFileSync) {
    this.insert = db.readonly
      ? undefined
      : db.prepare(
          'INSERT INTO audit (id, at, server, sub, roles, caller_trust, operation, study_id, nhs_number, data_trust, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
        );
    this.last = db.readonly ? undefined : db.prepare('SELECT id, hash FROM audit ORDER BY id DESC LIMIT 1');
  }

  /** Opens (creating with its folder) the log at `path`; `readonly` for the audit command. */
  static open(path: string, options: { readonly?: boolean } = {}): AuditLog {
    if (options.readonly) return new AuditLog(new Database(path, { readonly: true, fileMustExist: true }), path);
    mkdirSync(dirname(path), { recursive: true });
    const db = new Database(path);
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = FULL');
    db.exec(SCHEMA);
    addChainColumns(db);
    // A read opens the WAL (creating it when new); its directory entry is synced once, here.
    db.prepare('SELECT count(*) FROM audit WHERE id = 0').get();
    const walSync = WalFileSync.open(path);
    if (walSync) db.pragma('synchronous = NORMAL');
    return new AuditLog(db, path, walSync);
  }

  /**
   * Appends entries in one transaction, durably (synced before it returns): all are durable, or
   * none and this throws. Each is chained to the one before (audit-chain.ts); the transaction is
   * IMMEDIATE, so two processes writing one log take turns and never fork the chain.
   */
  record(entries: readonly AuditEntry[]): void {
    this.write(entries);
    this.walSync?.syncNow();
  }

  /** Commits the entries (synced only when the WAL could not be opened: see the class comment). */
  private write(entries: readonly AuditEntry[]): void {
    if (!this.insert || !this.last) throw new Error('the audit log was opened read-only');
    if (this.walSync?.broken) throw this.walSync.broken;
    const insert = this.insert;
    const last = this.last;
    this.db.transaction(() => {
      const tail = last.get() as { id: number; hash: string | null } | undefined;
      let id = tail?.id ?? 0;
      let prev = tail?.hash ?? GENESIS_HASH;
      for (const e of entries) {
        id++;
        const fields = { id, at: e.at, server: e.where, sub: e.sub, roles: e.roles.join(','), callerTrust: e.callerTrust, operation: e.operationName, studyId: e.studyId, nhsNumber: e.nhsNumber, dataTrust: e.dataTrust };
        const hash = entryHash(prev, fields);
        insert.run(id, fields.at, fields.server, fields.sub, fields.roles, fields.callerTrust, fields.operation, fields.studyId, fields.nhsNumber, fields.dataTrust, prev, hash);
        prev = hash;
      }
    }).immediate();
  }

  /**
   * Checks the whole chain, oldest first, and names the first entry that breaks it. Entries written
   * before the chain existed (no hash, all at the start) are counted as `unchained` and skipped.
   */
  verify(): ChainCheck & { unchained: number } {
    const rows = this.db.prepare('SELECT * FROM audit ORDER BY id').iterate() as IterableIterator<Row>;
    let unchained = 0;
    let offset = 0;
    const chained = function* (): Generator<ChainedFields & { prevHash: string | null; hash: string | null }> {
      let started = false;
      for (const r of rows) {
        if (!started && r.hash === null) {
          unchained++;
          offset = r.id;
          continue;
        }
        started = true;
        yield { id: r.id, at: r.at, server: r.server, sub: r.sub, roles: r.roles, callerTrust: r.caller_trust, operation: r.operation, studyId: r.study_id, nhsNumber: r.nhs_number, dataTrust: r.data_trust, prevHash: r.prev_hash, hash: r.hash };
      }
    };
    // The generator runs inside checkChain: `offset` is final once the first chained row is read.
    const rowsToCheck = chained();
    const first = rowsToCheck.next();
    if (first.done) return { ok: true, entries: 0, head: GENESIS_HASH, unchained };
    const all = (function* () {
      yield first.value;
      yield* rowsToCheck;
    })();
    const result = checkChain(all, offset);
    return { ...result, unchained };
  }

  /** Callers whose entries wait for the next turn of the event loop (then one transaction). */
  private pending: Array<{ entries: readonly AuditEntry[]; resolve: () => void; reject: (err: unknown) => void }> = [];
  private flushScheduled = false;
  /**
   * Appends entries with group commit, without blocking the event loop on the disk: the entries of
   * every request that arrives before the next turn of the event loop are committed in ONE
   * transaction, and each caller's promise settles once an fdatasync of the WAL that started after
   * that commit has returned (on libuv's thread pool). Commits made while one sync is in flight
   * share the next one. Never resolves before the entry is on disk.
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
      this.write(batch.flatMap((b) => b.entries));
    } catch (err) {
      for (const b of batch) b.reject(err);
      return;
    }
    if (!this.walSync) {
      for (const b of batch) b.resolve(); // synced inside the commit (synchronous = FULL)
      return;
    }
    // Settled once a sync that started after this commit returned (group commit; after a failed
    // sync nothing is trusted: "fsyncgate", platform/wal-file-sync.ts).
    this.walSync.afterCommit().then(
      () => batch.forEach((b) => b.resolve()),
      (err: unknown) => batch.forEach((b) => b.reject(err)),
    );
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

  /** Closes the database (and the WAL descriptor). Call after pending appends settled. */
  close(): void {
    this.db.close();
    this.walSync?.close();
  }
}
