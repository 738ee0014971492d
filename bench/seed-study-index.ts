import Database from 'better-sqlite3';
import { syntheticStudies, type SyntheticArchiveOptions } from '../simulator/synthetic-archive.ts';
import type { SimStudy } from '../simulator/sim-study.ts';
import { openTrustStore } from '../subgraphs/trust/store/open-trust-store.ts';
import { studyIndexRow } from '../subgraphs/trust/store/study-index-row.ts';
import { dicomDateTimeToIso } from '../subgraphs/trust/pacs/dicom-datetime.ts';
import type { PacsStudy } from '../subgraphs/trust/pacs/study-mapping.ts';
import { INITIAL_SYNC_STATE } from '../subgraphs/trust/pacs/pacs-index-port.ts';

/** The PacsStudy the trust's QIDO mapping makes of a synthetic study (UTC times). */
export function pacsStudyOfSim(s: SimStudy): PacsStudy {
  const [family, given] = s.patientName.split('^');
  return {
    studyInstanceUid: s.studyInstanceUid,
    accessionNumber: s.accessionNumber,
    patientId: s.patientId,
    issuerOfPatientId: s.issuerOfPatientId || null,
    patientName: { family: family ?? null, given: given ? [given] : [] },
    birthDate: `${s.patientBirthDate.slice(0, 4)}-${s.patientBirthDate.slice(4, 6)}-${s.patientBirthDate.slice(6, 8)}`,
    sex: s.patientSex === 'M' ? 'MALE' : 'FEMALE',
    modalities: [...new Set(s.series.map((x) => x.modality))],
    description: s.studyDescription,
    performedAt: s.studyDate ? dicomDateTimeToIso(s.studyDate, s.studyTime, { timezone: 'UTC', timezoneOffset: s.timezoneOffsetFromUtc }) : null,
    imageCount: s.series.reduce((n, x) => n + x.instanceCount, 0),
    seriesCount: s.series.length,
  };
}

/**
 * BENCH SEEDING, NOT THE PRODUCT PATH: fills a trust store's study index with a synthetic archive
 * by direct SQL inserts in one transaction (the product fills it by QIDO-RS sync, measured
 * separately as the back-fill rate). Rows are made by the product's own pure derivation
 * (studyIndexRow), so pages read exactly what a sync would have written. The sync state is
 * marked complete, so the trust does not back-fill again.
 */
export function seedStudyIndex(path: string, archive: SyntheticArchiveOptions): { studies: number } {
  openTrustStore(path).close(); // create and migrate
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = OFF');
  const pacs = db.prepare(`INSERT INTO pacs_studies (study_instance_uid, accession_number, patient_id, issuer_of_patient_id, patient_name,
      birth_date, sex, modalities, description, performed_at, image_count, series_count, study_date, synced_at)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`);
  const index = db.prepare(`INSERT INTO study_index (id_key, accession_number, study_instance_uid, pacs_uid, has_order, ris_patient_id,
      pacs_patient_id, nhs_number, modalities, status, priority, sort_key, sort_at, performed_at, scheduled_at, requested_at, reported_at,
      series_count, image_count, description, body_part) VALUES (?, ?, ?, ?, 0, NULL, ?, ?, ?, ?, NULL, ?, ?, ?, NULL, NULL, NULL, ?, ?, ?, NULL)`);
  const modality = db.prepare('INSERT OR IGNORE INTO study_index_modalities (modality, sort_key, id_key) VALUES (?, ?, ?)');
  const now = new Date().toISOString();
  let n = 0;
  db.transaction(() => {
    for (const sim of syntheticStudies(archive)) {
      const p = pacsStudyOfSim(sim);
      pacs.run(p.studyInstanceUid, p.accessionNumber, p.patientId, p.issuerOfPatientId, JSON.stringify(p.patientName), p.birthDate, p.sex,
        JSON.stringify(p.modalities), p.description, p.performedAt, p.imageCount, p.seriesCount, sim.studyDate, now);
      const r = studyIndexRow({ order: undefined, pacs: p, reports: [], patientNhsNumber: null });
      index.run(r.idKey, r.accessionNumber, r.studyInstanceUid, r.pacsUid, r.pacsPatientId, r.nhsNumber, `,${r.modalities.join(',')},`,
        r.status, r.sortKey, r.sortAt, r.performedAt, r.seriesCount, r.imageCount, r.description);
      for (const m of r.modalities) modality.run(m, r.sortKey, r.idKey);
      n++;
    }
    const state = structuredClone(INITIAL_SYNC_STATE);
    state.backfill = { ...state.backfill, datesDone: true, sweepDone: true, nextTo: null, startedOn: now.slice(0, 10), oldestDate: null };
    state.lastSyncAt = now;
    db.prepare(`INSERT OR REPLACE INTO pacs_sync_state (name, value) VALUES ('sync', ?)`).run(JSON.stringify(state));
  })();
  db.pragma('wal_checkpoint(TRUNCATE)');
  db.close();
  return { studies: n };
}
