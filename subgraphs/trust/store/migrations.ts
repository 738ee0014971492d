import type { Database } from 'better-sqlite3';

/**
 * Versioned schema of the trust store. `PRAGMA user_version` holds the number of migrations
 * applied; each migration runs in its own transaction together with the version bump, so a crash
 * leaves the database at a whole version. Append only: never edit a released migration.
 */
export interface Migration {
  version: number;
  name: string;
  sql: string;
}

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'journal, acks, failed, patients, orders, reports, outbox',
    sql: `
      -- Every message received, raw bytes first (written and committed before parsing).
      CREATE TABLE journal (
        id                  INTEGER PRIMARY KEY,
        received_at         TEXT    NOT NULL,
        remote_address      TEXT,
        connection_id       INTEGER,
        raw                 BLOB    NOT NULL,
        size                INTEGER NOT NULL,  -- bytes kept in raw
        frame_size          INTEGER NOT NULL,  -- bytes received; larger than size when oversized
        control_id          TEXT,              -- MSH-10, once parsed
        sending_application TEXT,              -- MSH-3
        sending_facility    TEXT,              -- MSH-4
        message_type        TEXT,              -- MSH-9, e.g. ORM^O01
        outcome             TEXT    NOT NULL DEFAULT 'RECEIVED',
        ack_code            TEXT,
        detail              TEXT
      );
      CREATE INDEX journal_control_id ON journal (control_id);

      -- The ACK sent for each message, by dedupe key: a resent message gets the same ACK back.
      CREATE TABLE acks (
        sending_application TEXT    NOT NULL,
        sending_facility    TEXT    NOT NULL,
        control_id          TEXT    NOT NULL,
        journal_id          INTEGER NOT NULL REFERENCES journal (id),
        ack_code            TEXT    NOT NULL,
        ack_text            TEXT    NOT NULL,
        acked_at            TEXT    NOT NULL,
        PRIMARY KEY (sending_application, sending_facility, control_id)
      ) WITHOUT ROWID;

      -- Messages answered AE/AR, kept for an operator to see and replay.
      CREATE TABLE failed (
        id              INTEGER PRIMARY KEY,
        journal_id      INTEGER NOT NULL REFERENCES journal (id),
        failed_at       TEXT    NOT NULL,
        ack_code        TEXT    NOT NULL,
        err_code        INTEGER NOT NULL,      -- ERR-3, table 0357
        reason          TEXT    NOT NULL,
        location        TEXT,
        status          TEXT    NOT NULL DEFAULT 'FAILED' CHECK (status IN ('FAILED', 'REPLAYED')),
        attempts        INTEGER NOT NULL DEFAULT 0,
        last_attempt_at TEXT,
        replayed_at     TEXT
      );
      CREATE INDEX failed_status ON failed (status, id);

      CREATE TABLE patients (
        id          INTEGER PRIMARY KEY,
        nhs_number  TEXT,
        family      TEXT,
        given       TEXT    NOT NULL DEFAULT '[]',   -- JSON array, in order
        birth_date  TEXT,
        sex         TEXT,
        merged_into INTEGER REFERENCES patients (id),
        created_at  TEXT    NOT NULL,
        updated_at  TEXT    NOT NULL
      );
      CREATE INDEX patients_nhs_number ON patients (nhs_number);
      CREATE INDEX patients_merged_into ON patients (merged_into);

      -- Local identifiers (type MR, HL7 table 0203). An identifier stays with the patient that
      -- had it; merges are followed on read, so the survivor shows the MRNs merged into it.
      CREATE TABLE patient_identifiers (
        type       TEXT    NOT NULL,
        value      TEXT    NOT NULL,
        patient_id INTEGER NOT NULL REFERENCES patients (id),
        PRIMARY KEY (type, value)
      ) WITHOUT ROWID;
      CREATE INDEX patient_identifiers_patient ON patient_identifiers (patient_id);

      CREATE TABLE orders (
        accession_number         TEXT    PRIMARY KEY,
        patient_id               INTEGER NOT NULL REFERENCES patients (id),
        placer_order_number      TEXT,
        filler_order_number      TEXT,
        study_instance_uid       TEXT,
        description              TEXT,
        body_part                TEXT,
        modality                 TEXT,
        priority                 TEXT,
        workflow_status          TEXT    NOT NULL,
        cancelled                INTEGER NOT NULL DEFAULT 0,
        status                   TEXT    NOT NULL,
        requested_at             TEXT,
        scheduled_at             TEXT,
        performed_at             TEXT,
        appointment_cancelled_at TEXT,
        created_at               TEXT    NOT NULL,
        updated_at               TEXT    NOT NULL
      );
      CREATE INDEX orders_patient ON orders (patient_id);

      -- Every report version. No foreign key to orders: a report may arrive before its order and
      -- is joined by accession number when the order comes.
      CREATE TABLE reports (
        accession_number TEXT    NOT NULL,
        version          INTEGER NOT NULL,
        status           TEXT    NOT NULL,
        result_status    TEXT    NOT NULL,         -- OBR-25 as received
        text             TEXT    NOT NULL,
        reported_at      TEXT,
        author           TEXT,
        patient_id       INTEGER REFERENCES patients (id),
        journal_id       INTEGER REFERENCES journal (id),
        received_at      TEXT    NOT NULL,
        PRIMARY KEY (accession_number, version)
      ) WITHOUT ROWID;

      -- Outbound HL7 (e.g. ORU^R01 back to an originating RIS), retried until ACKed. Empty today.
      CREATE TABLE outbox (
        id              INTEGER PRIMARY KEY,
        created_at      TEXT    NOT NULL,
        destination     TEXT    NOT NULL,          -- configured peer name
        message_type    TEXT    NOT NULL,
        control_id      TEXT    NOT NULL UNIQUE,   -- our MSH-10, matched against MSA-2
        payload         TEXT    NOT NULL,
        status          TEXT    NOT NULL DEFAULT 'PENDING'
                          CHECK (status IN ('PENDING', 'ACKED', 'REJECTED', 'ABANDONED')),
        attempts        INTEGER NOT NULL DEFAULT 0,
        next_attempt_at TEXT,
        last_error      TEXT,
        ack_code        TEXT,
        acked_at        TEXT
      );
      CREATE INDEX outbox_due ON outbox (status, next_attempt_at);
    `,
  },
  {
    version: 2,
    name: 'orders by filler and placer order number',
    // SIU (SCH-26/27) and some ORU feeds name an order only by its order numbers; the ingest
    // finds the order by them when the accession number they imply is unknown.
    sql: `
      CREATE INDEX orders_filler_order_number ON orders (filler_order_number);
      CREATE INDEX orders_placer_order_number ON orders (placer_order_number);
    `,
  },
  {
    version: 3,
    name: 'study index, PACS studies, PACS sync state',
    // ARCHITECTURE.md "The trust's read path": lists are answered from one row per study (RIS
    // order joined with the PACS study), kept in step by the HL7 apply transaction and the QIDO-RS
    // sync. `sort_key` orders the network way (schema/study-order.ts) with one ascending index:
    // minus the sort time in ms, or NO_SORT_TIME (9e15, after every real instant) when the study
    // has none; ties by `id_key` (the study id's base64url payload, so the same code-unit order as
    // the full network id). The rows are filled from existing orders when the store is opened
    // (open-trust-store.ts), because the derivation lives in TypeScript, not SQL.
    sql: `
      CREATE TABLE pacs_studies (
        study_instance_uid  TEXT    PRIMARY KEY,
        accession_number    TEXT,
        patient_id          TEXT,
        issuer_of_patient_id TEXT,
        patient_name        TEXT,              -- JSON {family, given[]} or NULL
        birth_date          TEXT,
        sex                 TEXT,
        modalities          TEXT    NOT NULL DEFAULT '[]',  -- JSON array
        description         TEXT,
        performed_at        TEXT,
        image_count         INTEGER,
        series_count        INTEGER,
        study_date          TEXT    NOT NULL DEFAULT '',    -- StudyDate YYYYMMDD as the PACS holds it; '' when none
        synced_at           TEXT    NOT NULL
      );
      CREATE INDEX pacs_studies_accession ON pacs_studies (accession_number);
      CREATE INDEX pacs_studies_date ON pacs_studies (study_date);

      CREATE TABLE study_index (
        id_key             TEXT    PRIMARY KEY,  -- base64url("a:"+accession | "u:"+uid)
        accession_number   TEXT,
        study_instance_uid TEXT,
        pacs_uid           TEXT,                 -- the joined PACS study, if any
        has_order          INTEGER NOT NULL,
        ris_patient_id     INTEGER,
        pacs_patient_id    TEXT,
        nhs_number         TEXT,
        modalities         TEXT    NOT NULL,     -- ',CT,MR,' (searchable), mapped to the Modality enum
        status             TEXT    NOT NULL,
        priority           TEXT,
        sort_key           INTEGER NOT NULL,
        sort_at            TEXT,
        performed_at       TEXT,
        scheduled_at       TEXT,
        requested_at       TEXT,
        reported_at        TEXT,
        series_count       INTEGER,
        image_count        INTEGER,
        description        TEXT,
        body_part          TEXT
      );
      CREATE INDEX study_index_order ON study_index (sort_key, id_key);
      CREATE INDEX study_index_status ON study_index (status, sort_key, id_key);
      CREATE INDEX study_index_nhs ON study_index (nhs_number, sort_key, id_key);
      CREATE INDEX study_index_ris_patient ON study_index (ris_patient_id, sort_key, id_key);
      CREATE INDEX study_index_pacs_patient ON study_index (pacs_patient_id, sort_key, id_key);
      CREATE INDEX study_index_accession ON study_index (accession_number);
      CREATE INDEX study_index_uid ON study_index (study_instance_uid);
      CREATE INDEX study_index_pacs_uid ON study_index (pacs_uid);

      -- One row per (study, modality), so a modality filter walks its own index in page order.
      CREATE TABLE study_index_modalities (
        modality TEXT    NOT NULL,
        sort_key INTEGER NOT NULL,
        id_key   TEXT    NOT NULL,
        PRIMARY KEY (modality, sort_key, id_key)
      ) WITHOUT ROWID;
      CREATE INDEX study_index_modalities_key ON study_index_modalities (id_key);

      CREATE INDEX orders_study_instance_uid ON orders (study_instance_uid);

      -- Where the PACS sync stands (resumable back-fill, last poll, last error): name → JSON.
      CREATE TABLE pacs_sync_state (
        name  TEXT PRIMARY KEY,
        value TEXT NOT NULL
      ) WITHOUT ROWID;
      INSERT INTO pacs_sync_state (name, value) VALUES ('index_needs_fill', 'true');
    `,
  },
  {
    version: 4,
    name: 'clinical correctness: report kinds and reporters, orders from reports, patient class, procedure codes, waits, status history',
    // A report for an order never seen (ORM lost, feed started mid-stream) creates the order from
    // its OBR, flagged order_missing until the order itself arrives. Report versions keep their
    // kind (original, addendum, correction: OBR-25 table 0123), their reporter and assistant
    // (OBR-32/33) and an encapsulated (OBX ED) report. Orders keep OBR-4's code and coding system,
    // PV1-2's patient class, the hold and did-not-attend states, and when the DM01 wait started
    // (restarted by a DNA or a patient cancellation). study_status_history records every change of
    // a study's status as the store saw it, for backlog figures "as of" a past instant.
    sql: `
      ALTER TABLE orders ADD COLUMN order_missing INTEGER NOT NULL DEFAULT 0;
      ALTER TABLE orders ADD COLUMN procedure_code TEXT;
      ALTER TABLE orders ADD COLUMN procedure_coding_system TEXT;
      ALTER TABLE orders ADD COLUMN patient_class TEXT;
      ALTER TABLE orders ADD COLUMN on_hold INTEGER NOT NULL DEFAULT 0;
      ALTER TABLE orders ADD COLUMN did_not_attend_at TEXT;
      ALTER TABLE orders ADD COLUMN wait_started_at TEXT;
      ALTER TABLE orders ADD COLUMN cancelled_at TEXT;
      ALTER TABLE reports ADD COLUMN kind TEXT NOT NULL DEFAULT 'ORIGINAL';
      ALTER TABLE reports ADD COLUMN attachment TEXT;
      ALTER TABLE reports ADD COLUMN reporter TEXT;   -- JSON {id, name, gmcNumber}
      ALTER TABLE reports ADD COLUMN assistant TEXT;  -- JSON {id, name, gmcNumber}

      CREATE TABLE study_status_history (
        id               INTEGER PRIMARY KEY,
        accession_number TEXT    NOT NULL,
        status           TEXT    NOT NULL,
        performed        INTEGER NOT NULL,   -- the examination had been done (or images seen)
        wait_started_at  TEXT,               -- the DM01 clock start in force
        recorded_at      TEXT    NOT NULL    -- when the store learnt it (ISO 8601 UTC)
      );
      CREATE INDEX study_status_history_accession ON study_status_history (accession_number, recorded_at);
      CREATE INDEX study_status_history_recorded ON study_status_history (recorded_at);
    `,
  },
  {
    version: 5,
    name: 'only accepted messages keep a dedupe key',
    // Issue 15, finding 1: a refused or failed message's (MSH-3, MSH-4, MSH-10) key made the real
    // message with that control id a "duplicate". Only AA/CA ACKs deduplicate now; forget the rest.
    sql: `DELETE FROM acks WHERE ack_code NOT IN ('AA', 'CA');`,
  },
  {
    version: 6,
    name: 'network reporting: claims, network report versions, outbox delivery',
    // A claim is a lease (DICOM UPS, PS3.4 Annex CC, is the same idea): one row per study, won by a
    // compare-and-set upsert. Times as epoch milliseconds so expiry compares as numbers.
    // network_reports ties a report version written in the network to its reporter and to the
    // outbox row that delivers it (same transaction as the version).
    sql: `
      CREATE TABLE claims (
        accession_number TEXT    PRIMARY KEY,
        holder_sub       TEXT    NOT NULL,
        holder_given     TEXT,
        holder_family    TEXT,
        holder_gmc       TEXT,
        holder_trust     TEXT,
        claimed_at_ms    INTEGER NOT NULL,
        expires_at_ms    INTEGER NOT NULL
      ) WITHOUT ROWID;
      CREATE INDEX claims_expiry ON claims (expires_at_ms);

      CREATE TABLE network_reports (
        accession_number TEXT    NOT NULL,
        version          INTEGER NOT NULL,
        reporter_sub     TEXT    NOT NULL,
        reporter_given   TEXT,
        reporter_family  TEXT,
        reporter_gmc     TEXT,
        reporter_trust   TEXT,
        outbox_id        INTEGER NOT NULL REFERENCES outbox (id),
        PRIMARY KEY (accession_number, version)
      ) WITHOUT ROWID;

      ALTER TABLE outbox ADD COLUMN last_attempt_at TEXT;
    `,
  },
  {
    version: 7,
    name: 'capacity from the study index: request, schedule, RIS exam and first final report times',
    // Capacity (Query.capacity) selects the orders with an event inside its window by range scans
    // on these columns instead of reading every order and its reports. Partial indexes: only rows
    // with an order carry them. The existing rows get them by the one-off refill the open does
    // when the index_needs_fill flag is set (the same path as migration 3), in one transaction.
    sql: `
      ALTER TABLE study_index ADD COLUMN requested_ms INTEGER;
      ALTER TABLE study_index ADD COLUMN scheduled_ms INTEGER;
      ALTER TABLE study_index ADD COLUMN ris_performed_ms INTEGER;
      ALTER TABLE study_index ADD COLUMN first_final_ms INTEGER;
      CREATE INDEX study_index_requested_ms ON study_index (requested_ms) WHERE requested_ms IS NOT NULL;
      CREATE INDEX study_index_scheduled_ms ON study_index (scheduled_ms) WHERE scheduled_ms IS NOT NULL;
      CREATE INDEX study_index_ris_performed_ms ON study_index (ris_performed_ms) WHERE ris_performed_ms IS NOT NULL;
      CREATE INDEX study_index_first_final_ms ON study_index (first_final_ms) WHERE first_final_ms IS NOT NULL;
      INSERT OR REPLACE INTO pacs_sync_state (name, value) VALUES ('index_needs_fill', 'true');
    `,
  },
  {
    version: 8,
    name: 'ingest writes fewer index pages: unread indexes dropped, PACS-patient index partial',
    // Issue 16: indexes written by every ingested message but read by no query. The journal is
    // never looked up by control id (duplicates are found in acks by its primary key; operators
    // read the journal by id). The study index's patient filter resolves the NHS number to RIS and
    // PACS patient ids first and walks study_index_ris_patient / study_index_pacs_patient; its
    // nhs_number and study_instance_uid columns are only returned, never filtered or sorted on
    // (rows are found by id_key, accession, pacs_uid). The PACS-patient branch of the filter
    // always says `has_order = 0` (a study with an order is found by its RIS patient), so that
    // index only needs those rows (a partial index SQLite uses when the query has that term):
    // an order's sort-key change no longer rewrites an entry there. Measured (WAL frames of 500
    // RXA messages after 2,500, 1 connection): 19.9 -> 16.1 pages written per message.
    sql: `
      DROP INDEX IF EXISTS journal_control_id;
      DROP INDEX IF EXISTS study_index_nhs;
      DROP INDEX IF EXISTS study_index_uid;
      DROP INDEX IF EXISTS study_index_pacs_patient;
      CREATE INDEX study_index_pacs_patient ON study_index (pacs_patient_id, sort_key, id_key) WHERE has_order = 0;
    `,
  },
];

/** The version a fully migrated database has. */
export const LATEST_VERSION = MIGRATIONS.at(-1)?.version ?? 0;

/**
 * Brings `db` to the latest version; returns the versions applied. A database newer than this
 * code is refused rather than written to.
 */
export function migrate(db: Database): number[] {
  const current = db.pragma('user_version', { simple: true }) as number;
  if (current > LATEST_VERSION) {
    throw new Error(`trust store is at schema version ${current}, newer than this build (${LATEST_VERSION})`);
  }
  const applied: number[] = [];
  for (const migration of MIGRATIONS) {
    if (migration.version <= current) continue;
    db.transaction(() => {
      db.exec(migration.sql);
      // PRAGMA takes no bound parameters; the version is an integer from this file.
      db.pragma(`user_version = ${migration.version}`);
    }).immediate();
    applied.push(migration.version);
  }
  return applied;
}

/** The schema version of `db`. */
export function schemaVersion(db: Database): number {
  return db.pragma('user_version', { simple: true }) as number;
}
