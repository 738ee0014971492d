import type { StatementCache } from './statement-cache.ts';
import type { Database, Statement } from 'better-sqlite3';
import type { RisReportRow } from '../ris/ingest-port.ts';
import type { SqliteReadModel } from './sqlite-read-model.ts';
import type { SqliteStudyIndex } from './sqlite-study-index.ts';
import { INDEXED_ORDER_FIELDS } from './study-index-row.ts';
import { ChangedColumnsUpdate } from './changed-columns-update.ts';
import { toOrderRecord, toPatientRecord, toReportRow, type OrderColumns, type PatientColumns, type ReportColumns } from './sqlite-rows.ts';
import type { StudyStatusValue } from '../../../schema/generated/enums.ts';
import type { DedupeKey, FailureRecord, JournalCompletion, NewReportVersion, OrderRecord, PatientChanges, PatientRecord, StoredAck, TrustWriter } from '../ris/ingest-port.ts';

const now = (): string => new Date().toISOString();

/** Column of each demographic field; a fixed map, so no caller text ever reaches the SQL. */
const PATIENT_COLUMNS: Record<keyof PatientChanges, string> = {
  nhsNumber: 'nhs_number',
  family: 'family',
  given: 'given',
  birthDate: 'birth_date',
  sex: 'sex',
};

function patientValue(key: keyof PatientChanges, value: PatientChanges[keyof PatientChanges]): string | null {
  if (key === 'given') return JSON.stringify(value ?? []);
  return (value as string | null | undefined) ?? null;
}

/** The stored columns of an order, by the `OrderRecord` field each holds. */
const ORDER_COLUMNS = [
  ['accessionNumber', 'accession_number'], ['patientId', 'patient_id'], ['placerOrderNumber', 'placer_order_number'],
  ['fillerOrderNumber', 'filler_order_number'], ['studyInstanceUid', 'study_instance_uid'], ['description', 'description'],
  ['bodyPart', 'body_part'], ['modality', 'modality'], ['priority', 'priority'], ['workflowStatus', 'workflow_status'],
  ['cancelled', 'cancelled'], ['status', 'status'], ['requestedAt', 'requested_at'], ['scheduledAt', 'scheduled_at'],
  ['performedAt', 'performed_at'], ['appointmentCancelledAt', 'appointment_cancelled_at'], ['orderMissing', 'order_missing'],
  ['procedureCode', 'procedure_code'], ['procedureCodingSystem', 'procedure_coding_system'], ['patientClass', 'patient_class'],
  ['onHold', 'on_hold'], ['didNotAttendAt', 'did_not_attend_at'], ['waitStartedAt', 'wait_started_at'], ['cancelledAt', 'cancelled_at'],
] as const satisfies ReadonlyArray<readonly [keyof OrderRecord, keyof OrderColumns]>;

/** The TrustWriter over SQLite; only used inside `SqliteTrustStore.transaction`. */
export class SqliteWriter implements TrustWriter {
  readonly #statements: StatementCache;
  readonly #read: SqliteReadModel;
  /** Study-index rows to re-join before the transaction commits (see `flushStudyIndex`). */
  readonly #dirtyAccessions = new Set<string>();
  readonly #dirtyPatients = new Set<number>();
  /**
   * The order row `order()` last read, for the `saveOrder()` of the same accession that follows
   * it when applying a message (it read the same row again: ~8 µs per message). Only valid inside
   * the transaction that read it (forgotten when one starts or ends) and until the next write to
   * orders (saveOrder, mergePatient).
   */
  #lastOrderRead: { accessionNumber: string; columns: OrderColumns | undefined } | undefined;
  readonly #orderUpdate: ChangedColumnsUpdate;
  /** The order columns the study index reads (`INDEXED_ORDER_FIELDS`), as a change mask. */
  readonly #indexedMask: number;
  readonly #stmt: {
    byMrn: Statement<[string], { patient_id: number }>;
    byNhs: Statement<[string], { id: number }>;
    patient: Statement<[number], PatientColumns>;
    addMrn: Statement<[string, number]>;
    order: Statement<[string], OrderColumns>;
    reports: Statement<[string], ReportColumns>;
    ack: Statement<[string, string, string], { ack_code: string; ack_text: string; journal_id: number }>;
    insertOrder: Statement<[Record<string, unknown>]>;
  };

  constructor(db: Database, statements: StatementCache, read: SqliteReadModel) {
    this.#statements = statements;
    this.#read = read;
    this.#orderUpdate = new ChangedColumnsUpdate(db, 'orders', ORDER_COLUMNS, 'accession_number = @accessionNumber', 'updated_at = @t');
    this.#indexedMask = this.#orderUpdate.maskOf(INDEXED_ORDER_FIELDS);
    this.#stmt = {
      byMrn: db.prepare(`SELECT patient_id FROM patient_identifiers WHERE type = 'MR' AND value = ?`),
      byNhs: db.prepare(
        'SELECT id FROM patients WHERE nhs_number = ? AND merged_into IS NULL ORDER BY updated_at DESC, id DESC',
      ),
      patient: db.prepare('SELECT * FROM patients WHERE id = ?'),
      addMrn: db.prepare(`INSERT OR IGNORE INTO patient_identifiers (type, value, patient_id) VALUES ('MR', ?, ?)`),
      order: db.prepare('SELECT * FROM orders WHERE accession_number = ?'),
      reports: db.prepare('SELECT * FROM reports WHERE accession_number = ? ORDER BY version'),
      ack: db.prepare(
        `SELECT ack_code, ack_text, journal_id FROM acks
          WHERE sending_application = ? AND sending_facility = ? AND control_id = ?`,
      ),
      insertOrder: db.prepare(
        `INSERT INTO orders (${ORDER_COLUMNS.map(([, c]) => c).join(', ')}, created_at, updated_at)
         VALUES (${ORDER_COLUMNS.map(([f]) => `@${f}`).join(', ')}, @t, @t)`,
      ),
    };
  }

  patientIdByMrn(mrn: string): number | undefined {
    return this.#stmt.byMrn.get(mrn)?.patient_id;
  }

  patientIdsByNhsNumber(nhsNumber: string): number[] {
    return this.#stmt.byNhs.all(nhsNumber).map((r) => r.id);
  }

  survivorOf(patientId: number): number {
    return this.#read.survivorOf(patientId);
  }

  patient(id: number): PatientRecord | undefined {
    const c = this.#stmt.patient.get(id);
    return c ? toPatientRecord(c) : undefined;
  }

  createPatient(changes: PatientChanges): number {
    const t = now();
    const result = this.#statements
      .prepare(
        `INSERT INTO patients (nhs_number, family, given, birth_date, sex, created_at, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(
        changes.nhsNumber ?? null,
        changes.family ?? null,
        JSON.stringify(changes.given ?? []),
        changes.birthDate ?? null,
        changes.sex ?? null,
        t,
        t,
      );
    return Number(result.lastInsertRowid);
  }

  updatePatient(id: number, changes: PatientChanges): void {
    const keys = (Object.keys(PATIENT_COLUMNS) as (keyof PatientChanges)[]).filter((k) => changes[k] !== undefined);
    if (keys.length === 0) return;
    const sets = keys.map((k) => `${PATIENT_COLUMNS[k]} = ?`).join(', ');
    this.#statements
      .prepare(`UPDATE patients SET ${sets}, updated_at = ? WHERE id = ?`)
      .run(...keys.map((k) => patientValue(k, changes[k])), now(), id);
    // The index holds the patient's NHS number only (study-index-row.ts): other demographics
    // leave its rows as they are.
    if (changes.nhsNumber !== undefined) this.#dirtyPatients.add(id);
  }

  addMrn(patientId: number, mrn: string): boolean {
    this.#stmt.addMrn.run(mrn, patientId);
    return this.patientIdByMrn(mrn) === patientId;
  }

  addIdentifier(patientId: number, type: 'CHI' | 'HC', value: string): void {
    this.#statements.prepare('INSERT OR IGNORE INTO patient_identifiers (type, value, patient_id) VALUES (?, ?, ?)').run(type, value, patientId);
  }

  mergePatient(retiredId: number, survivorId: number): void {
    this.#lastOrderRead = undefined;
    const survivor = this.survivorOf(survivorId);
    const retired = this.survivorOf(retiredId);
    if (retired === survivor) return;
    const t = now();
    // Point the retired patient, and every patient already merged into it, straight at the
    // survivor, so chains stay one step long.
    this.#statements.prepare('UPDATE patients SET merged_into = ?, updated_at = ? WHERE id = ? OR merged_into = ?').run(survivor, t, retired, retired);
    this.#statements.prepare('UPDATE orders SET patient_id = ?, updated_at = ? WHERE patient_id = ?').run(survivor, t, retired);
    this.#statements.prepare('UPDATE reports SET patient_id = ? WHERE patient_id = ?').run(survivor, retired);
    // The survivor keeps its own NHS number; it inherits the retired one only when it has none.
    this.#statements
      .prepare(
        `UPDATE patients SET nhs_number = (SELECT nhs_number FROM patients WHERE id = ?), updated_at = ?
          WHERE id = ? AND nhs_number IS NULL`,
      )
      .run(retired, t, survivor);
    this.#dirtyPatients.add(survivor);
  }

  order(accessionNumber: string): OrderRecord | undefined {
    const c = this.#stmt.order.get(accessionNumber);
    this.#lastOrderRead = { accessionNumber, columns: c };
    return c ? toOrderRecord(c) : undefined;
  }

  orderByOrderNumber(kind: 'filler' | 'placer', orderNumber: string): OrderRecord | undefined {
    const column = kind === 'filler' ? 'filler_order_number' : 'placer_order_number';
    const c = this.#statements
      .prepare(`SELECT * FROM orders WHERE ${column} = ? ORDER BY updated_at DESC LIMIT 1`)
      .get(orderNumber) as OrderColumns | undefined;
    return c ? toOrderRecord(c) : undefined;
  }

  saveOrder(o: OrderRecord): StudyStatusValue | undefined {
    const t = now();
    const values: Record<string, unknown> = { ...o, cancelled: o.cancelled ? 1 : 0, orderMissing: o.orderMissing ? 1 : 0, onHold: o.onHold ? 1 : 0, t };
    const read = this.#lastOrderRead;
    this.#lastOrderRead = undefined;
    const stored = (read?.accessionNumber === o.accessionNumber ? read.columns : this.#stmt.order.get(o.accessionNumber)) as
      | (OrderColumns & Record<string, unknown>)
      | undefined;
    let reindex = true;
    if (!stored) {
      this.#stmt.insertOrder.run(values);
    } else {
      // Only the columns that changed (and updated_at): the order-number, patient and UID indexes
      // are rewritten only when those change, which is rare.
      const changed = this.#orderUpdate.changes(stored, values);
      this.#orderUpdate.run(changed, values);
      reindex = (changed & this.#indexedMask) !== 0;
    }
    if (reindex) this.#dirtyAccessions.add(o.accessionNumber);
    this.#recordHistory(o, t);
    return stored?.status as StudyStatusValue | undefined;
  }

  /**
   * Appends the order's backlog state to study_status_history when it changed, in the same
   * transaction: `CapacityFilter.asOf` reads the backlog as it was at a past instant from it.
   */
  #recordHistory(o: OrderRecord, t: string): void {
    const performed = o.performedAt !== null || o.workflowStatus === 'COMPLETED' ? 1 : 0;
    // MAX(id) over the accession's entries of the (accession_number, recorded_at) index (each
    // entry ends in the rowid), then one rowid lookup: no temporary B-tree for an ORDER BY id,
    // which cost twice as much per message (3.5 vs 1.8 µs in a micro-run, same rows).
    const last = this.#statements
      .prepare(
        `SELECT status, performed, wait_started_at FROM study_status_history
          WHERE id = (SELECT MAX(id) FROM study_status_history WHERE accession_number = ?)`,
      )
      .get(o.accessionNumber) as { status: string; performed: number; wait_started_at: string | null } | undefined;
    if (last && last.status === o.status && last.performed === performed && last.wait_started_at === o.waitStartedAt) return;
    this.#statements
      .prepare('INSERT INTO study_status_history (accession_number, status, performed, wait_started_at, recorded_at) VALUES (?, ?, ?, ?, ?)')
      .run(o.accessionNumber, o.status, performed, o.waitStartedAt, t);
  }

  reportVersions(accessionNumber: string): RisReportRow[] {
    return this.#stmt.reports.all(accessionNumber).map(toReportRow);
  }

  addReportVersion(r: NewReportVersion): number {
    const next = this.#statements
      .prepare('SELECT COALESCE(MAX(version), 0) + 1 AS v FROM reports WHERE accession_number = ?')
      .get(r.accessionNumber) as { v: number };
    this.#statements
      .prepare(
        `INSERT INTO reports (accession_number, version, status, result_status, text, reported_at, author,
           patient_id, journal_id, received_at, kind, attachment, reporter, assistant)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(
        r.accessionNumber, next.v, r.status, r.resultStatus, r.text, r.reportedAt, r.author, r.patientId, r.journalId, now(),
        r.kind, r.attachment, r.reporter ? JSON.stringify(r.reporter) : null, r.assistant ? JSON.stringify(r.assistant) : null,
      );
    this.#dirtyAccessions.add(r.accessionNumber);
    return next.v;
  }

  /** Forgets pending index work (a transaction starts, or rolled back). */
  resetStudyIndexWork(): void {
    this.#lastOrderRead = undefined;
    this.#dirtyAccessions.clear();
    this.#dirtyPatients.clear();
  }

  /**
   * Re-joins the study-index rows this transaction touched, inside it: the index changes in the
   * SAME transaction as the HL7 message that changed the order (ARCHITECTURE.md read path).
   */
  flushStudyIndex(index: SqliteStudyIndex): void {
    for (const id of this.#dirtyPatients) index.refreshPatient(this.survivorOf(id));
    for (const a of this.#dirtyAccessions) index.refreshAccession(a);
    this.resetStudyIndexWork();
  }

  findAck(key: DedupeKey): StoredAck | undefined {
    const row = this.#stmt.ack.get(key.sendingApplication, key.sendingFacility, key.controlId);
    return row ? { ackCode: row.ack_code, ackText: row.ack_text, journalId: row.journal_id } : undefined;
  }

  recordAck(key: DedupeKey, journalId: number, ackCode: string, ackText: string): void {
    // OR IGNORE: a replayed message already has the ACK the sender got; that one stays.
    this.#statements
      .prepare(
        `INSERT OR IGNORE INTO acks (sending_application, sending_facility, control_id, journal_id, ack_code,
           ack_text, acked_at) VALUES (?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(key.sendingApplication, key.sendingFacility, key.controlId, journalId, ackCode, ackText, now());
  }

  completeJournal(journalId: number, c: JournalCompletion): void {
    this.#statements
      .prepare(
        `UPDATE journal SET outcome = ?, ack_code = COALESCE(?, ack_code), control_id = COALESCE(?, control_id),
           sending_application = COALESCE(?, sending_application), sending_facility = COALESCE(?, sending_facility),
           message_type = COALESCE(?, message_type), detail = ? WHERE id = ?`,
      )
      .run(c.outcome, c.ackCode, c.controlId, c.sendingApplication, c.sendingFacility, c.messageType, c.detail, journalId);
  }

  recordFailure(journalId: number, f: FailureRecord): number {
    const result = this.#statements
      .prepare(
        `INSERT INTO failed (journal_id, failed_at, ack_code, err_code, reason, location) VALUES (?, ?, ?, ?, ?, ?)`,
      )
      .run(journalId, now(), f.ackCode, f.errCode, f.reason, f.location);
    return Number(result.lastInsertRowid);
  }

  markReplay(failedId: number, result: { ok: true } | { ok: false; failure: FailureRecord }): void {
    const t = now();
    if (result.ok) {
      this.#statements
        .prepare(
          `UPDATE failed SET status = 'REPLAYED', attempts = attempts + 1, last_attempt_at = ?, replayed_at = ?
            WHERE id = ?`,
        )
        .run(t, t, failedId);
      return;
    }
    const f = result.failure;
    this.#statements
      .prepare(
        `UPDATE failed SET attempts = attempts + 1, last_attempt_at = ?, ack_code = ?, err_code = ?, reason = ?,
           location = ? WHERE id = ?`,
      )
      .run(t, f.ackCode, f.errCode, f.reason, f.location, failedId);
  }
}
