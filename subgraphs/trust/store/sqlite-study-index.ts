import type { StatementCache } from './statement-cache.ts';
import type { Database, Statement } from 'better-sqlite3';
import type { PacsStudy } from '../pacs/study-mapping.ts';
import {
  INITIAL_SYNC_STATE,
  type PacsIndexPort,
  type PacsSyncState,
  type SyncedStudy,
} from '../pacs/pacs-index-port.ts';
import type { CapacityScope, RisOrderRow, StudyIndexHit, StudyIndexQuery, StudyIndexReader } from './read-model.ts';
import { chunks, toOrderRow, toReportRow, type OrderColumns, type ReportColumns } from './sqlite-rows.ts';
import { sortKeyOf, studyIndexRow, type StudyIndexRow } from './study-index-row.ts';
import { primaryPacsStudy } from './primary-pacs-study.ts';
import { ChangedColumnsUpdate } from './changed-columns-update.ts';

interface PacsColumns {
  study_instance_uid: string;
  accession_number: string | null;
  patient_id: string | null;
  issuer_of_patient_id: string | null;
  patient_name: string | null;
  birth_date: string | null;
  sex: string | null;
  modalities: string;
  description: string | null;
  performed_at: string | null;
  image_count: number | null;
  series_count: number | null;
  study_date: string;
}

interface HitColumns {
  id_key: string;
  sort_key: number;
  accession_number: string | null;
  pacs_uid: string | null;
  has_order: number;
}

function toPacsStudy(c: PacsColumns): PacsStudy {
  return {
    studyInstanceUid: c.study_instance_uid,
    accessionNumber: c.accession_number,
    patientId: c.patient_id,
    issuerOfPatientId: c.issuer_of_patient_id,
    patientName: c.patient_name === null ? null : (JSON.parse(c.patient_name) as PacsStudy['patientName']),
    birthDate: c.birth_date,
    sex: c.sex as PacsStudy['sex'],
    modalities: JSON.parse(c.modalities) as string[],
    description: c.description,
    performedAt: c.performed_at,
    imageCount: c.image_count,
    seriesCount: c.series_count,
  };
}

/** True when a stored PACS row already holds these values (synced_at aside). */
function samePacsRow(stored: PacsColumns, v: Record<string, unknown>): boolean {
  return stored.accession_number === v['accessionNumber'] && stored.patient_id === v['patientId'] &&
    stored.issuer_of_patient_id === v['issuerOfPatientId'] && stored.patient_name === v['patientName'] &&
    stored.birth_date === v['birthDate'] && stored.sex === v['sex'] && stored.modalities === v['modalities'] &&
    stored.description === v['description'] && stored.performed_at === v['performedAt'] &&
    stored.image_count === v['imageCount'] && stored.series_count === v['seriesCount'] && stored.study_date === v['studyDate'];
}

const HIT_COLUMNS = 's.id_key, s.sort_key, s.accession_number, s.pacs_uid, s.has_order';

/** The stored columns of a study-index row, by the `StudyIndexRow` field each holds (id_key aside). */
const ROW_COLUMNS = [
  ['accessionNumber', 'accession_number'], ['studyInstanceUid', 'study_instance_uid'], ['pacsUid', 'pacs_uid'],
  ['hasOrder', 'has_order'], ['risPatientId', 'ris_patient_id'], ['pacsPatientId', 'pacs_patient_id'],
  ['nhsNumber', 'nhs_number'], ['modalities', 'modalities'], ['status', 'status'], ['priority', 'priority'],
  ['sortKey', 'sort_key'], ['sortAt', 'sort_at'], ['performedAt', 'performed_at'], ['scheduledAt', 'scheduled_at'],
  ['requestedAt', 'requested_at'], ['reportedAt', 'reported_at'], ['seriesCount', 'series_count'],
  ['imageCount', 'image_count'], ['description', 'description'], ['bodyPart', 'body_part'],
  ['requestedMs', 'requested_ms'], ['scheduledMs', 'scheduled_ms'], ['risPerformedMs', 'ris_performed_ms'],
  ['firstFinalMs', 'first_final_ms'],
] as const;

type StoredIndexRow = Record<(typeof ROW_COLUMNS)[number][1], unknown>;

/**
 * The study index over SQLite: one row per study (RIS order ⨝ synced PACS study), kept in step
 * inside the caller's transaction (the HL7 apply transaction, or one sync batch), and paged by
 * keyset on (sort_key, id_key). Pages never use OFFSET: a page costs the same at page 1 and
 * page 50, at 2,000 studies and at 1,000,000.
 */
export class SqliteStudyIndex implements StudyIndexReader, PacsIndexPort {
  readonly #db: Database;
  readonly #statements: StatementCache;
  readonly #s: {
    orderByAccession: Statement<[string], OrderColumns>;
    orderByUid: Statement<[string], OrderColumns>;
    pacsAllByAccession: Statement<[string], PacsColumns>;
    pacsByUid: Statement<[string], PacsColumns>;
    reports: Statement<[string], ReportColumns>;
    patientNhs: Statement<[number], { nhs_number: string | null }>;
    storedRow: Statement<[string], StoredIndexRow>;
    rowsByPacsUid: Statement<[string], { id_key: string; has_order: number; accession_number: string | null }>;
    deleteRow: Statement<[string]>;
    deleteModalities: Statement<[string]>;
    insertRow: Statement<[Record<string, unknown>]>;
    insertModality: Statement<[string, number, string]>;
    upsertPacs: Statement<[Record<string, unknown>]>;
    pacsExists: Statement<[string], { n: number }>;
    deletePacs: Statement<[string]>;
    ordersOfPatient: Statement<[number], { accession_number: string }>;
  };

  readonly #nationalNumber: 'NHS' | 'CHI' | 'HC';
  readonly #rowUpdate: ChangedColumnsUpdate;

  constructor(db: Database, statements: StatementCache, nationalNumber: 'NHS' | 'CHI' | 'HC' = 'NHS') {
    this.#db = db;
    this.#statements = statements;
    this.#nationalNumber = nationalNumber;
    this.#rowUpdate = new ChangedColumnsUpdate(db, 'study_index', ROW_COLUMNS, 'id_key = @idKey');
    this.#s = {
      orderByAccession: db.prepare('SELECT * FROM orders WHERE accession_number = ?'),
      orderByUid: db.prepare('SELECT * FROM orders WHERE study_instance_uid = ? ORDER BY accession_number LIMIT 1'),
      pacsAllByAccession: db.prepare('SELECT * FROM pacs_studies WHERE accession_number = ? ORDER BY study_instance_uid'),
      pacsByUid: db.prepare('SELECT * FROM pacs_studies WHERE study_instance_uid = ?'),
      reports: db.prepare('SELECT * FROM reports WHERE accession_number = ? ORDER BY version'),
      patientNhs: db.prepare('SELECT nhs_number FROM patients WHERE id = ?'),
      storedRow: db.prepare(`SELECT ${ROW_COLUMNS.map(([, c]) => c).join(', ')} FROM study_index WHERE id_key = ?`),
      rowsByPacsUid: db.prepare('SELECT id_key, has_order, accession_number FROM study_index WHERE pacs_uid = ?'),
      deleteRow: db.prepare('DELETE FROM study_index WHERE id_key = ?'),
      deleteModalities: db.prepare('DELETE FROM study_index_modalities WHERE id_key = ?'),
      insertRow: db.prepare(
        `INSERT OR REPLACE INTO study_index (id_key, accession_number, study_instance_uid, pacs_uid, has_order,
           ris_patient_id, pacs_patient_id, nhs_number, modalities, status, priority, sort_key, sort_at, performed_at,
           scheduled_at, requested_at, reported_at, series_count, image_count, description, body_part,
           requested_ms, scheduled_ms, ris_performed_ms, first_final_ms)
         VALUES (@idKey, @accessionNumber, @studyInstanceUid, @pacsUid, @hasOrder, @risPatientId, @pacsPatientId,
           @nhsNumber, @modalities, @status, @priority, @sortKey, @sortAt, @performedAt, @scheduledAt, @requestedAt,
           @reportedAt, @seriesCount, @imageCount, @description, @bodyPart,
           @requestedMs, @scheduledMs, @risPerformedMs, @firstFinalMs)`,
      ),
      insertModality: db.prepare('INSERT OR IGNORE INTO study_index_modalities (modality, sort_key, id_key) VALUES (?, ?, ?)'),
      upsertPacs: db.prepare(
        `INSERT OR REPLACE INTO pacs_studies (study_instance_uid, accession_number, patient_id, issuer_of_patient_id,
           patient_name, birth_date, sex, modalities, description, performed_at, image_count, series_count, study_date, synced_at)
         VALUES (@studyInstanceUid, @accessionNumber, @patientId, @issuerOfPatientId, @patientName, @birthDate, @sex,
           @modalities, @description, @performedAt, @imageCount, @seriesCount, @studyDate, @syncedAt)`,
      ),
      pacsExists: db.prepare('SELECT COUNT(*) AS n FROM pacs_studies WHERE study_instance_uid = ?'),
      deletePacs: db.prepare('DELETE FROM pacs_studies WHERE study_instance_uid = ?'),
      ordersOfPatient: db.prepare('SELECT accession_number FROM orders WHERE patient_id = ?'),
    };
  }

  // ---- keeping rows in step (always inside the caller's transaction) ----

  /**
   * Re-joins and rewrites the rows of this accession (an order changed, or its reports). Every
   * PACS study of the accession is a row (primary-pacs-study.ts): the primary one under the
   * accession id, the others under their Study Instance UID, all joined with the order.
   */
  refreshAccession(accessionNumber: string, depth = 0): void {
    const columns = this.#s.orderByAccession.get(accessionNumber);
    if (!columns) {
      this.#refreshPacsOnlyAccession(accessionNumber);
      return;
    }
    const order = toOrderRow(columns);
    const byAccession = this.#s.pacsAllByAccession.all(accessionNumber).map(toPacsStudy);
    // No PACS study carries the accession: the join falls back to the order's UID.
    const byUid = byAccession.length ? undefined : this.#pacsByOrderUid(order);
    const candidates = byAccession.length ? byAccession : byUid ? [byUid] : [];
    const primary = primaryPacsStudy(candidates, order.studyInstanceUid);
    const reports = this.#s.reports.all(accessionNumber).map(toReportRow);
    const patientNhsNumber = this.#s.patientNhs.get(order.patientId)?.nhs_number ?? null;
    const row = studyIndexRow({ order, pacs: primary, reports, patientNhsNumber, nationalNumber: this.#nationalNumber });
    const stored = this.#s.storedRow.get(row.idKey) as Record<string, unknown> | undefined;
    const previousPacs = (stored?.['pacs_uid'] as string | null | undefined) ?? null;
    this.#write(row, stored);
    if (primary) this.#dropOtherRowsOf(primary.studyInstanceUid, row.idKey);
    for (const other of candidates) {
      if (other === primary) continue;
      const extra = studyIndexRow({ order, pacs: other, reports, patientNhsNumber, keyedBy: 'uid', nationalNumber: this.#nationalNumber });
      this.#write(extra);
      this.#dropOtherRowsOf(other.studyInstanceUid, extra.idKey);
    }
    // The PACS study this order held before (e.g. by UID) may now stand alone.
    if (previousPacs !== null && !candidates.some((c) => c.studyInstanceUid === previousPacs) && depth < 4) this.refreshPacs(previousPacs, depth + 1);
  }

  /** PACS studies of an accession no order has: one row each, the primary under the accession id. */
  #refreshPacsOnlyAccession(accessionNumber: string): void {
    const candidates = this.#s.pacsAllByAccession.all(accessionNumber).map(toPacsStudy);
    const primary = primaryPacsStudy(candidates, undefined);
    for (const pacs of candidates) {
      const row = studyIndexRow({ order: undefined, pacs, reports: [], patientNhsNumber: null, keyedBy: pacs === primary ? 'accession' : 'uid', nationalNumber: this.#nationalNumber });
      this.#write(row);
      this.#dropOtherRowsOf(pacs.studyInstanceUid, row.idKey);
    }
  }

  /** Every order of one patient (their NHS number or identity changed, or a merge re-pointed them). */
  refreshPatient(patientId: number): void {
    for (const { accession_number } of this.#s.ordersOfPatient.all(patientId)) this.refreshAccession(accession_number);
  }

  /** Re-joins the rows of one synced PACS study (stored, changed, or deleted) and its accession. */
  refreshPacs(uid: string, depth = 0, known?: PacsStudy): void {
    const columns = known ? undefined : this.#s.pacsByUid.get(uid);
    if (!known && !columns) {
      for (const row of this.#s.rowsByPacsUid.all(uid)) {
        this.#delete(row.id_key);
        if (row.accession_number !== null && depth < 4) this.refreshAccession(row.accession_number, depth + 1);
      }
      return;
    }
    const pacs = known ?? toPacsStudy(columns!);
    const order = this.#orderForPacs(pacs);
    if (order) {
      if (depth < 4) this.refreshAccession(order.accessionNumber, depth + 1);
      return;
    }
    if (pacs.accessionNumber) {
      this.#refreshPacsOnlyAccession(pacs.accessionNumber);
      return;
    }
    const row = studyIndexRow({ order: undefined, pacs, reports: [], patientNhsNumber: null, nationalNumber: this.#nationalNumber });
    this.#write(row);
    this.#dropOtherRowsOf(uid, row.idKey);
  }

  /** RIS accession first; else the order that named this Study Instance UID (IPC-3). */
  #orderForPacs(pacs: PacsStudy): RisOrderRow | undefined {
    const byAccession = pacs.accessionNumber ? this.#s.orderByAccession.get(pacs.accessionNumber) : undefined;
    const columns = byAccession ?? this.#s.orderByUid.get(pacs.studyInstanceUid);
    return columns ? toOrderRow(columns) : undefined;
  }

  /**
   * The second half of the join of ARCHITECTURE.md (on accession number, else on the order's
   * Study Instance UID): the PACS study with the order's UID, unless it names another order.
   */
  #pacsByOrderUid(order: RisOrderRow): PacsStudy | undefined {
    if (!order.studyInstanceUid) return undefined;
    const byUid = this.#s.pacsByUid.get(order.studyInstanceUid);
    if (!byUid) return undefined;
    // A PACS study whose own accession names another order belongs to that order.
    if (byUid.accession_number && byUid.accession_number !== order.accessionNumber && this.#s.orderByAccession.get(byUid.accession_number)) return undefined;
    return toPacsStudy(byUid);
  }

  #dropOtherRowsOf(pacsUid: string, keep: string): void {
    for (const row of this.#s.rowsByPacsUid.all(pacsUid)) if (row.id_key !== keep) this.#delete(row.id_key);
  }

  /**
   * Writes one row. Most HL7 messages change a few columns of a row that exists (a status, a
   * time), so only those are updated: SQLite then rewrites only the indexes over them (it skips an
   * index none of whose columns is in the SET list), and an unchanged row costs one read. Each
   * index entry rewritten is a page in the commit's WAL write (issue 16: the study index was the
   * ingest's largest writer, 12 indexes rewritten per message by INSERT OR REPLACE).
   */
  #write(row: StudyIndexRow, known?: Record<string, unknown>): void {
    const values: Record<string, unknown> = { ...row, hasOrder: row.hasOrder ? 1 : 0, modalities: `,${row.modalities.join(',')},` };
    const stored = known ?? (this.#s.storedRow.get(row.idKey) as Record<string, unknown> | undefined);
    if (!stored) {
      this.#s.insertRow.run(values);
      for (const m of row.modalities) this.#s.insertModality.run(m, row.sortKey, row.idKey);
      return;
    }
    const changed = this.#rowUpdate.changes(stored, values);
    if (changed === 0) return;
    this.#rowUpdate.run(changed, values);
    if (stored['modalities'] !== values['modalities'] || stored['sort_key'] !== row.sortKey) {
      this.#s.deleteModalities.run(row.idKey);
      for (const m of row.modalities) this.#s.insertModality.run(m, row.sortKey, row.idKey);
    }
  }

  #delete(idKey: string): void {
    this.#s.deleteModalities.run(idKey);
    this.#s.deleteRow.run(idKey);
  }

  /** Rebuilds every row from the orders and the synced PACS studies (migration fill, reindex). */
  rebuild(onProgress?: (done: number, total: number) => void): void {
    this.#db.exec('DELETE FROM study_index; DELETE FROM study_index_modalities;');
    const accessions = this.#statements.prepare('SELECT accession_number FROM orders').pluck().all() as string[];
    const uids = this.#statements
      .prepare(`SELECT study_instance_uid FROM pacs_studies p
                 WHERE NOT EXISTS (SELECT 1 FROM study_index s WHERE s.pacs_uid = p.study_instance_uid)`)
      .pluck();
    const total = accessions.length;
    accessions.forEach((a, i) => {
      this.refreshAccession(a);
      if (onProgress && i % 1000 === 0) onProgress(i, total);
    });
    for (const uid of uids.all() as string[]) this.refreshPacs(uid);
    onProgress?.(total, total);
  }

  // ---- PacsIndexPort (each call one transaction) ----

  upsertPacsStudies(rows: readonly SyncedStudy[], state?: PacsSyncState): number {
    const syncedAt = new Date().toISOString();
    return this.#syncTransaction(() => {
      let added = 0;
      for (const { study, studyDate } of rows) {
        const values = {
          ...study,
          patientName: study.patientName === null ? null : JSON.stringify(study.patientName),
          modalities: JSON.stringify(study.modalities),
          studyDate,
          syncedAt,
        };
        const stored = this.#s.pacsByUid.get(study.studyInstanceUid);
        if (!stored) added++;
        // A re-read study that did not change (most rows of a poll or re-check) costs one read.
        else if (samePacsRow(stored, values)) continue;
        this.#s.upsertPacs.run(values);
        this.refreshPacs(study.studyInstanceUid, 0, study);
      }
      if (state) this.writeSyncState(state);
      return added;
    });
  }

  /**
   * A transaction of the PACS sync. Its commits skip the fsync (`synchronous = NORMAL` for this
   * commit only; WAL mode keeps the database consistent): everything it writes can be read from
   * the PACS again, and the sync position is written in the same transaction, so a power cut
   * only repeats a window. HL7 commits stay FULL: the next one syncs the WAL, these frames too.
   * Safe because better-sqlite3 is synchronous: no HL7 transaction can run in between.
   */
  #syncTransaction<T>(work: () => T): T {
    const before = this.#db.pragma('synchronous', { simple: true }) as number;
    this.#db.pragma('synchronous = NORMAL');
    try {
      return this.#db.transaction(work).immediate();
    } finally {
      this.#db.pragma(`synchronous = ${before === 3 ? 'EXTRA' : before === 2 ? 'FULL' : before === 1 ? 'NORMAL' : 'OFF'}`);
    }
  }

  removePacsStudiesNotSeen(from: string, to: string, seen: ReadonlySet<string>, state?: PacsSyncState): number {
    return this.#syncTransaction(() => {
      const uids = this.#statements
        .prepare('SELECT study_instance_uid FROM pacs_studies WHERE study_date BETWEEN ? AND ?')
        .pluck()
        .all(from, to) as string[];
      let removed = 0;
      for (const uid of uids) {
        if (seen.has(uid)) continue;
        this.#s.deletePacs.run(uid);
        this.refreshPacs(uid);
        removed++;
      }
      if (state) this.writeSyncState(state);
      return removed;
    });
  }

  readSyncState(): PacsSyncState {
    const raw = this.#statements.prepare(`SELECT value FROM pacs_sync_state WHERE name = 'sync'`).pluck().get() as string | undefined;
    if (raw === undefined) return structuredClone(INITIAL_SYNC_STATE);
    const stored = JSON.parse(raw) as Partial<PacsSyncState>;
    return { ...structuredClone(INITIAL_SYNC_STATE), ...stored, backfill: { ...INITIAL_SYNC_STATE.backfill, ...stored.backfill } };
  }

  writeSyncState(state: PacsSyncState): void {
    const write = () => this.#statements.prepare(`INSERT OR REPLACE INTO pacs_sync_state (name, value) VALUES ('sync', ?)`).run(JSON.stringify(state));
    if (this.#db.inTransaction) write();
    else this.#syncTransaction(write);
  }

  indexedStudies(): number {
    return this.#statements.prepare('SELECT COUNT(*) FROM study_index').pluck().get() as number;
  }

  pacsStudyCount(): number {
    return this.#statements.prepare('SELECT COUNT(*) FROM pacs_studies').pluck().get() as number;
  }

  resetPacsIndex(): void {
    this.#db.transaction(() => {
      this.#db.exec(`DELETE FROM pacs_studies; DELETE FROM pacs_sync_state WHERE name = 'sync';`);
      this.rebuild();
    }).immediate();
  }

  /** True once, on the first open after migration 3: the index must be filled from the orders. */
  takeFillFlag(): boolean {
    const flag = this.#statements.prepare(`DELETE FROM pacs_sync_state WHERE name = 'index_needs_fill' RETURNING value`).pluck().get();
    return flag !== undefined;
  }

  // ---- reading ----

  /**
   * One range scan per event column (partial indexes on the *_ms columns) and one walk of the
   * status index for the backlog, merged by UNION: the rows read are the window's activity and
   * the backlog, never the whole trust.
   */
  capacityAccessions(scope: CapacityScope): string[] {
    const priorities = scope.priorities?.length ? scope.priorities : undefined;
    if (scope.priorities && !priorities) return [];
    const byPriority = priorities ? ` AND priority IN (${priorities.map(() => '?').join(',')})` : '';
    const branches: string[] = [];
    const params: unknown[] = [];
    for (const column of ['requested_ms', 'scheduled_ms', 'ris_performed_ms', 'first_final_ms']) {
      branches.push(`SELECT accession_number FROM study_index WHERE ${column} BETWEEN ? AND ?${byPriority}`);
      params.push(scope.fromMillis, scope.toMillis, ...(priorities ?? []));
    }
    if (scope.backlogStatuses?.length) {
      branches.push(
        `SELECT accession_number FROM study_index WHERE status IN (${scope.backlogStatuses.map(() => '?').join(',')}) AND has_order = 1${byPriority}`,
      );
      params.push(...scope.backlogStatuses, ...(priorities ?? []));
    }
    return this.#statements.prepare(branches.join(' UNION ')).pluck().all(...params) as string[];
  }

  pacsStudiesByAccession(accessionNumbers: readonly string[]): Map<string, PacsStudy[]> {
    const out = new Map<string, PacsStudy[]>();
    for (const part of chunks([...new Set(accessionNumbers)])) {
      const rows = this.#statements
        .prepare(`SELECT * FROM pacs_studies WHERE accession_number IN (${part.map(() => '?').join(',')}) ORDER BY study_instance_uid`)
        .all(...part) as PacsColumns[];
      for (const row of rows) out.set(row.accession_number!, [...(out.get(row.accession_number!) ?? []), toPacsStudy(row)]);
    }
    return out;
  }

  pacsStudiesByUid(uids: readonly string[]): Map<string, PacsStudy> {
    const out = new Map<string, PacsStudy>();
    for (const part of chunks([...new Set(uids)])) {
      const rows = this.#statements
        .prepare(`SELECT * FROM pacs_studies WHERE study_instance_uid IN (${part.map(() => '?').join(',')})`)
        .all(...part) as PacsColumns[];
      for (const row of rows) out.set(row.study_instance_uid, toPacsStudy(row));
    }
    return out;
  }

  /**
   * One keyset page. Each equality filter (modality, status, patient) becomes a branch that walks
   * its own index in page order and stops after `limit` rows; branches are merged (UNION drops a
   * study found by two, e.g. CT and MR) and cut to `limit`. So a page reads about `limit` rows per
   * branch, whatever the trust's size.
   */
  studyIndexPage(q: StudyIndexQuery): StudyIndexHit[] {
    const modalityDim: (string | undefined)[] = q.modalities?.length ? [...new Set(q.modalities)] : [undefined];
    const statusDim: (string | undefined)[] = q.statuses?.length ? [...new Set(q.statuses)] : [undefined];
    type PatientPart = { kind: 'ris'; id: number } | { kind: 'pacs'; ids: readonly string[] } | undefined;
    const patientDim: PatientPart[] = [];
    if (q.patient) {
      const risIds = new Set([...(q.patient.risPatientId !== undefined ? [q.patient.risPatientId] : []), ...(q.patient.risPatientIds ?? [])]);
      for (const id of risIds) patientDim.push({ kind: 'ris', id });
      if (q.patient.pacsPatientIds.length) patientDim.push({ kind: 'pacs', ids: q.patient.pacsPatientIds });
      if (patientDim.length === 0) return [];
    } else patientDim.push(undefined);

    const branches: { sql: string; params: unknown[] }[] = [];
    for (const modality of modalityDim) {
      for (const status of statusDim) {
        for (const patient of patientDim) {
          const where: string[] = [];
          const params: unknown[] = [];
          const from = modality !== undefined ? 'study_index_modalities m JOIN study_index s ON s.id_key = m.id_key' : 'study_index s';
          const k = modality !== undefined ? 'm' : 's';
          if (modality !== undefined) {
            where.push('m.modality = ?');
            params.push(modality);
          }
          if (status !== undefined) {
            where.push('s.status = ?');
            params.push(status);
          }
          if (patient?.kind === 'ris') {
            where.push('s.ris_patient_id = ?');
            params.push(patient.id);
          } else if (patient?.kind === 'pacs') {
            where.push(`s.has_order = 0 AND s.pacs_patient_id IN (${patient.ids.map(() => '?').join(',')})`);
            params.push(...patient.ids);
          }
          if (q.idKey !== undefined) {
            where.push('s.id_key = ?');
            params.push(q.idKey);
          }
          if (q.accessionNumber !== undefined) {
            where.push('s.accession_number = ?');
            params.push(q.accessionNumber);
          }
          // Sort time within [from, to] ⇔ sort key within [−to, −from] (studies without a time excluded).
          if (q.toMillis !== undefined) {
            where.push(`${k}.sort_key >= ?`);
            params.push(sortKeyOf(q.toMillis));
          }
          if (q.fromMillis !== undefined) {
            where.push(`${k}.sort_key <= ?`);
            params.push(sortKeyOf(q.fromMillis));
          }
          if (q.after) {
            where.push(`(${k}.sort_key, ${k}.id_key) > (?, ?)`);
            params.push(q.after.sortKey, q.after.idKey);
          }
          params.push(q.limit);
          const whereSql = where.length ? `WHERE ${where.join(' AND ')}` : '';
          branches.push({
            sql: `SELECT ${HIT_COLUMNS} FROM ${from} ${whereSql} ORDER BY ${k}.sort_key, ${k}.id_key LIMIT ?`,
            params,
          });
        }
      }
    }
    let sql: string;
    let params: unknown[];
    const [only] = branches;
    if (only && branches.length === 1) {
      sql = only.sql;
      params = only.params;
    } else {
      sql = `SELECT * FROM (${branches.map((b) => `SELECT * FROM (${b.sql})`).join(' UNION ')})
              ORDER BY sort_key, id_key LIMIT ?`;
      params = [...branches.flatMap((b) => b.params), q.limit];
    }
    const rows = this.#statements.prepare(sql).all(...params) as HitColumns[];
    return rows.map((r) => ({
      idKey: r.id_key,
      sortKey: r.sort_key,
      accessionNumber: r.accession_number,
      pacsUid: r.pacs_uid,
      hasOrder: r.has_order !== 0,
    }));
  }
}
