import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { StatementCache } from './statement-cache.ts';
import { LATEST_VERSION, migrate, schemaVersion } from './migrations.ts';
import type { CapacityScope, RisOrderQuery, RisOrderRow, RisPatientRow, StatusHistoryRow, StudyIndexHit, StudyIndexQuery } from './read-model.ts';
import type { RisReportRow } from '../ris/ingest-port.ts';
import type { PacsStudy } from '../pacs/study-mapping.ts';
import type { PacsSyncState, SyncedStudy } from '../pacs/pacs-index-port.ts';
import { SqliteStudyIndex } from './sqlite-study-index.ts';
import { SqliteReadModel } from './sqlite-read-model.ts';
import { toFailedMessage, type FailedColumns } from './sqlite-rows.ts';
import { SqliteWriter } from './sqlite-writer.ts';
import { isStorageError } from './store-failure.ts';
import { WalFileSync, type FileSync } from '../../../platform/wal-file-sync.ts';
import { StoreFailure } from '../ris/ingest-port.ts';
import type { FailedMessage, FailedMessageWithRaw, ReceivedMessage } from '../ris/ingest-port.ts';
import type { StoreCounts, TrustStore } from './trust-store.ts';
import type { TrustWriter } from '../ris/ingest-port.ts';
import { SqliteReporting } from './sqlite-reporting.ts';
import type { DueAtRule, ReportingStore } from './reporting-model.ts';

export interface OpenTrustStoreOptions {
  /** Open an existing, migrated database for reading only. @default false */
  readonly?: boolean;
  /** How long a writer waits for a lock before failing (SQLITE_BUSY → StoreFailure). @default 5000 */
  busyTimeoutMs?: number;
  /**
   * The national number the trust's systems carry (`hl7.nationalNumber`): at a CHI or H&C trust a
   * DICOM PatientID without an NHS issuer is never indexed as an NHS number. @default 'NHS'
   */
  nationalNumber?: 'NHS' | 'CHI' | 'HC';
  /**
   * How the ingest's group commits reach the disk (`commitGroup`, `durable`): `fs.fdatasync` of the
   * WAL file on libuv's thread pool. A fault-injection seam for tests (a sync that fails or is
   * held); never set in production. @default fs.fdatasync
   */
  syncWal?: FileSync;
}

/**
 * WAL pages before a commit checkpoints (SQLite's default is 1000). The checkpoint runs inside the
 * commit that crosses it, on the event loop, and copies every page changed since the last one
 * (each once, however often it changed) with two fsyncs. The HL7 ingest changes ~19 pages per
 * message, mostly the same hot index pages, so a checkpoint every ~50 messages cost ~3 ms each,
 * 40 % of the commit time; one every ~200 messages costs half as much in total (issue 16: 0.06 →
 * 0.03 ms of checkpoint per message, in-process, 5,000 RXA messages, one connection), for a WAL
 * of up to ~16 MiB, still one wal-index hash segment (4,096 frames) for readers to search.
 */
const WAL_AUTOCHECKPOINT_PAGES = 4000;

/** Runs `fn`, turning storage errors of the driver into StoreFailure. */
function guarded<T>(fn: () => T): T {
  try {
    return fn();
  } catch (error) {
    if (error instanceof StoreFailure || !isStorageError(error)) throw error;
    throw new StoreFailure(error);
  }
}

const FAILED_SELECT = `
  SELECT f.id, f.journal_id, j.received_at, f.failed_at, j.remote_address, j.sending_application, j.sending_facility, j.control_id, j.message_type,
         f.ack_code, f.err_code, f.reason, f.location, f.status, f.attempts, f.replayed_at
    FROM failed f JOIN journal j ON j.id = f.journal_id`;

class SqliteTrustStore implements TrustStore {
  readonly path: string;
  readonly #db: Database.Database;
  readonly #statements: StatementCache;
  readonly #read: SqliteReadModel;
  readonly #writer: SqliteWriter;
  readonly #index: SqliteStudyIndex;
  /**
   * Runs its argument in a transaction (a savepoint when one is open). Made once: better-sqlite3's
   * `db.transaction(fn)` builds a new wrapper with its variants on every call (~10 µs per HL7
   * message, twice per message in a group).
   */
  readonly #inTransaction: Database.Transaction<(work: () => unknown) => unknown>;
  /** Syncs the WAL after the ingest's group commits; undefined: every commit syncs (FULL). */
  readonly #walSync: WalFileSync | undefined;
  /** A group committed since the last `durable()` call asked for its sync. */
  #unsyncedGroup = false;
  /** The sync the last `durable()` call waits for: it covers every group committed before it. */
  #lastDurable: Promise<void> = Promise.resolve();

  constructor(path: string, db: Database.Database, opts: { fillIndex: boolean; nationalNumber?: 'NHS' | 'CHI' | 'HC'; walSync?: WalFileSync | undefined }) {
    this.path = path;
    this.#db = db;
    this.#walSync = opts.walSync;
    this.#inTransaction = db.transaction((work: () => unknown) => work());
    // One statement cache per connection, shared by every part of the store (statement-cache.ts).
    this.#statements = new StatementCache(db);
    this.#read = new SqliteReadModel(db, this.#statements);
    this.#writer = new SqliteWriter(db, this.#statements, this.#read);
    this.#index = new SqliteStudyIndex(db, this.#statements, opts.nationalNumber ?? 'NHS');
    // A store written before the study index existed (migration 3) is filled from its orders
    // once, on the first open; the flag row is removed in the same transaction.
    if (opts.fillIndex) {
      db.transaction(() => {
        if (this.#index.takeFillFlag()) this.#index.rebuild();
      }).immediate();
    }
  }

  studyIndexPage(query: StudyIndexQuery): StudyIndexHit[] {
    return guarded(() => this.#index.studyIndexPage(query));
  }
  capacityAccessions(scope: CapacityScope): string[] {
    return guarded(() => this.#index.capacityAccessions(scope));
  }
  pacsStudiesByAccession(accessionNumbers: readonly string[]): Map<string, PacsStudy[]> {
    return guarded(() => this.#index.pacsStudiesByAccession(accessionNumbers));
  }

  pacsStudiesByUid(uids: readonly string[]): Map<string, PacsStudy> {
    return guarded(() => this.#index.pacsStudiesByUid(uids));
  }
  upsertPacsStudies(rows: readonly SyncedStudy[], state?: PacsSyncState): number {
    return guarded(() => this.#index.upsertPacsStudies(rows, state));
  }
  removePacsStudiesNotSeen(from: string, to: string, seen: ReadonlySet<string>, state?: PacsSyncState): number {
    return guarded(() => this.#index.removePacsStudiesNotSeen(from, to, seen, state));
  }
  readSyncState(): PacsSyncState {
    return guarded(() => this.#index.readSyncState());
  }
  writeSyncState(state: PacsSyncState): void {
    guarded(() => this.#index.writeSyncState(state));
  }
  indexedStudies(): number {
    return guarded(() => this.#index.indexedStudies());
  }
  pacsStudyCount(): number {
    return guarded(() => this.#index.pacsStudyCount());
  }
  resetPacsIndex(): void {
    guarded(() => this.#index.resetPacsIndex());
  }
  rebuildStudyIndex(onProgress?: (done: number, total: number) => void): void {
    guarded(() => this.#db.transaction(() => this.#index.rebuild(onProgress)).immediate());
  }

  findOrders(query: RisOrderQuery): RisOrderRow[] {
    return this.#read.findOrders(query);
  }
  ordersByAccession(accessionNumbers: readonly string[]): Map<string, RisOrderRow> {
    return this.#read.ordersByAccession(accessionNumbers);
  }
  patientsById(ids: readonly number[]): Map<number, RisPatientRow> {
    return this.#read.patientsById(ids);
  }
  patientByNhsNumber(nhsNumber: string): RisPatientRow | undefined {
    return this.#read.patientByNhsNumber(nhsNumber);
  }

  patientsByNhsNumber(nhsNumber: string): RisPatientRow[] {
    return this.#read.patientsByNhsNumber(nhsNumber);
  }

  statusHistoryAsOf(at: string, statuses?: readonly string[]): Map<string, StatusHistoryRow> {
    return this.#read.statusHistoryAsOf(at, statuses);
  }
  patientByMrn(mrn: string): RisPatientRow | undefined {
    return this.#read.patientByMrn(mrn);
  }
  reportsByAccession(accessionNumbers: readonly string[]): Map<string, RisReportRow[]> {
    return this.#read.reportsByAccession(accessionNumbers);
  }

  journalReceived(m: ReceivedMessage): number {
    return guarded(() => {
      const result = this.#statements
        .prepare(
          `INSERT INTO journal (received_at, remote_address, connection_id, raw, size, frame_size)
           VALUES (?, ?, ?, ?, ?, ?)`,
        )
        .run(m.receivedAt, m.remoteAddress, m.connectionId, m.raw, m.raw.length, Math.max(m.frameSize ?? 0, m.raw.length));
      return Number(result.lastInsertRowid);
    });
  }

  transaction<T>(work: (writer: TrustWriter) => T): T {
    // IMMEDIATE takes the write lock up front, so a busy database fails here (cleanly, as
    // StoreFailure) rather than half-way through upgrading a read lock.
    return guarded(() =>
      this.#inTransaction.immediate(() => {
        this.#writer.resetStudyIndexWork();
        const result = work(this.#writer);
        this.#writer.flushStudyIndex(this.#index);
        return result;
      }) as T,
    );
  }

  commitGroup<T>(work: () => T): T {
    // better-sqlite3 turns the transactions nested inside into savepoints; IMMEDIATE as above.
    const walSync = this.#walSync;
    if (!walSync) return guarded(() => this.#inTransaction.immediate(work) as T);
    // This commit only skips SQLite's own fsync (NORMAL); `durable()` then syncs the WAL off the
    // event loop (platform/wal-file-sync.ts says why that is as durable as FULL). Every other
    // writer of this connection (GraphQL mutations, reporting, replay, the PACS sync's own
    // switch) keeps FULL: better-sqlite3 is synchronous, so nothing runs in between.
    if (walSync.broken) throw new StoreFailure(walSync.broken);
    return guarded(() => {
      this.#statements.prepare('PRAGMA synchronous = NORMAL').run();
      try {
        const result = this.#inTransaction.immediate(work) as T;
        this.#unsyncedGroup = true;
        return result;
      } finally {
        this.#statements.prepare('PRAGMA synchronous = FULL').run();
      }
    });
  }

  durabilityFailure(): Error | undefined {
    return this.#walSync?.broken;
  }

  durable(opts?: { inline?: boolean }): Promise<void> {
    if (!this.#walSync) return Promise.resolve();
    // No group committed since the last call: its sync (started after every earlier commit
    // returned) is the one to wait for; asking again would cost a second fdatasync.
    if (!this.#unsyncedGroup) return this.#lastDurable;
    this.#unsyncedGroup = false;
    this.#lastDurable = this.#walSync.afterCommit(opts).catch((error: unknown) => {
      // After a failed sync the WAL on disk may have lost frames that a later sync would not
      // restore, and SQLite's recovery stops at the first bad frame: no later commit of this
      // connection can be trusted either, whoever makes it (claims, report write-back, the PACS
      // sync). The connection turns read-only (writes fail SQLITE_READONLY, a StoreFailure) until
      // the trust is restarted and SQLite recovers the WAL.
      if (this.#db.open) this.#db.pragma('query_only = ON');
      throw new StoreFailure(error);
    });
    return this.#lastDurable;
  }

  listFailed(opts: { includeReplayed?: boolean } = {}): FailedMessage[] {
    const where = opts.includeReplayed ? '' : ` WHERE f.status = 'FAILED'`;
    return (this.#statements.prepare(`${FAILED_SELECT}${where} ORDER BY f.id DESC`).all() as FailedColumns[]).map(
      toFailedMessage,
    );
  }

  failedForReplay(ids?: readonly number[]): FailedMessageWithRaw[] {
    const rows = this.#statements
      .prepare(`SELECT f.id AS failed_id, j.raw, j.size < j.frame_size AS truncated
                  FROM failed f JOIN journal j ON j.id = f.journal_id
                 WHERE f.status = 'FAILED' ORDER BY f.id`)
      .all() as { failed_id: number; raw: Buffer; truncated: number }[];
    const wanted = ids ? new Set(ids) : undefined;
    const byId = new Map(this.listFailed().map((f) => [f.id, f]));
    return rows
      .filter((r) => !wanted || wanted.has(r.failed_id))
      .map((r) => ({ ...byId.get(r.failed_id)!, raw: r.raw, truncated: r.truncated !== 0 }));
  }

  counts(): StoreCounts {
    const count = (table: string): number =>
      (this.#statements.prepare(`SELECT COUNT(*) AS n FROM ${table}`).get() as { n: number }).n;
    return {
      journal: count('journal'),
      acks: count('acks'),
      failed: count('failed'),
      patients: count('patients'),
      orders: count('orders'),
      reports: count('reports'),
      outbox: count('outbox'),
    };
  }

  reporting(dueAt: DueAtRule): ReportingStore {
    return new SqliteReporting(this.#db, this.#statements, this.#read, (work) => this.transaction(work), dueAt);
  }

  close(): void {
    this.#db.close();
    this.#walSync?.close();
  }
}

/**
 * Opens (creating and migrating when needed) the trust's SQLite store.
 *
 * Durability: WAL with `synchronous = FULL`. The RIS is told AA only after the commit is on disk
 * (ARCHITECTURE.md, data rules), so the commit must survive power loss, not just a crash of this
 * process. WAL with NORMAL survives a process crash but may lose the last commits on power loss
 * (SQLite docs, "PRAGMA synchronous": NORMAL in WAL mode "does lose durability"), which would
 * turn an AA into a lost message; FULL syncs the WAL at every commit. The ingest's group commits
 * (`commitGroup`, ris/ris-ingest.ts) are the one exception (issue 16): they commit with NORMAL and
 * the WAL is then synced on libuv's thread pool (`durable()`, platform/wal-file-sync.ts), and no
 * ACK leaves before that sync returns: as durable as FULL, without blocking the event loop on the
 * disk. The WAL is checkpointed every `WAL_AUTOCHECKPOINT_PAGES` (see there). `temp_store =
 * MEMORY` keeps the savepoints' statement journals (one per message of a group) in memory
 * instead of spilling them to a temp file (measured: ~100 KiB written per message, half the
 * ingest's write syscalls).
 */
export function openTrustStore(path: string, opts: OpenTrustStoreOptions = {}): TrustStore {
  return guarded(() => {
    if (opts.readonly) {
      const db = new Database(path, { readonly: true, fileMustExist: true });
      const version = schemaVersion(db);
      if (version !== LATEST_VERSION) {
        db.close();
        throw new Error(`trust store ${path} is at schema version ${version}; this build reads ${LATEST_VERSION}`);
      }
      return new SqliteTrustStore(path, db, { fillIndex: false, nationalNumber: opts.nationalNumber ?? 'NHS' });
    }
    if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
    const db = new Database(path);
    try {
      db.pragma(`busy_timeout = ${Math.max(0, Math.trunc(opts.busyTimeoutMs ?? 5000))}`);
      db.pragma('journal_mode = WAL');
      db.pragma('synchronous = FULL');
      db.pragma('foreign_keys = ON');
      db.pragma('temp_store = MEMORY');
      db.pragma(`wal_autocheckpoint = ${WAL_AUTOCHECKPOINT_PAGES}`);
      migrate(db);
    } catch (error) {
      db.close();
      throw error;
    }
    let walSync: WalFileSync | undefined;
    try {
      walSync = path === ':memory:' ? undefined : WalFileSync.open(path, opts.syncWal);
      return new SqliteTrustStore(path, db, { fillIndex: true, nationalNumber: opts.nationalNumber ?? 'NHS', walSync });
    } catch (error) {
      walSync?.close();
      db.close();
      throw error;
    }
  });
}
