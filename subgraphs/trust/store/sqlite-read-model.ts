import type { StatementCache } from './statement-cache.ts';
import type { Database, Statement } from 'better-sqlite3';
import type { RisOrderQuery, RisOrderRow, RisPatientRow, StatusHistoryRow, StudyIndexReader, TrustReadModel } from './read-model.ts';
import type { RisReportRow } from '../ris/ingest-port.ts';
import type { StudyStatusValue } from '../../../schema/generated/enums.ts';
import {
  chunks,
  toOrderRow,
  toPatientRecord,
  toReportRow,
  type OrderColumns,
  type PatientColumns,
  type ReportColumns,
} from './sqlite-rows.ts';
import { followSurvivorChain } from './survivor-chain.ts';

/**
 * The read model over SQLite. Orders always point at surviving patients (merges re-point them),
 * and merged patients point straight at their survivor; reads still follow chains, cycle-safe,
 * so a database written by an older build cannot send them astray.
 */
export class SqliteReadModel implements Omit<TrustReadModel, keyof StudyIndexReader> {
  readonly #statements: StatementCache;
  readonly #mergedInto: Statement<[number], { merged_into: number | null }>;
  readonly #patient: Statement<[number], PatientColumns>;
  readonly #mrnsOf: Statement<[number], { value: string }>;
  readonly #nationalIdsOf: Statement<[number], { type: 'CHI' | 'HC'; value: string }>;
  readonly #byMrn: Statement<[string], { patient_id: number }>;
  readonly #byNhs: Statement<[string], { id: number }>;

  /** Prepared once per SQL text (the connection's statement cache: statement-cache.ts). */
  #statement(sql: string): Statement {
    return this.#statements.prepare(sql);
  }

  constructor(db: Database, statements: StatementCache) {
    this.#statements = statements;
    this.#mergedInto = db.prepare('SELECT merged_into FROM patients WHERE id = ?');
    this.#patient = db.prepare('SELECT * FROM patients WHERE id = ?');
    // Every patient merged into this one, at any depth; UNION (not UNION ALL) stops on a cycle.
    this.#mrnsOf = db.prepare(
      `WITH RECURSIVE merged(id) AS (
         SELECT ? UNION SELECT p.id FROM patients p JOIN merged m ON p.merged_into = m.id
       )
       SELECT i.value FROM patient_identifiers i JOIN merged m ON m.id = i.patient_id
        WHERE i.type = 'MR' ORDER BY i.patient_id, i.value`,
    );
    this.#nationalIdsOf = db.prepare(
      `WITH RECURSIVE merged(id) AS (
         SELECT ? UNION SELECT p.id FROM patients p JOIN merged m ON p.merged_into = m.id
       )
       SELECT i.type, i.value FROM patient_identifiers i JOIN merged m ON m.id = i.patient_id
        WHERE i.type IN ('CHI', 'HC') ORDER BY i.patient_id, i.type, i.value`,
    );
    this.#byMrn = db.prepare(`SELECT patient_id FROM patient_identifiers WHERE type = 'MR' AND value = ?`);
    // Survivors first, then the most recently updated: a RIS may hold duplicates of one NHS
    // number until the PAS merges them.
    this.#byNhs = db.prepare(
      'SELECT id FROM patients WHERE nhs_number = ? ORDER BY merged_into IS NOT NULL, updated_at DESC, id DESC',
    );
  }

  /** The end of the merge chain from `id` (the id itself when it was never merged). */
  survivorOf(id: number): number {
    return followSurvivorChain(id, (current) => this.#mergedInto.get(current)?.merged_into ?? null);
  }

  findOrders(query: RisOrderQuery): RisOrderRow[] {
    const where: string[] = [];
    const params: (string | number)[] = [];
    if (query.accessionNumber !== undefined) {
      where.push('accession_number = ?');
      params.push(query.accessionNumber);
    }
    if (query.patientId !== undefined) {
      where.push('patient_id = ?');
      params.push(this.survivorOf(query.patientId));
    }
    const sql = `SELECT * FROM orders${where.length ? ` WHERE ${where.join(' AND ')}` : ''} ORDER BY accession_number`;
    return (this.#statement(sql).all(...params) as OrderColumns[]).map(toOrderRow);
  }

  ordersByAccession(accessionNumbers: readonly string[]): Map<string, RisOrderRow> {
    const out = new Map<string, RisOrderRow>();
    for (const part of chunks([...new Set(accessionNumbers)])) {
      const rows = this.#statement(`SELECT * FROM orders WHERE accession_number IN (${part.map(() => '?').join(',')})`).all(...part) as OrderColumns[];
      for (const row of rows) out.set(row.accession_number, toOrderRow(row));
    }
    return out;
  }

  patientsById(ids: readonly number[]): Map<number, RisPatientRow> {
    const out = new Map<number, RisPatientRow>();
    for (const id of new Set(ids)) {
      const row = this.#patientRow(this.survivorOf(id));
      if (row) out.set(id, row);
    }
    return out;
  }

  patientByNhsNumber(nhsNumber: string): RisPatientRow | undefined {
    const hit = this.#byNhs.get(nhsNumber);
    return hit ? this.#patientRow(this.survivorOf(hit.id)) : undefined;
  }

  patientsByNhsNumber(nhsNumber: string): RisPatientRow[] {
    const ids = new Set(this.#byNhs.all(nhsNumber).map((hit) => this.survivorOf(hit.id)));
    return [...ids].map((id) => this.#patientRow(id)).filter((p): p is RisPatientRow => p !== undefined);
  }

  patientByMrn(mrn: string): RisPatientRow | undefined {
    const hit = this.#byMrn.get(mrn);
    return hit ? this.#patientRow(this.survivorOf(hit.patient_id)) : undefined;
  }

  statusHistoryAsOf(at: string, statuses?: readonly string[]): Map<string, StatusHistoryRow> {
    // recorded_at is ISO 8601 UTC (toISOString), so it compares as text once `at` is UTC too.
    const utc = new Date(at).toISOString();
    // `statuses`: only the orders whose state then was one of these (capacity's backlog).
    const only = statuses ? ` WHERE h.status IN (${statuses.map(() => '?').join(',')})` : '';
    if (statuses && statuses.length === 0) return new Map();
    const rows = this.#statement(
      `SELECT h.accession_number, h.status, h.performed, h.wait_started_at FROM study_status_history h
         JOIN (SELECT accession_number, MAX(id) AS id FROM study_status_history WHERE recorded_at <= ?
                GROUP BY accession_number) last ON last.id = h.id${only}`,
    ).all(utc, ...(statuses ?? [])) as { accession_number: string; status: string; performed: number; wait_started_at: string | null }[];
    return new Map(rows.map((r) => [r.accession_number, { status: r.status as StudyStatusValue, performed: r.performed !== 0, waitStartedAt: r.wait_started_at }]));
  }

  reportsByAccession(accessionNumbers: readonly string[]): Map<string, RisReportRow[]> {
    const out = new Map<string, RisReportRow[]>();
    for (const part of chunks([...new Set(accessionNumbers)])) {
      const rows = this.#statement(
          `SELECT * FROM reports WHERE accession_number IN (${part.map(() => '?').join(',')})
            ORDER BY accession_number, version`,
        )
        .all(...part) as ReportColumns[];
      for (const row of rows) {
        const list = out.get(row.accession_number) ?? [];
        list.push(toReportRow(row));
        out.set(row.accession_number, list);
      }
    }
    return out;
  }

  #patientRow(id: number): RisPatientRow | undefined {
    const columns = this.#patient.get(id);
    if (!columns) return undefined;
    const p = toPatientRecord(columns);
    return {
      id: p.id,
      nhsNumber: p.nhsNumber,
      family: p.family,
      given: p.given,
      birthDate: p.birthDate,
      sex: p.sex,
      mrns: this.#mrnsOf.all(id).map((r) => r.value),
      nationalIds: this.#nationalIdsOf.all(id).map((r) => ({ type: r.type, value: r.value })),
    };
  }
}
